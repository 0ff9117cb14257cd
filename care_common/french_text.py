"""French text as matching sees it: case, accents, ligatures and apostrophes folded.

    fold("Œuvre d’Établissement ")        → "oeuvre d'etablissement "
    fold_phrase(" Aperçu\u00a0 du  D2 ")  → "apercu du d2"

Every comparison of typed keywords, knowledge phrases, analysed words and answer patterns goes
through one of these two, so « Aperçu », « apercu » and « APERÇU » are one word everywhere.
Folding never moves text around for display: compare folded strings, show the original.
"""

from __future__ import annotations

import unicodedata

# After casefold ("Œ" → "œ", "ß" → "ss"); NFKD does not split these letters.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
# Typographic apostrophes (and the acute accent typed for one) → "'"; before NFKD, which would
# turn "´" into a space and a combining accent.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'"})


def fold(text: str) -> str:
    """Lower case without accents: ligatures spelled out ("œ" → "oe"), typographic apostrophes
    as "'", compatibility forms decomposed (NFKD: "ﬁ" → "fi", non-breaking spaces → " ")."""
    lowered = text.casefold().translate(_LIGATURES).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_phrase(text: str) -> str:
    """``fold`` with every run of blanks made one space and the ends trimmed: how a typed
    keyword or phrase is compared ("  Je ne  sais pas " == "je ne sais pas")."""
    return " ".join(fold(text).split())
