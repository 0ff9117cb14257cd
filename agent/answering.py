"""Grounded answers, extractive by default: the sentences that answer, each with its citation.

The answer is assembled from the retrieved passages only; nothing is invented. Below the
retriever's relevance gate the assistant says it does not know and who can answer instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from agent.turns import SourceRef
from retrieval import Passage, SearchResult

UNCERTAIN_MARK = "(à confirmer)"
MAX_SENTENCES = 4
MAX_ANSWER_CHARS = 900
_SHORT_SENTENCE = 120  # chars: shorter sentences get the next one as context

NOT_FOUND_TEXT = (
    "Je ne sais pas : je n'ai trouvé aucune source fiable dans ma base de connaissances "
    "pour répondre à cette question, et je préfère ne pas inventer.\n"
    "Pour aller plus loin :\n"
    "• programme CaRE, guichets et éligibilité : votre ARS (agence régionale de santé) "
    "ou votre GRADeS ;\n"
    "• contenu des dispositifs et plateformes eCaRE / Convergence : l'ANS (Agence du "
    "numérique en santé) ;\n"
    "• incident de sécurité en cours : signalez-le sans attendre sur le portail de "
    "signalement et contactez le CERT Santé."
)

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-ÖØ-Þ0-9«(•-])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    found: bool
    mode: str  # "extractive" | "llm"
    as_of: date
    passages: tuple[Passage, ...]
    sources: tuple[SourceRef, ...]  # the cited sources, numbered as in the text


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentences and list items, keeping each one readable alone."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        pieces.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return pieces


def source_ref(number: int, passage: Passage) -> SourceRef:
    citation = passage.citation
    return SourceRef(
        number=number,
        source_id=citation.source_id,
        title=citation.title,
        section=citation.section,
        url=citation.url,
        checked=citation.checked.isoformat(),
        published=citation.published.isoformat() if citation.published else None,
        uncertain=citation.uncertain,
        excerpt=passage.text,
    )


class ExtractiveComposer:
    """Picks the sentences of the best passages sharing the most weighted terms with the query."""

    def __init__(self, analyze: Callable[[str], list[str]]) -> None:
        self._analyze = analyze

    def compose(self, result: SearchResult, as_of: date) -> Answer:
        if not result.found or not result.passages:
            return Answer(result.query, NOT_FOUND_TEXT, False, "extractive", as_of, (), ())
        chosen = self._choose(result.query, result.passages)
        numbers: dict[str, int] = {}
        refs: list[SourceRef] = []
        lines: list[str] = []
        for passage, sentence in chosen:
            key = passage.chunk_id
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                refs.append(source_ref(numbers[key], passage))
            if passage.citation.uncertain and UNCERTAIN_MARK not in sentence:
                sentence = f"{sentence.rstrip('.')} {UNCERTAIN_MARK}."
            lines.append(f"{sentence} [{numbers[key]}]")
        text = " ".join(lines)
        return Answer(result.query, text, True, "extractive", as_of, result.passages, tuple(refs))

    def _choose(self, query: str, passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
        query_terms = set(self._analyze(query))
        candidates: list[tuple[float, int, int, Passage, str]] = []
        top_score = passages[0].score or 1.0
        for rank, passage in enumerate(passages[:3]):
            rank_weight = max(passage.score / top_score, 0.0) if top_score > 0 else 1.0
            rank_weight = max(rank_weight, 0.25) / (1 + rank)
            for position, sentence in enumerate(split_sentences(passage.text)):
                terms = set(self._analyze(sentence))
                overlap = len(query_terms & terms)
                if not terms:
                    continue
                score = rank_weight * (overlap + 0.1) / math.sqrt(len(terms) + 4)
                candidates.append((score, rank, position, passage, sentence))
        candidates.sort(key=lambda c: -c[0])
        picked: list[tuple[float, int, int, Passage, str]] = []
        length = 0
        for candidate in candidates:
            if len(picked) >= MAX_SENTENCES:
                break
            if picked and (candidate[0] < 0.35 * picked[0][0] or length > MAX_ANSWER_CHARS):
                break
            picked.append(candidate)
            length += len(candidate[4])
        if not picked and candidates:
            picked = candidates[:1]
        picked.sort(key=lambda c: (c[1], c[2]))
        return self._with_continuations([(c[3], c[2], c[4]) for c in picked])

    @staticmethod
    def _with_continuations(
        picked: list[tuple[Passage, int, str]],
    ) -> list[tuple[Passage, str]]:
        """Add the sentence that follows a short or announcing one ("… deux prérequis.")."""
        chosen = {(p.chunk_id, position) for p, position, _ in picked}
        result: list[tuple[Passage, str]] = []
        for passage, position, sentence in picked:
            result.append((passage, sentence))
            if len(sentence) >= _SHORT_SENTENCE and not sentence.rstrip().endswith(":"):
                continue
            sentences = split_sentences(passage.text)
            following = position + 1
            if following < len(sentences) and (passage.chunk_id, following) not in chosen:
                chosen.add((passage.chunk_id, following))
                result.append((passage, sentences[following]))
        return result


def render_sources(refs: Sequence[SourceRef]) -> str:
    """The 'Sources' block shown under an answer."""
    lines = ["Sources :"]
    for ref in refs:
        flag = f" {UNCERTAIN_MARK}" if ref.uncertain else ""
        lines.append(
            f"[{ref.number}] {ref.title} — {ref.section} (vérifiée le {_fr_date(ref.checked)})"
            f"{flag}\n    {ref.url}"
        )
    return "\n".join(lines)


def checked_line(refs: Sequence[SourceRef], as_of: date) -> str:
    latest = max((ref.checked for ref in refs), default=as_of.isoformat())
    return f"Informations vérifiées au {_fr_date(latest)}."


def full_text(answer: Answer) -> str:
    """Answer + date line + sources, as one plain text (terminal, Telegram)."""
    if not answer.found:
        return answer.text
    return (
        f"{answer.text}\n\n{checked_line(answer.sources, answer.as_of)}\n\n"
        f"{render_sources(answer.sources)}"
    )


_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _fr_date(iso: str) -> str:
    try:
        value = date.fromisoformat(iso)
    except ValueError:
        return iso
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


fr_date = _fr_date
