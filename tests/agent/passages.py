"""Handmade passages for composer tests: one test note, any section, optionally uncertain."""

from __future__ import annotations

from datetime import date

from retrieval import Citation, Passage

TODAY = date(2026, 11, 28)


def citation(
    section: str = "Section", source_id: str = "note-test", *, uncertain: bool = False
) -> Citation:
    return Citation(
        source_id=source_id,
        title="Note de test",
        section=section,
        url="https://example.org/note",
        kind="guide",
        published=None,
        checked=TODAY,
        status="a_confirmer" if uncertain else "en_vigueur",
        confidence="officiel",
    )


def passage(
    text: str,
    section: str = "Section",
    score: float = 1.0,
    source_id: str = "note-test",
    *,
    uncertain: bool = False,
) -> Passage:
    cited = citation(section, source_id, uncertain=uncertain)
    return Passage(f"{source_id}#{section.lower()}", text, cited, score)
