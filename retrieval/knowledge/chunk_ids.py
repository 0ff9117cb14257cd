"""Stable chunk ids and content hashes (what the incremental index compares)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from retrieval.models import Citation

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 60


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return _NON_SLUG.sub("-", ascii_text).strip("-")[:_MAX_SLUG].strip("-") or "x"


def unique_id(prefix: str, text: str, used: set[str]) -> str:
    """``prefix#slug(text)``, suffixed ``-2``, ``-3``… when already used."""
    base = f"{prefix}#{slugify(text)}"
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
