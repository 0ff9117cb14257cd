"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import DEFAULT_EMBEDDINGS, KnowledgeIndex

PROJECT_ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    """The real knowledge base indexed once per session (default embedder) in a temp dir."""
    data_dir = tmp_path_factory.mktemp("care-data")
    return KnowledgeIndex.open(KNOWLEDGE_DIR, data_dir, embeddings=DEFAULT_EMBEDDINGS)
