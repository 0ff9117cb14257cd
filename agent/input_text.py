"""Normalisation of what users type, before anything else looks at it."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """NFC-normalise, drop control and bidi-override characters, collapse blank runs."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def has_words(text: str) -> bool:
    """True when the text contains at least one letter or digit (not only emoji/punctuation)."""
    return any(ch.isalnum() for ch in text)


def fold(text: str) -> str:
    """Lower-case without accents, for matching typed keywords ("Aperçu" == "apercu")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()
