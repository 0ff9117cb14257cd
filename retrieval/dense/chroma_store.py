"""Chroma as the chunk store: documents, metadata and vectors.

One collection per embedder spec. ``sync`` compares content hashes and only adds, re-embeds or
removes what changed, writing through LangChain's ``Chroma`` (texts embedded by the LangChain
``Embeddings``). Reads (stored hashes, nearest vectors) go to the Chroma collection itself, so a
process that finds the index up to date never imports ``langchain_chroma`` (and, through it,
LangChain's tracing stack): about a second of start-up. A local store that cannot be opened
(missing or corrupt directory) is deleted and rebuilt with a warning; a Chroma server that
cannot be reached is a VectorStoreError.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from langchain_core.embeddings import Embeddings

from retrieval.errors import VectorStoreError
from retrieval.models import Chunk, SourceLink, SourceNote

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_chroma import Chroma

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
BATCH = 64
_DATABASE = "chroma.sqlite3"
# A wide HNSW search on one thread: exact and repeatable at the size of the knowledge base.
_COLLECTION_METADATA = {
    "hnsw:space": "cosine",
    "hnsw:construction_ef": 128,
    "hnsw:search_ef": 128,
    "hnsw:num_threads": 1,
}


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


class ChromaChunkStore:
    def __init__(
        self, collection: str, embeddings: Embeddings, directory: Path | None, url: str | None
    ) -> None:
        self.collection = collection
        self._embeddings = embeddings
        self._directory = directory
        self._url = url
        self._client, self._collection = self._open()
        self._writer: Chroma | None = None

    def _open(self) -> tuple[ClientAPI, Collection]:
        if self._url:
            return self._connect(self._url)
        assert self._directory is not None
        directory = self._directory
        if not (directory / _DATABASE).exists():
            _forget_client(directory)  # a client cached by this process would see deleted data
        try:
            client, collection = self._open_local(directory)
            collection.get(limit=1, include=["metadatas"])  # reads the database: fails if corrupt
            return client, collection
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # chromadb raises anything, pyo3 panics are BaseException
            logger.warning("Index Chroma illisible dans %s (%s) : reconstruction.", directory, exc)
        shutil.rmtree(directory, ignore_errors=True)
        _forget_client(directory)
        try:
            return self._open_local(directory)
        except Exception as exc:
            raise VectorStoreError(f"cannot create Chroma store in {directory}: {exc}") from exc

    def _open_local(self, directory: Path) -> tuple[ClientAPI, Collection]:
        import chromadb

        directory.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(directory), settings=_settings())
        return client, self._get_or_create(client)

    def _connect(self, url: str) -> tuple[ClientAPI, Collection]:
        import chromadb

        parts = urlsplit(url)
        try:
            client = chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=_settings(),
            )
            return client, self._get_or_create(client)
        except Exception as exc:
            raise VectorStoreError(f"Chroma server {url} unreachable: {exc}") from exc

    def _get_or_create(self, client: ClientAPI) -> Collection:
        """The collection as LangChain's ``Chroma`` creates it (vectors come from LangChain)."""
        return client.get_or_create_collection(
            name=self.collection, embedding_function=None, metadata=_COLLECTION_METADATA
        )

    def _langchain(self) -> Chroma:
        """LangChain's ``Chroma`` on the same client and collection, for writes."""
        if self._writer is None:
            from langchain_chroma import Chroma

            self._writer = Chroma(
                collection_name=self.collection,
                embedding_function=self._embeddings,
                client=self._client,
                collection_metadata=_COLLECTION_METADATA,
            )
        return self._writer

    def stored_hashes(self) -> dict[str, str]:
        data = self._call(lambda: self._collection.get(include=["metadatas"]))
        return {
            chunk_id: str((meta or {}).get("store_hash", ""))
            for chunk_id, meta in zip(data["ids"], data["metadatas"], strict=True)
        }

    def sync(
        self, chunks: Sequence[Chunk], notes: dict[str, SourceNote], progress: Progress | None
    ) -> tuple[int, int, int]:
        """Bring the collection to exactly ``chunks``; returns (added, updated, removed)."""
        stored = self.stored_hashes()
        wanted = {chunk.chunk_id: (chunk, store_hash(chunk, notes)) for chunk in chunks}
        changed = [(c, h) for cid, (c, h) in wanted.items() if stored.get(cid) != h]
        removed = [cid for cid in stored if cid not in wanted]
        added = sum(1 for chunk, _ in changed if chunk.chunk_id not in stored)
        for start in range(0, len(changed), BATCH):
            batch = changed[start : start + BATCH]
            if progress:
                progress("embed", start, len(changed))
            self._call(
                lambda batch=batch: self._langchain().add_texts(  # type: ignore[misc]
                    texts=[embedding_text(chunk) for chunk, _ in batch],
                    metadatas=[_metadata(chunk, h, notes) for chunk, h in batch],
                    ids=[chunk.chunk_id for chunk, _ in batch],
                )
            )
        if progress:
            progress("embed", len(changed), len(changed))
        if removed:
            self._call(lambda: self._collection.delete(ids=removed))
        return added, len(changed) - added, len(removed)

    def query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest chunks."""
        embeddings: list[Sequence[float]] = [vector]
        found = self._call(
            lambda: self._collection.query(
                query_embeddings=embeddings, n_results=n, include=["documents", "distances"]
            )
        )
        return [
            (chunk_id, 1.0 - distance)
            for chunk_id, document, distance in zip(
                found["ids"][0], found["documents"][0], found["distances"][0], strict=True
            )
            if document is not None  # as LangChain's Chroma does
        ]

    def stored_chunks(self) -> tuple[list[SourceNote], list[Chunk]]:
        """The notes and chunks of the last good build, rebuilt from the stored metadata."""
        data = self._call(lambda: self._collection.get(include=["metadatas"]))
        notes: dict[str, SourceNote] = {}
        chunks = []
        for chunk_id, meta in zip(data["ids"], data["metadatas"], strict=True):
            note = _note_from_metadata(meta)
            notes.setdefault(note.id, note)
            citation = note.citation(
                str(meta["section"]),
                tuple(
                    (int(at), str(key)) for at, key in json.loads(str(meta.get("marks") or "[]"))
                ),
                str(meta.get("section_key") or ""),
            )
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    text=str(meta["text"]),
                    heading=str(meta["heading"]),
                    citation=citation,
                    origin=str(meta["origin"]),
                    content_hash=str(meta["content_hash"]),
                )
            )
        return list(notes.values()), sorted(chunks, key=lambda chunk: chunk.chunk_id)

    def _call(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except Exception as exc:
            raise VectorStoreError(f"Chroma collection {self.collection}: {exc}") from exc


def _forget_client(directory: Path) -> None:
    """Drop the Chroma system this process cached for ``directory`` (it is keyed by path)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    try:
        system = SharedSystemClient._identifier_to_system.pop(str(directory), None)
        if system is not None:
            system.stop()
    except Exception:  # private API: fall back to forgetting every cached system
        logger.debug("Chroma client cache: targeted reset failed", exc_info=True)
        SharedSystemClient.clear_system_cache()


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and stored as the Chroma document: headings, then the text."""
    title = chunk.citation.title if chunk.origin == "section" else ""
    return "\n".join(part for part in (title, chunk.heading, chunk.text) if part)


def store_hash(chunk: Chunk, notes: dict[str, SourceNote]) -> str:
    """The chunk's content hash extended with the note fields stored beside it."""
    note = notes.get(chunk.citation.source_id)
    extra = f"{note.publisher}|{note.reference}|{note.path}" if note else ""
    digest = hashlib.sha256(f"{chunk.content_hash}|{extra}".encode()).hexdigest()
    return digest[:32]


