"""Stable chunk ids and content hashes (what the incremental index compares)."""

from __future__ import annotations

import hashlib
import json

from care_common.slugs import slugify
from retrieval.models import Citation


def id_slug(text: str) -> str:
    """The slug in an id: cut at exactly 60 characters (not after a whole word), so the ids
    already stored in Chroma stay the same; "x" when the text has no letter or digit."""
    return slugify(text, whole_words=False) or "x"


def unique_id(prefix: str, text: str, used: set[str]) -> str:
    """``prefix#slug(text)``, suffixed ``-2``, ``-3``… when already used."""
    base = f"{prefix}#{id_slug(text)}"
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    used.add(candidate)
    return candidate


def chunk_hash(chunk_id: str, text: str, heading: str, citation: Citation, origin: str) -> str:
    """Hash of everything stored for a chunk: a change anywhere re-embeds and re-stores it."""
    payload = {
        "id": chunk_id,
        "text": text,
        "heading": heading,
        "origin": origin,
        "citation": {
            "source_id": citation.source_id,
            "title": citation.title,
            "section": citation.section,
            "url": citation.url,
            "kind": citation.kind,
            "published": citation.published.isoformat() if citation.published else None,
            "checked": citation.checked.isoformat(),
            "evidence": citation.evidence.isoformat() if citation.evidence else None,
            "status": citation.status,
            "confidence": citation.confidence,
            "links": [[link.key, link.title, link.url] for link in citation.links],
            "marks": [list(mark) for mark in citation.marks],
            "section_key": citation.section_key,
        },
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:32]
