"""The analysed chunks of the BM25 index cached in the data directory (retrieval.lexical.cache):
same search as without it, used when valid, rebuilt when the knowledge, the glossary or the file
itself changed."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from retrieval import KnowledgeIndex
from retrieval.knowledge import load_knowledge_base
from retrieval.lexical import LexicalSearcher
from retrieval.lexical.cache import FILE_NAME, cached_searcher
from retrieval.lexical.french_analyzer import FrenchAnalyzer
from tests.retrieval.retrieval_fixtures import write_note

QUESTIONS = ("prérequis du domaine 2", "règle 3-2-1 des sauvegardes", "signaler un incident ARS")


def results(index: KnowledgeIndex) -> list[list[tuple[str, float]]]:
    return [
        [(p.chunk_id, p.score) for p in index.search(question).passages] for question in QUESTIONS
    ]


def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: LexicalSearcher, chunk: object) -> list[str]:
        raise AssertionError("a chunk was analysed again instead of read from the cache")

    monkeypatch.setattr(LexicalSearcher, "_document", fail)


def test_the_cache_gives_the_same_search_and_spares_the_analysis(
    knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
    cache = tmp_path / "data" / "cache" / FILE_NAME
    base = load_knowledge_base(knowledge_dir)
    fresh = cached_searcher(FrenchAnalyzer(base.glossary), base.chunks, base.glossary, None)
    assert json.loads(cache.read_text("utf-8"))["documents"] == fresh.documents
    expected = results(first)
    with monkeypatch.context() as patch:
        no_analysis(patch)
        again = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
        assert results(again) == expected


def test_edited_knowledge_or_glossary_is_analysed_again(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
    cache = tmp_path / "data" / "cache" / FILE_NAME
    key = json.loads(cache.read_text("utf-8"))["key"]
    write_note(knowledge_dir, "care-d2", "Domaine 2", "Le domaine 2 finance le PCRA du GHT.\n")
    index = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
    second = json.loads(cache.read_text("utf-8"))["key"]
    assert second != key
    assert "care-d2" in {p.citation.source_id for p in index.search("PCRA du GHT").passages}
    glossary = knowledge_dir / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8").replace("PCRA", "PCRAX"), encoding="utf-8")
    KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
    assert json.loads(cache.read_text("utf-8"))["key"] not in (key, second)


@pytest.mark.parametrize("content", [b"{not json", b'{"key": "x", "documents": []}', b"[]"])
def test_an_unreadable_or_stale_cache_is_rebuilt(
    knowledge_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    expected = results(KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake"))
    cache = tmp_path / "data" / "cache" / FILE_NAME
    good = cache.read_bytes()
    cache.write_bytes(content)
    with caplog.at_level(logging.INFO, logger="retrieval.lexical.cache"):
        index = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", "fake")
    assert results(index) == expected
    assert cache.read_bytes() == good
    assert ("illisible" in caplog.text) == (content == b"{not json")