def _metadata(chunk: Chunk, hash_: str, notes: dict[str, SourceNote]) -> dict[str, Any]:
    citation = chunk.citation
    note = notes.get(citation.source_id)
    return {
        "source_id": citation.source_id,
        "title": citation.title,
        "section": citation.section,
        "url": citation.url,
        "kind": citation.kind,
        "published": citation.published.isoformat() if citation.published else "",
        "checked": citation.checked.isoformat(),
        "evidence": citation.evidence.isoformat() if citation.evidence else "",
        "status": citation.status,
        "confidence": citation.confidence,
        "publisher": note.publisher if note else "",
        "reference": note.reference if note else "",
        "path": str(note.path) if note else "",
        "origin": chunk.origin,
        "heading": chunk.heading,
        "text": chunk.text,
        "content_hash": chunk.content_hash,
        "store_hash": hash_,
        "links": json.dumps(
            [
                [link.key, link.title, link.url, link.date.isoformat() if link.date else ""]
                for link in citation.links
            ],
            ensure_ascii=False,
        ),
        "marks": json.dumps([list(mark) for mark in citation.marks]),
        "section_key": citation.section_key,
    }


def _note_from_metadata(meta: Any) -> SourceNote:
    published = str(meta.get("published") or "")
    evidence = str(meta.get("evidence") or "")  # absent from stores built before the field
    return SourceNote(
        id=str(meta["source_id"]),
        title=str(meta["title"]),
        kind=str(meta["kind"]),
        publisher=str(meta.get("publisher", "")),
        reference=str(meta.get("reference", "")),
        url=str(meta["url"]),
        published=date.fromisoformat(published) if published else None,
        checked=date.fromisoformat(str(meta["checked"])),
        status=str(meta["status"]),
        confidence=str(meta["confidence"]),
        path=Path(str(meta.get("path", ""))),
        evidence=date.fromisoformat(evidence) if evidence else None,
        links=tuple(
            SourceLink(str(key), str(title), str(url), date.fromisoformat(day) if day else None)
            for key, title, url, day in json.loads(str(meta.get("links") or "[]"))
        ),
    )
