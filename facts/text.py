"""Plain text for matching: accents folded, lower case, punctuation turned into spaces.

"Le D2.O1.C du guichet « HOP'EN 2 » ?" → "le d2 o1 c du guichet hop en 2". Every phrase of the
catalogue and every cue of ``facts.intents`` is matched on this form, word-bounded.
"""

from __future__ import annotations

import re

from care_common.french_text import fold

_NON_WORD = re.compile(r"[^a-z0-9€%]+")


def plain(text: str) -> str:
    """Folded words separated by single spaces (see the module docstring)."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One word-bounded alternation of plain phrases, longest first ("d1 bis" before "d1")."""
    ordered = sorted({plain(p) for p in phrases if plain(p)}, key=lambda p: (-len(p), p))
    body = "|".join(re.escape(p) for p in ordered) or r"(?!x)x"
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")
