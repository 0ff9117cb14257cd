"""What can be recovered from the chunks stored in Chroma when the knowledge files are invalid."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.models import Chunk, GlossaryEntry


def glossary_from_chunks(chunks: Sequence[Chunk]) -> tuple[GlossaryEntry, ...]:
    """Glossary entries rebuilt from glossary chunks (heading = term, expansion, synonyms…)."""
    entries = []
    for chunk in chunks:
        if chunk.origin != "glossary":
            continue
        term, expansion, *synonyms = [*chunk.heading.split("\n"), ""]
        _, _, definition = chunk.text.partition(" : ")
        entries.append(
            GlossaryEntry(
                term=term,
                expansion=expansion,
                synonyms=tuple(s for s in synonyms if s),
                definition=definition,
                sources=(chunk.citation.source_id,),
            )
        )
    return tuple(entries)
