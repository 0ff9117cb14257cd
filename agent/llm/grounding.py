"""Grounding rules, as code: what a model wrote is kept only if it cites what it was given.

``check_grounded`` takes raw model output and the numbered passages the model saw, and returns
either ``Grounded`` (clean text whose ``[n]`` markers all point to given passages) or
``Rejected`` (a short reason for the logs; the caller keeps the extractive answer):

- empty or over-long output → rejected;
- the system prompt repeated → rejected;
- markup removed (HTML tags, Markdown, links other than the passages' own URLs);
- citation variants (``[1, 2]``, ``[Source 1]``, ``[^1]``) normalised to ``[1][2]``;
- any number outside 1..len(passages) → rejected; no citation at all → rejected;
- a quoted span «…» / “…” / "…" must appear in a cited passage (whitespace and case aside):
  otherwise a short one loses its quote marks and a long one loses its sentence;
- a sentence citing an uncertain source gets "(à confirmer)";
- clearly not French → rejected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.answering import UNCERTAIN_MARK
from agent.llm.output_checks import leaks, looks_french, normalise, sanitise_markup
from retrieval import Passage

SHORT_QUOTE_WORDS = 6

_CITATION_GROUP = re.compile(
    r"\[\s*(?:\^|(?:sources?|passages?|extraits?|réf\.?|ref\.?|n°)\s*)?"
    r"(\d{1,3}(?:\s*(?:[,;]|et|-|–)\s*(?:(?:sources?|extraits?)\s*)?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_QUOTE = re.compile(r"«\s*([^«»]{1,600}?)\s*»|“([^“”]{1,600})”|\"([^\"\n]{1,600})\"")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…\]])\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"“•(-])")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.)\s*")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,])")


@dataclass(frozen=True)
class Grounded:
    text: str
    cited: tuple[int, ...]  # passage numbers (1-based, in the order given to the model)
    dropped: tuple[tuple[str, str], ...] = ()  # (sentence, reason) left out by the checks


@dataclass(frozen=True)
class Rejected:
    reason: str
    dropped: tuple[tuple[str, str], ...] = ()


def check_grounded(
    raw: str, passages: Sequence[Passage], *, system_prompt: str, max_chars: int
) -> Grounded | Rejected:
    """Apply every grounding rule to ``raw``; see the module docstring."""
    if not raw.strip():
        return Rejected("empty output")
    if len(raw) > 2 * max_chars:
        return Rejected(f"output too long ({len(raw)} characters)")
    texts = [p.text for p in passages]
    if system_prompt and leaks(raw, system_prompt, allowed=texts):
        return Rejected("output repeats the system prompt")
    urls = [p.citation.url for p in passages] + [u for t in texts for u in urls_in(t)]
    text = normalise_citations(sanitise_markup(raw, allowed_urls=urls))
    numbers = [int(n) for n in _MARKER.findall(text)]
    invented = sorted({n for n in numbers if not 1 <= n <= len(passages)})
    if invented:
        return Rejected(f"citation outside the given passages {invented}")
    if not numbers:
        return Rejected("no citation")
    text = verify_quotes(text, passages)
    numbers = [int(n) for n in _MARKER.findall(text)]
    if not numbers:
        return Rejected("no citation left after removing unverified quotes")
    text = mark_uncertain(text, passages)
    if len(text) > max_chars:
        return Rejected(f"output too long ({len(text)} > {max_chars} characters)")
    if not looks_french(_MARKER.sub(" ", text)):
        return Rejected("output is not in French")
    return Grounded(text, tuple(sorted(set(numbers))))


def normalise_citations(text: str) -> str:
    """``[1, 2]``, ``[Source 1]``, ``[^1]``, ``[1-2]`` → ``[1][2]``; other brackets untouched."""

    def expand(match: re.Match[str]) -> str:
        body = match.group(1)
        bounds = re.findall(r"\d{1,3}", body)
        if len(bounds) == 2 and re.search(r"\d\s*[-–]\s*\d", body):
            low, high = int(bounds[0]), int(bounds[1])
            if 0 < high - low < 10:
                return "".join(f"[{n}]" for n in range(low, high + 1))
        return "".join(f"[{int(n)}]" for n in bounds)

    return _CITATION_GROUP.sub(expand, text)


def sentences(text: str) -> list[str]:
    """Sentences with their trailing citation markers, line structure kept apart."""
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(part for part in _SENTENCE_BREAK.split(line) if part)
        pieces.append("\n")
    return pieces[:-1]


def join_sentences(pieces: list[str]) -> str:
    out = ""
    for piece in pieces:
        if piece == "\n" or out.endswith("\n") or not out:
            out += piece
        else:
            out += " " + piece
    lines = [line.strip() for line in out.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def verify_quotes(text: str, passages: Sequence[Passage]) -> str:
    """Keep quotes found in a cited passage; unquote short ones, drop sentences with long ones."""
    all_cited = {int(n) for n in _MARKER.findall(text)}
    kept: list[str] = []
    for sentence in sentences(text):
        cited = {int(n) for n in _MARKER.findall(sentence)} or all_cited
        sources = [normalise(passages[n - 1].text) for n in cited if 1 <= n <= len(passages)]
        checked = _verify_sentence(sentence, sources)
        if checked is not None:
            kept.append(checked)
    return join_sentences(kept)


def _verify_sentence(sentence: str, sources: list[str]) -> str | None:
    """The sentence with unverified short quotes unquoted, or None if a long one is unverified."""
    pieces: list[str] = []
    position = 0
    for match in _QUOTE.finditer(sentence):
        quoted = next(group for group in match.groups() if group is not None)
        pieces.append(sentence[position : match.start()])
        if _quote_found(quoted, sources):
            pieces.append(match.group(0))
        elif len(quoted.split()) > SHORT_QUOTE_WORDS:
            return None
        else:
            pieces.append(quoted.strip())
        position = match.end()
    pieces.append(sentence[position:])
    return "".join(pieces)


def _quote_found(quoted: str, sources: list[str]) -> bool:
    fragments = [normalise(part) for part in _ELLIPSIS.split(quoted)]
    fragments = [fragment for fragment in fragments if fragment]
    if not fragments:
        return True
    return any(
        all(f" {fragment} " in f" {source} " for fragment in fragments) for source in sources
    )


def mark_uncertain(text: str, passages: Sequence[Passage]) -> str:
    """Add "(à confirmer)" to each sentence that cites a source flagged as uncertain."""
    out: list[str] = []
    for sentence in sentences(text):
        cited = [int(n) for n in _MARKER.findall(sentence)]
        uncertain = any(
            1 <= n <= len(passages) and passages[n - 1].citation.uncertain for n in cited
        )
        first = _MARKER.search(sentence)
        if uncertain and first is not None and UNCERTAIN_MARK not in sentence:
            head, tail = sentence[: first.start()].rstrip(), sentence[first.start() :]
            sentence = f"{head} {UNCERTAIN_MARK} {tail}"
        out.append(sentence)
    return join_sentences(out)


def renumber(text: str) -> tuple[str, tuple[int, ...]]:
    """Markers renumbered 1, 2, 3… in order of first appearance, as extractive answers are.

    Returns the new text and, for each new number (from 1), the passage number it stands for.
    """
    order: list[int] = []
    for found in _MARKER.findall(text):
        if int(found) not in order:
            order.append(int(found))
    new = {old: position for position, old in enumerate(order, start=1)}
    return _MARKER.sub(lambda m: f"[{new[int(m.group(1))]}]", text), tuple(order)


def strip_markers(text: str) -> str:
    """The text without its ``[n]`` markers (e.g. to write a suggestion into a draft)."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", re.sub(r"[ \t]*\[\d{1,3}\]", "", text)).strip()


def urls_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>()\[\]«»\"]+", text)
