"""Grounded answers, extractive by default: the sentences that answer, each with its citation.

The answer is assembled from the retrieved passages only; nothing is invented. Below the
retriever's relevance gate the assistant says it does not know and who can answer instead; a
patient's personal request ("mon dossier médical") is turned down with where to ask instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from agent.enumerations import (
    BULLET,
    SENTENCE_END,
    Enumeration,
    asks_for_date,
    asks_for_deadline,
    asks_for_list,
    find_enumerations,
    has_date,
    has_deadline,
    listed_noun,
    render_enumeration,
)
from agent.evidence_dates import source_state_label, sources_state_line
from agent.input_text import fold
from agent.messages import PATIENT_REQUEST
from agent.turns import SourceRef
from retrieval import Passage, SearchResult

UNCERTAIN_MARK = "(à confirmer)"
MAX_SENTENCES = 4
MAX_ANSWER_CHARS = 900
_SHORT_SENTENCE = 120  # chars: shorter sentences get the next one as context
_LIST_PASSAGES = 5  # a list may come from any of the passages the retriever returned
_MIN_LIST_COVERAGE = 0.5  # share of the query's terms the list (with its heading) must carry
_SAME_SOURCE_BONUS = 1.5  # a list from the best passage's source note is preferred
_DATE_BOOST = 2.5  # a date question prefers the sentences that carry a date
_DEADLINE_BOOST = 1.6  # … and a deadline question those giving an end date
_SAME_CONTENT = 0.85  # share of the shorter sentence's terms found in a longer one: a repeat
_MIN_REPEAT_TERMS = 4
_KNOWN_SHARE = 0.75  # share of a sentence's terms already said by the picked ones: nothing new
_MIN_SHARE = 0.35  # a sentence scoring under this share of the best one is filler
_ASKED_SHARE = 0.5  # a query word in a FAQ heading counts half for each sentence of its answer
_META_PENALTY = 0.1  # sentences about the knowledge base itself ("… figure dans la note …")
_META = re.compile(
    r"\b(?:cette note|(?:voir )?la note (?:sur|consacr\w+)|la présente note)\b", re.IGNORECASE
)
_ANAPHORA = re.compile(r"^(?:Elle|Il|Ils|Elles|Ce|Cet|Cette|Ces|Cela|Celui-ci|Celle-ci)\b")
_NUMERALS = ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")
_LIST_CUES = "liste lister énumérer détailler contenir comporter comprendre"
# A patient's personal request (matched on folded text): the knowledge base is written for
# referents, and shares words with these requests ("dossier médical", "données de santé").
_PATIENT_REQUEST = re.compile(
    r"\b(?:je suis (?:une? )?patient|en tant que patient"
    r"|(?:mon|ma|mes) (?:dossier medical|dmp|espace sante|donnees de sante|compte rendu"
    r"|resultats? d'(?:analyse|examen)|ordonnance)"
    r"|prendre (?:un )?rendez-vous)"
)

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


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    found: bool
    mode: str  # "extractive" | "llm"
    as_of: date
    passages: tuple[Passage, ...]
    sources: tuple[SourceRef, ...]  # the cited sources, numbered as in the text


def is_patient_request(question: str) -> bool:
    """True for a patient's personal request ("mon dossier médical", "je suis patient"…)."""
    return bool(_PATIENT_REQUEST.search(fold(question).replace("\u2019", "'")))


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentences and list items, keeping each one readable alone."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        pieces.extend(part.strip() for part in SENTENCE_END.split(line) if part.strip())
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
        evidence=citation.evidence.isoformat() if citation.evidence else None,
    )


