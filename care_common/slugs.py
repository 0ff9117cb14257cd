"""ASCII slugs of French text, for file names and stable ids."""

from __future__ import annotations

import re

from care_common.french_text import fold

MAX_SLUG = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = MAX_SLUG, *, whole_words: bool = True) -> str:
    """ "Sauvegardes — CH Saint-Œuf" → "sauvegardes-ch-saint-oeuf".

    Folded (accents dropped, ligatures spelled out), then every run of other characters
    (spaces, punctuation, dashes, emoji, other scripts) made one "-". At most ``max_length``
    characters: cut after the last whole word when one ends in the second half
    (``whole_words``), else exactly. "" when nothing is left."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        whole = whole_words and "-" in cut[max_length // 2 :]
        slug = cut.rsplit("-", 1)[0] if whole else cut
    return slug.strip("-")
