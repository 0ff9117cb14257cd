"""Safe file names for generated documents: ASCII slug of the title, bounded length, no path."""

from __future__ import annotations

from care_common.slugs import slugify


def safe_filename(title: str | None, doc_type: str, extension: str) -> str:
    """``fiche-projet-<slug>.<ext>``; never a path separator, a dot file or an empty name."""
    prefix = slugify(doc_type.replace("_", "-"))
    slug = slugify(title or "")
    stem = f"{prefix}-{slug}" if slug and slug != prefix else prefix
    return f"{stem}.{slugify(extension, 8) or 'bin'}"
