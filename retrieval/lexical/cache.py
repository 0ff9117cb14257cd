"""The analysed chunks behind the BM25 index, kept between runs in the data directory's cache.

The BM25 index lives in memory and is built at every start; analysing the ~500 chunks with the
French analyzer (normalisation, identifiers, elision, stems) is most of that (about 0.3 s). The
token lists are saved as JSON under a key that hashes everything they depend on: each chunk's
text, heading and title, the glossary (its acronyms shape the analysis), the lexical
parameters, the stemmer, and the source of the analysis modules, so editing the analyzer
invalidates the file without a version number to bump. A missing, stale or unreadable file is
rebuilt: it is never a source of truth (knowledge/ and Chroma are).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import snowballstemmer

from care_common import french_text
from retrieval.lexical import french_analyzer, french_identifiers, french_stopwords, search
from retrieval.lexical.french_analyzer import FrenchAnalyzer
from retrieval.lexical.search import LexicalParams, LexicalSearcher
from retrieval.models import Chunk, GlossaryEntry

logger = logging.getLogger(__name__)

FILE_NAME = "bm25-documents.json"
_ANALYSIS_MODULES = (french_text, french_analyzer, french_identifiers, french_stopwords, search)


def cached_searcher(
    analyzer: FrenchAnalyzer,
    chunks: Sequence[Chunk],
    glossary: Sequence[GlossaryEntry],
    cache_dir: Path | None,
) -> LexicalSearcher:
    """``LexicalSearcher(analyzer, chunks)``, its analysed chunks read from the cache."""
    params = LexicalParams()
    if cache_dir is None:
        return LexicalSearcher(analyzer, chunks, params)
    key = documents_key(chunks, glossary, params)
    documents = _load(cache_dir / FILE_NAME, key, len(chunks))
    searcher = LexicalSearcher(analyzer, chunks, params, documents=documents)
    if documents is None:
        _save(cache_dir / FILE_NAME, key, searcher.documents)
    return searcher


def documents_key(
    chunks: Sequence[Chunk], glossary: Sequence[GlossaryEntry], params: LexicalParams
) -> str:
    digest = hashlib.sha256()
    for module in _ANALYSIS_MODULES:
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(_stemmer_identity().encode())
    digest.update(repr(params).encode())
    digest.update(repr(tuple(glossary)).encode())
    for chunk in chunks:
        for part in (chunk.text, chunk.heading, chunk.citation.title):
            digest.update(part.encode())
            digest.update(b"\0")
    return digest.hexdigest()


def _stemmer_identity() -> str:
    implementation = type(snowballstemmer.stemmer("french")).__module__
    versions = []
    for package in ("snowballstemmer", "PyStemmer"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=absent")
    return f"{implementation} {' '.join(versions)}"


def _load(path: Path, key: str, count: int) -> list[list[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.info("Cache BM25 illisible (%s) : reconstruction.", exc)
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None  # the knowledge or the analyzer changed
    documents = data.get("documents")
    if not isinstance(documents, list) or len(documents) != count:
        return None
    return documents


def _save(path: Path, key: str, documents: Sequence[Sequence[str]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"key": key, "documents": documents}, stream, ensure_ascii=False)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:  # a read-only data directory only costs the next start the analysis
        logger.warning("Cache BM25 non écrit dans %s : %s", path.parent, exc)
