"""What the model is given to rewrite: the sentences the extractive composer chose, per passage.

A small model on a CPU reads about 75 tokens a second: five whole chunks (~1,700 tokens) cost
half a minute before it writes a word. The extractive answer already picked the sentences that
answer; the model gets those, grouped by the passage they come from, plus the next sentence of
that passage when room is left — a few hundred tokens.

Adapter: until the composer returns its chosen evidence as data (branch i12b), the sentences are
read back from the extractive text: each ``[n]`` marker closes the sentence(s) taken from
``sources[n - 1]``. ``chosen_evidence`` is the only function to change when that API lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from agent.answering import Answer, split_sentences
from retrieval import Passage

MAX_EVIDENCE_PASSAGES = 3
MAX_EVIDENCE_CHARS = 600  # per passage
_MARKED = re.compile(r"(.*?)((?:\s*\[\d{1,3}\])+)", re.DOTALL)
_NUMBER = re.compile(r"\[(\d{1,3})\]")
_BULLET = re.compile(r"^\s*•\s*", re.MULTILINE)
_UNCERTAIN = re.compile(r"\s*\(à confirmer\)")


@dataclass(frozen=True)
class Evidence:
    """One passage and the sentences of it that the answer uses."""

    passage: Passage
    sentences: tuple[str, ...]

    def as_passage(self, max_chars: int = MAX_EVIDENCE_CHARS) -> Passage:
        """The passage cut down to these sentences (its citation unchanged)."""
        text = ""
        for sentence in self.sentences:
            candidate = f"{text} {sentence}".strip()
            if text and len(candidate) > max_chars:
                break
            text = candidate
        return replace(self.passage, text=text[: max_chars + 200])


def chosen_evidence(answer: Answer, max_passages: int = MAX_EVIDENCE_PASSAGES) -> list[Evidence]:
    """The passages cited by the extractive answer, in citation order, with their sentences.

    A passage the text cites keeps the sentences attributed to it, then the sentence that
    follows the last one in the passage (context for a pronoun or a list). Falls back to the
    first sentences of the top passages when the text cites nothing it can match.
    """
    by_number: dict[int, list[str]] = {}
    current: list[int] = []
    for line in answer.text.splitlines():
        rest = line
        for body, markers in _MARKED.findall(line):
            current = list(dict.fromkeys(int(n) for n in _NUMBER.findall(markers)))
            _attribute(by_number, current, body)
            rest = rest.replace(body + markers, "", 1)
        if rest.strip() and current:  # a list item under its cited introduction
            _attribute(by_number, current, rest)
    evidence: list[Evidence] = []
    for number, said in by_number.items():
        passage = _passage_of(answer, number)
        if passage is not None:
            evidence.append(Evidence(passage, _with_context(passage.text, said)))
    if not evidence:
        evidence = [Evidence(p, tuple(split_sentences(p.text)[:3])) for p in answer.passages]
    return evidence[:max_passages]


def _attribute(by_number: dict[int, list[str]], numbers: list[int], body: str) -> None:
    sentence = _UNCERTAIN.sub("", _BULLET.sub("", body)).strip(" \n:")
    if sentence:
        for number in numbers:
            by_number.setdefault(number, []).append(sentence)


def _passage_of(answer: Answer, number: int) -> Passage | None:
    ref = next((r for r in answer.sources if r.number == number), None)
    if ref is None:
        return None
    for passage in answer.passages:
        citation = passage.citation
        if citation.source_id == ref.source_id and citation.section == ref.section:
            return passage
    return None


def _with_context(text: str, said: list[str]) -> tuple[str, ...]:
    """The sentences of the passage that were said (in passage order) and the one after."""
    pieces = split_sentences(text)
    positions = sorted({i for i, piece in enumerate(pieces) if any(_same(piece, s) for s in said)})
    if not positions:
        return tuple(dict.fromkeys(said))
    following = positions[-1] + 1
    if following < len(pieces):
        positions.append(following)
    return tuple(pieces[i] for i in positions)


def _same(piece: str, said: str) -> bool:
    a, b = " ".join(piece.split()), " ".join(said.split())
    return a == b or a.startswith(b.rstrip(" .:")) or b.startswith(a.rstrip(" .:"))
