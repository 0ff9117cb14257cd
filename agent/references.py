"""Texts and years a question names, so that a sentence about another one does not answer it.

« décret 2018-137 » is not answered by a sentence about the décret 2022-715; « combien de
signalements en 2024 ? » is not answered by the 2023 figure. A sentence conflicts when it names
texts of a kind the question names (or years, when the question names one) and none of those the
question names.
"""

from __future__ import annotations

import re

_KINDS = (
    ("decret", re.compile(r"\bd[ée]cret\s+(?:n°\s*)?(\d{4}-\d{2,5})", re.IGNORECASE)),
    ("arrete", re.compile(r"\barr[êe]t[ée]\s+du\s+(\d{1,2}(?:er)?\s+\w+\s+\d{4})", re.IGNORECASE)),
    ("instruction", re.compile(r"\b([A-Z]{2,6}(?:/[A-Z]{2,6})?/\d{4}/\d{1,4})\b")),
)
_YEAR = re.compile(r"(?<![\d/-])(?:19|20)\d{2}(?![\d/-])")


def named_references(text: str) -> dict[str, set[str]]:
    """Texts by kind ("decret", "arrete", "instruction") and bare years ("year") in a text."""
    found: dict[str, set[str]] = {}
    rest = text
    for kind, pattern in _KINDS:
        for match in pattern.finditer(text):
            found.setdefault(kind, set()).add(" ".join(match.group(1).lower().split()))
        rest = pattern.sub(" ", rest)
    years = set(_YEAR.findall(rest))
    if years:
        found["year"] = years
    return found


def conflicts(asked: dict[str, set[str]], sentence: str) -> bool:
    """True when the sentence names only other texts (or years) than the question's."""
    if not asked:
        return False
    said = named_references(sentence)
    return any(kind in said and not said[kind] & values for kind, values in asked.items())
