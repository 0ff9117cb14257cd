"""KnowledgeIndex over a real Chroma PersistentClient in tmp_path, with the fake embedder."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

from retrieval import (
    EmbedderUnavailableError,
    KnowledgeFileError,
    KnowledgeIndex,
    SearchResult,
    VectorStoreError,
)
from retrieval.knowledge import load_knowledge_base
from retrieval.lexical import LexicalParams, LexicalSearcher
from retrieval.lexical.french_analyzer import FrenchAnalyzer
from retrieval.ranking import RankingParams, is_relevant
from tests.retrieval.retrieval_fixtures import write_note


def _open(knowledge: Path, data: Path, spec: str = "fake") -> KnowledgeIndex:
    return KnowledgeIndex.open(knowledge, data, embeddings=spec)


def _top_source(result: SearchResult) -> str:
    return result.passages[0].citation.source_id


def test_open_builds_the_index_and_finds_passages(knowledge_dir: Path, tmp_path: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    index = KnowledgeIndex.open(
        knowledge_dir, tmp_path / "data", embeddings="fake", progress=lambda *s: steps.append(s)
    )
    report = index.last_report
    assert report.chunks == report.added > 0
    assert (report.updated, report.removed, report.files, report.embedder) == (0, 0, 6, "fake")
    assert steps and steps[-1][1] == steps[-1][2]
    assert (tmp_path / "data" / "chroma").is_dir()

    result = index.search("Quels sont les prérequis du domaine 2 ?")
    assert result.found
    assert _top_source(result) == "care-d2"
    assert 0 < len(result.passages) <= 5
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)
    assert index.search("décret 2016-1214", k=2).passages[0].citation.source_id == (
        "signalement-incidents"
    )


def test_sources_and_glossary(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    assert [s.id for s in index.sources()] == [
        "care-d2",
        "instruction-dns-2025-12",
        "signalement-incidents",
    ]
    assert index.sources()[0].path == knowledge_dir / "sources" / "care-d2.md"
    assert [g.term for g in index.glossary()] == ["PCRA", "règle 3-2-1", "ARS"]


def test_glossary_expansion_reaches_the_long_form(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data", spec="none")
    result = index.search("sauvegarde hors ligne")
    assert result.found
    assert "3-2-1" in result.passages[0].text


def test_reopening_an_up_to_date_index_changes_nothing(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    first = _open(knowledge_dir, tmp_path / "data")
    second = _open(knowledge_dir, tmp_path / "data")
    report = second.last_report
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert report.chunks == first.last_report.chunks
    again = second.refresh()
    assert (again.added, again.updated, again.removed) == (0, 0, 0)


def test_editing_one_section_updates_only_that_chunk(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    note = knowledge_dir / "sources" / "instruction-dns-2025-12.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("multifacteur", "multifacteur (MFA) obligatoire"))
    report = index.refresh()
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert (
        "(MFA) obligatoire" in index.search("authentification MFA accès distants").passages[0].text
    )


def test_adding_and_deleting_notes(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    write_note(knowledge_dir, "hds", "Hébergement de données de santé", "Le référentiel HDS v2.\n")
    report = index.refresh()
    assert (report.added, report.updated, report.removed) == (1, 0, 0)
    (knowledge_dir / "sources" / "signalement-incidents.md").unlink()
    report = index.refresh()
    assert (report.added, report.updated, report.removed) == (0, 0, 2)
    assert "signalement-incidents" not in {s.id for s in index.sources()}
    reopened = _open(knowledge_dir, tmp_path / "data")
    assert reopened.last_report.chunks == index.last_report.chunks
    assert (reopened.last_report.added, reopened.last_report.removed) == (0, 0)


def test_a_malformed_file_stops_the_refresh_and_the_old_index_keeps_answering(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    before = index.search("prérequis P1 PSSI du domaine 2")
    note = knowledge_dir / "sources" / "care-d2.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace("checked: 2026-11-28", "checked: hier")
    )
    with pytest.raises(KnowledgeFileError) as caught:
        index.refresh()
    assert (caught.value.path, caught.value.line) == (note, 8)
    assert "checked" in caught.value.reason
    assert index.search("prérequis P1 PSSI du domaine 2") == before
    assert len(index.sources()) == 3
    with pytest.raises(KnowledgeFileError):
        index.refresh()  # still broken: same error
    note.write_text(
        note.read_text(encoding="utf-8").replace("checked: hier", "checked: 2026-12-01")
    )
    report = index.refresh()
    assert (report.updated, report.chunks) == (7, 11)  # 4 sections, 1 FAQ, 2 glossary terms


def test_a_new_process_serves_the_previous_build_when_knowledge_is_malformed(
    knowledge_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    built = _open(knowledge_dir, tmp_path / "data")
    faq = knowledge_dir / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("[care-d2]", "[inconnue]"))
    with caplog.at_level(logging.ERROR, logger="retrieval"):
        index = _open(knowledge_dir, tmp_path / "data")
    assert index.last_error is not None and index.last_error.path == faq
    assert "faq.yaml" in caplog.text
    result = index.search("Quels sont les prérequis du domaine 2 ?")
    assert result.found and _top_source(result) == "care-d2"
    assert index.last_report.chunks == built.last_report.chunks
    assert {g.term for g in index.glossary()} == {"PCRA", "règle 3-2-1"}
    assert index.search("c'est quoi un PCRA").found
    with pytest.raises(KnowledgeFileError):
        index.refresh()


def test_a_malformed_file_without_previous_build_is_an_error(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    (knowledge_dir / "sources" / "care-d2.md").write_text("pas d'en-tête\n")
    with pytest.raises(KnowledgeFileError):
        _open(knowledge_dir, tmp_path / "data")


def test_a_corrupt_index_directory_is_rebuilt(
    knowledge_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    chunks = _open(knowledge_dir, data).last_report.chunks
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="retrieval"):
        index = _open(knowledge_dir, data)
    assert "reconstruction" in caplog.text
    assert index.last_report.added == chunks
    assert index.search("exercice de crise cyber annuel").found


def test_a_missing_index_directory_is_rebuilt(knowledge_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    chunks = _open(knowledge_dir, data).last_report.chunks
    shutil.rmtree(data / "chroma")
    assert _open(knowledge_dir, data).last_report.added == chunks


def test_each_embedder_has_its_own_collection(knowledge_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    chunks = _open(knowledge_dir, data, "none").last_report.added
    assert _open(knowledge_dir, data, "fake").last_report.added == chunks
    assert _open(knowledge_dir, data, "none").last_report.added == 0


def test_unknown_embedder_names_the_setting(knowledge_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailableError) as caught:
        _open(knowledge_dir, tmp_path / "data", "word2vec")
    assert "CARE_EMBEDDINGS" in str(caught.value)
    assert "CARE_EMBEDDINGS" in caught.value.user_message


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\n\t\r", "🙂🔥👍", "\x00\x01\x1b", "???", "le la les de"],
)
def test_queries_without_terms_find_nothing(
    knowledge_dir: Path, tmp_path: Path, query: str
) -> None:
    result = _open(knowledge_dir, tmp_path / "data").search(query)
    assert result == SearchResult(result.query, (), False)


def test_huge_and_dirty_queries_do_not_crash(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    huge = index.search("prérequis du domaine 2 " * 1000)
    assert huge.found and len(huge.query) <= 1000
    dirty = index.search("prérequis\x00 du\x1b domaine\u200b 2 \ud800")
    assert dirty.found
    assert index.search("prérequis", k=0).passages == ()


def test_the_gate_refuses_out_of_scope_questions(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    for question in ("Quelle est la recette de la pâte à crêpes ?", "score du match hier soir"):
        assert not index.search(question).found
        assert not index.lexical_only().search(question).found


def test_lexical_only_view(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    result = index.lexical_only().search("objectif D2.O1.C restauration", k=3)
    assert result.found
    assert result.passages[0].citation.section.endswith("Objectif O1.C : exercice de sauvegarde")


def test_searches_run_while_refreshing(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data")
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(20):
                assert index.search("prérequis du domaine 2").found
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    write_note(knowledge_dir, "hds", "Hébergement de données de santé", "Le référentiel HDS.\n")
    index.refresh()
    for thread in threads:
        thread.join()
    assert not errors


def test_an_unreachable_chroma_server_is_a_clear_error(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(VectorStoreError) as caught:
        KnowledgeIndex.open(knowledge_dir, tmp_path, "none", chroma_url="http://127.0.0.1:9")
    assert "127.0.0.1:9" in str(caught.value)
    assert "CHROMA_URL" in caught.value.user_message


@pytest.mark.chroma_server
def test_a_chroma_server(knowledge_dir: Path, tmp_path: Path) -> None:
    url = os.environ.get("CARE_TEST_CHROMA_URL")
    if not url:
        pytest.skip("CARE_TEST_CHROMA_URL is not set")
    index = KnowledgeIndex.open(knowledge_dir, tmp_path, "fake", chroma_url=url)
    assert index.search("Quels sont les prérequis du domaine 2 ?").found
    again = KnowledgeIndex.open(knowledge_dir, tmp_path, "fake", chroma_url=url)
    assert (again.last_report.added, again.last_report.removed) == (0, 0)
    assert not (tmp_path / "chroma").exists()


def test_a_typo_still_finds_the_word(knowledge_dir: Path, tmp_path: Path) -> None:
    index = _open(knowledge_dir, tmp_path / "data", "none")
    result = index.search("les sauvgardes ?")  # one letter missing
    assert result.found
    assert "sauvegardes" in result.passages[0].text


def test_a_chunk_missing_a_distinctive_word_of_the_question_does_not_pass_the_gate(
    knowledge_dir: Path,
) -> None:
    """ "amende" is in one chunk only: with the distinctive-word rule on, the chunk with the rest
    of the question is off-topic. The rule is off by default: near-domain subjects are declined
    by topic (knowledge/facts.yaml), and a rare context word must not decline a question."""
    body = """
    ## Plafond
    Le montant maximal du financement versé à chaque hôpital candidat est fixé par arrêté.

    ## Versement
    Le montant maximal est versé à l'hôpital après le contrôle.

    ## Pénalités
    Une amende peut frapper le prestataire défaillant.
    """
    write_note(knowledge_dir, "note-plafond", "Plafond du financement", body)
    base = load_knowledge_base(knowledge_dir)
    analyzer = FrenchAnalyzer(base.glossary)
    strict = LexicalSearcher(analyzer, base.chunks, LexicalParams(distinctive_chunks=1))
    default = LexicalSearcher(analyzer, base.chunks)
    params = RankingParams()
    for searcher in (strict, default):
        found = searcher.search("montant maximal du financement pour un hôpital ?")
        assert is_relevant(found.coverage, params)
    amende = "montant maximal d'une amende pour un hôpital public ?"
    assert not is_relevant(strict.search(amende).coverage, params)
    assert is_relevant(default.search(amende).coverage, params)
