"""Safe file names for generated documents: ASCII slug of the title, bounded length, no path."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
MAX_SLUG = 60


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """ASCII slug: "Sauvegardes — CH Saint-Œuf" → "sauvegardes-ch-saint-oeuf"."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
    return slug.strip("-")


def safe_filename(title: str | None, doc_type: str, extension: str) -> str:
    """``fiche-projet-<slug>.<ext>``; never a path separator, a dot file or an empty name."""
    prefix = slugify(doc_type.replace("_", "-"))
    slug = slugify(title or "")
    stem = f"{prefix}-{slug}" if slug and slug != prefix else prefix
    return f"{stem}.{slugify(extension, 8) or 'bin'}"
