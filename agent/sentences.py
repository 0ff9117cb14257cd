"""Sentences of a passage, cut where a reader would cut them.

A sentence ends at ".", "!", "?" or ";" followed by a space and a capital, a digit or an opening
mark — never inside parentheses or quotes, and never after an abbreviation ("ex.", "cf.",
"art.", "n°", an initial such as "J.-N."). List lines (``- item``, ``1. item``) are sentences of
their own; headings are skipped.
"""

from __future__ import annotations

import re

BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_ABBREVIATIONS = frozenset(
    {"ex", "cf", "art", "arts", "p", "pp", "m", "mme", "mmes", "mm", "dr", "pr", "env", "vol",
     "al", "av", "min", "max", "n", "no", "réf", "ref", "coll", "chap", "fig", "hab", "suiv"}
)  # fmt: skip
_STARTS = re.compile(r"[A-ZÀ-ÖØ-Þ0-9«(•\"“-]")
_OPEN, _CLOSE = "([«“", ")]»”"


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, in reading order (see the module docstring)."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        pieces.extend(split_line(line))
    return pieces


def split_line(line: str) -> list[str]:
    """The sentences of one line of text."""
    pieces: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(line):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in ".!?;" and depth == 0 and _ends_here(line, index):
            piece = line[start : index + 1].strip()
            if piece:
                pieces.append(piece)
            start = index + 1
    rest = line[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _ends_here(line: str, index: int) -> bool:
    after = line[index + 1 : index + 3]
    if not after.startswith(" ") or not _STARTS.match(after[1:2] or "x"):
        return False
    if line[index] != ".":
        return True
    word = re.search(r"([\w°]+)$", line[:index])
    if word is None:
        return True
    token = word.group(1)
    if token.lower().rstrip("°") in _ABBREVIATIONS or token.endswith("°"):
        return False
    return not (len(token) == 1 and token.isupper())  # an initial: "A. Rousseau"
