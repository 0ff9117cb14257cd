"""Loading the knowledge base: notes, their chunks, glossary, FAQ and calendar, validated.

Modules::

    knowledge_base.py  load_knowledge_base → KnowledgeBase (everything, or KnowledgeFileError)
    source_notes.py    one knowledge/sources/*.md note → its SourceNote and chunks
    yaml_files.py      glossary.yaml, faq.yaml, calendar.yaml
    yaml_lines.py      YAML loading that remembers line numbers (for error messages)
    chunk_ids.py       stable chunk ids and content hashes (what the incremental index compares)
    from_chunks.py     what can be recovered from the stored chunks when the files are invalid
"""

from retrieval.knowledge.knowledge_base import (
    Fingerprint,
    KnowledgeBase,
    fingerprint,
    load_knowledge,
    load_knowledge_base,
    load_source_notes,
)

__all__ = [
    "Fingerprint",
    "KnowledgeBase",
    "fingerprint",
    "load_knowledge",
    "load_knowledge_base",
    "load_source_notes",
]
