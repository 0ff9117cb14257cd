"""What a session remembers of an answer, so that the next question can point back to it.

Each history entry of the session (a JSON dict of strings) gets ``dispositifs`` (comma-separated
ids), ``asks`` (``kind:attribute:bound`` separated by ";") and ``items`` (the list items, one per
line) beside the question and the answer text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from facts import Ask, Previous

if TYPE_CHECKING:
    from agent.answering import Answer

MAX_ITEMS = 20


def answer_context(answer: Answer) -> dict[str, str]:
    """The history fields describing an answer (empty when it was a decline)."""
    evidence = answer.evidence
    if evidence is None:
        return {}
    meaning = evidence.understanding
    return {
        "dispositifs": ",".join(meaning.dispositifs),
        "asks": ";".join(
            f"{ask.kind}:{ask.attribute or ''}:{ask.bound or ''}" for ask in meaning.asks
        ),
        "items": "\n".join(evidence.items[:MAX_ITEMS]),
    }


def history_entry(question: str, answer: Answer) -> dict[str, str]:
    """The history entry a session keeps for one question and its answer."""
    return {"q": question, "a": answer.text[:500], **answer_context(answer)}


def previous_answer(history: Sequence[Mapping[str, str]]) -> Previous | None:
    """The previous answer's context, from the last history entry (None: no history)."""
    if not history:
        return None
    entry = history[-1]
    asks = []
    for encoded in filter(None, str(entry.get("asks", "")).split(";")):
        kind, _, rest = encoded.partition(":")
        attribute, _, bound = rest.partition(":")
        asks.append(Ask(kind, attribute or None, bound or None))
    return Previous(
        dispositifs=tuple(filter(None, str(entry.get("dispositifs", "")).split(","))),
        asks=tuple(asks),
        items=tuple(filter(None, str(entry.get("items", "")).split("\n"))),
    )