class ExtractiveComposer:
    """Picks the sentences of the best passages sharing the most weighted terms with the query.

    A question asking for a list ("quelles sont les 7 actions…") gets the items of the best
    matching list of the passages (see agent.enumerations); a question asking for a date
    prefers the sentences that carry one.
    """

    def __init__(self, analyze: Callable[[str], list[str]]) -> None:
        self._analyze = analyze
        self._numerals = {
            str(value): tokens[0]
            for value, word in enumerate(_NUMERALS, start=2)
            if (tokens := analyze(word))
        }
        self._cues = set(analyze(_LIST_CUES))

    def compose(self, result: SearchResult, as_of: date) -> Answer:
        if is_patient_request(result.query):
            return Answer(result.query, PATIENT_REQUEST, False, "extractive", as_of, (), ())
        if not result.found or not result.passages:
            return Answer(result.query, NOT_FOUND_TEXT, False, "extractive", as_of, (), ())
        listed = self._list_answer(result.query, result.passages, dict(result.term_weights))
        if listed is not None:
            text, listed_refs = listed
            return Answer(
                result.query, text, True, "extractive", as_of, result.passages, listed_refs
            )
        weights = dict(result.term_weights)
        chosen = self._choose(result.query, result.passages, weights)
        numbers: dict[str, int] = {}
        refs: list[SourceRef] = []
        lines: list[str] = []
        for passage, sentence in chosen:
            key = passage.chunk_id
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                refs.append(source_ref(numbers[key], passage))
            lines.append(f"{_marked(sentence, passage)} [{numbers[key]}]")
        text = " ".join(lines)
        return Answer(result.query, text, True, "extractive", as_of, result.passages, tuple(refs))

    def _terms(self, text: str) -> set[str]:
        """Analysed terms, numerals written in words ("7" and "sept" match)."""
        return {self._numerals.get(term, term) for term in self._analyze(text)}

    def _list_answer(
        self, query: str, passages: Sequence[Passage], weights: Mapping[str, float]
    ) -> tuple[str, tuple[SourceRef, ...]] | None:
        """The list answer, plus the best sentence of the top passage when it is another source."""
        if not asks_for_list(query):
            return None
        best = self._best_enumeration(query, passages)
        if best is None:
            return None
        passage, enumeration = best
        text = render_enumeration(
            enumeration, passage.text, 1, lambda line: _marked(line, passage)
        )
        refs = [source_ref(1, passage)]
        top = passages[0]
        if top.citation.source_id != passage.citation.source_id:
            listed = self._terms(text)
            for _, sentence in self._choose(query, [top], weights)[:1]:
                if not _same_content(self._terms(sentence), listed):
                    text += f"\n{_marked(sentence, top)} [2]"
                    refs.append(source_ref(2, top))
        return text, tuple(refs)

    def _best_enumeration(
        self, query: str, passages: Sequence[Passage]
    ) -> tuple[Passage, Enumeration] | None:
        """The list whose heading, intro and items carry most of the query (best passages)."""
        query_terms = self._terms(query) - self._cues
        if not query_terms:
            return None
        needed = max(min(2, len(query_terms)), _MIN_LIST_COVERAGE * len(query_terms))
        noun = listed_noun(query)
        noun_terms = self._terms(noun) if noun else set()
        best: tuple[float, Passage, Enumeration] | None = None
        for rank, passage in enumerate(passages[:_LIST_PASSAGES]):
            weight = _rank_weight(passages, rank)
            section = self._terms(passage.citation.section)
            for enumeration in find_enumerations(passage.text):
                intro = self._terms(enumeration.intro or "")
                labels = self._terms(" ".join(_label(item) for item in enumeration.items))
                head = section | intro
                body = self._terms(" ".join(enumeration.items))
                shared = len(query_terms & (head | body))
                if shared < needed:
                    continue
                if noun_terms and not noun_terms <= (intro or section) | labels:
                    continue  # a list of other things ("domaines" for "objectifs")
                if not noun_terms and not query_terms & (intro or section):
                    continue
                score = weight * (shared + 0.5 * len(query_terms & head)) / len(query_terms)
                score *= 0.8 if enumeration.inline else 1.0
                if passage.citation.source_id == passages[0].citation.source_id:
                    score *= _SAME_SOURCE_BONUS
                if best is None or score > best[0]:
                    best = (score, passage, enumeration)
        return None if best is None else (best[1], best[2])

    def _choose(
        self, query: str, passages: Sequence[Passage], weights: Mapping[str, float]
    ) -> list[tuple[Passage, str]]:
        """The best sentences: rare query words weigh more; repeats and filler are left out.

        ``weights`` (query term → 0..1, see ``SearchResult.term_weights``) makes a sentence
        sharing "SILENE" count more than one sharing "CaRE"; without weights every query term
        counts 1. The sentences of the other passages must share a query word with the best
        passage's heading (its topic): a date question about HospiConnect gets no D1 date.
        When a passage's heading is a question (a FAQ entry), the query words of that heading
        count half for each of its sentences: the answer does not repeat the question.
        """
        query_terms = self._terms(query) | set(weights)
        wants_date = asks_for_date(query)
        wants_deadline = asks_for_deadline(query)
        topic = query_terms & self._terms(passages[0].citation.section) if passages else set()
        candidates: list[tuple[float, int, int, Passage, str]] = []
        for rank, passage in enumerate(passages[:3]):
            rank_weight = _rank_weight(passages, rank)
            heading = passage.citation.section
            asked = query_terms & self._terms(heading) if heading.endswith("?") else set()
            for position, sentence in enumerate(split_sentences(passage.text)):
                terms = self._terms(sentence)
                if len(terms) < 2 or (rank > 0 and topic and not topic & (terms | asked)):
                    continue  # a bare "Non." says nothing alone; other passages stay on topic
                gain = sum(_term_weight(weights, term) for term in query_terms & terms)
                # the answer of a FAQ entry is about its question even when it does not repeat it
                gain += _ASKED_SHARE * sum(_term_weight(weights, term) for term in asked - terms)
                score = rank_weight * (gain + 0.1) / math.sqrt(len(terms) + 4)
                if wants_date and has_date(sentence):
                    score *= _DATE_BOOST
                    if wants_deadline and has_deadline(sentence):
                        score *= _DEADLINE_BOOST  # "jusqu'à quand" wants the end date
                if _META.search(sentence):
                    score *= _META_PENALTY
                candidates.append((score, rank, position, passage, sentence))
        candidates.sort(key=lambda c: -c[0])
        picked: list[tuple[float, int, int, Passage, str]] = []
        said: set[str] = set()
        length = 0
        for candidate in candidates:
            if len(picked) >= MAX_SENTENCES:
                break
            if picked and (candidate[0] < _MIN_SHARE * picked[0][0] or length > MAX_ANSWER_CHARS):
                break
            terms = self._terms(candidate[4])
            if _already_said(terms, said):
                continue  # the same fact, worded alike, in another passage or sentence
            said |= terms
            picked.append(candidate)
            length += len(candidate[4])
        if not picked and candidates:
            picked = candidates[:1]
        if wants_date and any(has_date(c[4]) for c in picked):
            picked = [c for c in picked if has_date(c[4])]  # the date is the answer
            if wants_deadline and any(has_deadline(c[4]) for c in picked):
                picked = [c for c in picked if has_deadline(c[4])]  # … the end date
        else:
            picked.sort(key=lambda c: (c[1], c[2]))  # reading order; dates: best first
        chosen = self._with_continuations([(c[3], c[2], c[4]) for c in picked], query_terms)
        kept: list[tuple[Passage, str]] = []
        said = set()
        for passage, sentence in chosen:  # a continuation may repeat a later pick
            terms = self._terms(sentence)
            if kept and _already_said(terms, said):
                continue
            kept.append((passage, sentence))
            said |= terms
        return kept

    def _with_continuations(
        self, picked: list[tuple[Passage, int, str]], query_terms: set[str]
    ) -> list[tuple[Passage, str]]:
        """Add the sentence that follows an announcing one ("… suivantes :"), one that goes on
        about the same subject with a pronoun ("Elle y relève que…"), or one that follows a short
        sentence and still shares a word with the question.

        Never a sentence about the knowledge base itself ("Le détail figure dans la note…").
        """
        chosen = {(p.chunk_id, position) for p, position, _ in picked}
        result: list[tuple[Passage, str]] = []
        for passage, position, sentence in picked:
            result.append((passage, sentence))
            sentences = split_sentences(passage.text)
            following = position + 1
            if following >= len(sentences) or _META.search(sentences[following]):
                continue
            after = sentences[following]
            short = len(sentence) < _SHORT_SENTENCE and bool(query_terms & self._terms(after))
            if not (short or sentence.rstrip().endswith(":") or _ANAPHORA.match(after)):
                continue
            if (passage.chunk_id, following) not in chosen:
                chosen.add((passage.chunk_id, following))
                result.append((passage, after))
        return result


