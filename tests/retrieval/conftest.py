"""Fixtures of the retrieval tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.retrieval.retrieval_fixtures import make_knowledge


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A small valid knowledge base: three notes, glossary, FAQ and calendar."""
    return make_knowledge(tmp_path)
