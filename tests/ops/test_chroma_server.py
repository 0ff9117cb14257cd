"""Retrieval against a real Chroma server (CHROMA_URL): index, query, reindex, restarts.

The shared server comes from ``.ci/run`` (CARE_TEST_CHROMA_URL); the restart test runs its own
server from the installed chromadb package so it can stop it under a live index.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from retrieval import KnowledgeIndex
from retrieval.errors import VectorStoreError
from tests.ops.chroma_server import ChromaServer
from tests.ops.services import chroma_url

pytestmark = [pytest.mark.chroma_server, pytest.mark.integration]

REAL_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
NOTES = ("programme-care.md", "care-d2-continuite-reprise.md", "pgssi-s.md")
EXTRA = """\
---
id: note-ops-test
title: "Note de test du serveur Chroma"
kind: guide
publisher: Tests
url: https://example.org/ops
published: 2025-01-22
checked: 2026-11-28
status: en_vigueur
confidence: secondaire
---
## Zébrures
Le protocole zébrure-orange s'applique aux sauvegardes hors ligne du serveur de tests.
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    (target / "sources").mkdir(parents=True)
    for name in NOTES:
        shutil.copy(REAL_KNOWLEDGE / "sources" / name, target / "sources" / name)
    return target


def _fresh_collection(url: str) -> None:
    """Drop the test embedder's collection so counts do not depend on earlier runs."""
    import chromadb

    from retrieval.dense.embedders import collection_name
    from retrieval.index import SCHEMA_VERSION

    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(host=host, port=int(port))
    name = collection_name("fake", SCHEMA_VERSION)
    if name in [c.name for c in client.list_collections()]:
        client.delete_collection(name)


def _open(knowledge: Path, tmp_path: Path, url: str) -> KnowledgeIndex:
    return KnowledgeIndex.open(knowledge, tmp_path / "data", embeddings="fake", chroma_url=url)


def test_index_query_and_reindex_on_the_server(knowledge: Path, tmp_path: Path) -> None:
    url = chroma_url()
    _fresh_collection(url)
    index = _open(knowledge, tmp_path, url)
    first = index.last_report
    assert first.added == first.chunks > 0
    assert not (tmp_path / "data" / "chroma").exists()  # nothing stored locally
    result = index.search("prérequis du domaine 2 de CaRE")
    assert result.passages and result.passages[0].citation.source_id.startswith("care-d2")

    again = _open(knowledge, tmp_path, url)  # a second replica: the build is reused
    assert (again.last_report.added, again.last_report.updated) == (0, 0)

    (knowledge / "sources" / "note-ops-test.md").write_text(EXTRA, encoding="utf-8")
    (knowledge / "sources" / "pgssi-s.md").unlink()
    report = index.refresh()
    assert report.added >= 1 and report.removed >= 1
    found = index.search("protocole zébrure orange")
    assert found.passages[0].citation.source_id == "note-ops-test"
    assert all(p.citation.source_id != "pgssi-s" for p in index.search("PGSSI-S").passages)


def test_server_restart_clear_error_then_recovery(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chroma_url()  # same opt-in as the other server tests
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    try:
        index = _open(knowledge, tmp_path, server.url)
        assert index.search("prérequis du domaine 2").passages

        server.stop()
        with caplog.at_level(logging.WARNING, logger="retrieval"):
            degraded = index.search("prérequis du domaine 2")  # BM25 keeps answering
        assert degraded.passages
        assert "Recherche vectorielle indisponible" in caplog.text
        (knowledge / "sources" / "note-ops-test.md").write_text(EXTRA, encoding="utf-8")
        with pytest.raises(VectorStoreError) as refresh_error:
            index.refresh()  # a reindex cannot silently half-succeed
        assert "Chroma" in str(refresh_error.value) and refresh_error.value.user_message
        with pytest.raises(VectorStoreError):
            _open(knowledge, tmp_path, server.url)  # a replica starting now fails clearly

        server.start()  # same port, same data
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="retrieval"):
            report = index.refresh()
            assert report.added >= 1
            found = index.search("protocole zébrure orange")
        assert found.passages[0].citation.source_id == "note-ops-test"
        assert "indisponible" not in caplog.text
        reopened = _open(knowledge, tmp_path, server.url)
        assert (reopened.last_report.added, reopened.last_report.updated) == (0, 0)
    finally:
        server.stop()