def _rank_weight(passages: Sequence[Passage], rank: int) -> float:
    """How much a passage's sentences count: its score relative to the best one, by rank."""
    top_score = passages[0].score or 1.0
    weight = max(passages[rank].score / top_score, 0.0) if top_score > 0 else 1.0
    return max(weight, 0.25) / (1 + rank)


def _term_weight(weights: Mapping[str, float], term: str) -> float:
    """How much a shared query term counts: its weight relative to the query's rarest term.

    1 for every term without weights. A term the index did not weigh counts as the most common
    one: it is mostly an acronym the plain analyzer cut ("CaRE" → "car"), found everywhere.
    """
    if not weights:
        return 1.0
    top = max(weights.values()) or 1.0
    return weights.get(term, min(weights.values())) / top


def _already_said(terms: set[str], said: set[str]) -> bool:
    """True when most terms of a sentence are in the sentences already picked (nothing new)."""
    return len(terms) >= _MIN_REPEAT_TERMS and len(terms & said) >= _KNOWN_SHARE * len(terms)


def _same_content(a: set[str], b: set[str]) -> bool:
    """True when most terms of the shorter sentence are in the other one (a reworded repeat)."""
    shorter = min(len(a), len(b))
    return shorter >= _MIN_REPEAT_TERMS and len(a & b) >= _SAME_CONTENT * shorter


def _label(item: str) -> str:
    """The label of a list item ("Action 3 : …" → "Action 3"), else its first four words."""
    label, colon, _ = item.partition(" : ")
    return label if colon and len(label) <= 40 else " ".join(item.split()[:4])


def _marked(sentence: str, passage: Passage) -> str:
    """The sentence, with "(à confirmer)" when its source is uncertain."""
    if not passage.citation.uncertain or UNCERTAIN_MARK in sentence:
        return sentence
    if sentence.endswith(":"):
        return f"{sentence.rstrip(' :')} {UNCERTAIN_MARK} :"
    return f"{sentence.rstrip('.')} {UNCERTAIN_MARK}."


def render_sources(refs: Sequence[SourceRef]) -> str:
    """The 'Sources' block shown under an answer."""
    lines = ["Sources :"]
    for ref in refs:
        flag = f" {UNCERTAIN_MARK}" if ref.uncertain else ""
        lines.append(
            f"[{ref.number}] {ref.title} — {ref.section} ({source_state_label(ref)})"
            f"{flag}\n    {ref.url}"
        )
    return "\n".join(lines)


def checked_line(refs: Sequence[SourceRef], as_of: date) -> str:
    """The dating line under an answer: the month of the newest evidence of the cited sources.

    ``as_of`` is kept for callers; the answer's own date says nothing about its sources.
    """
    del as_of
    return sources_state_line(refs)


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
