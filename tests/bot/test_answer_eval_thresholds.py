"""Answer-level evaluation of the dev set, in CI: the answers users get must keep their figures.

The assistant is the one every channel talks to (``bot.container.extractive_assistant``: default
configuration, extractive mode) over the session's real index (tests/conftest.py). The whole set
runs once per session; the figures and their definitions are in ``agent.answer_evaluation``.

THRESHOLDS is the one place to raise when the answers improve (issue 12 targets: accuracy ≥ 0.90,
0 forbidden statements, declines correct ≥ 0.90, in-scope wrongly declined ≤ 0.03).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.answer_checks import load_answer_cases
from agent.answer_evaluation import AnswerReport, evaluate_answers, user_ask, with_search
from agent.store import SqliteStore
from bot.container import extractive_assistant
from bot.settings import Settings
from retrieval import KnowledgeIndex
from retrieval.evaluation import PlainBM25Searcher
from tests.retrieval.retrieval_fixtures import EVAL_SET, REAL_KNOWLEDGE


@dataclass(frozen=True)
class Thresholds:
    accuracy: float  # floor: in-scope answers with every `must` and no `must_not`
    forbidden: int  # ceiling: answers stating a `must_not` pattern
    declines_correct: float  # floor: out-of-scope questions declined with the right contact
    wrongly_declined: float  # ceiling: in-scope questions answered with a decline


# Measured on 2026-12-03 (443 questions) before the answer pipeline of issue 12: accuracy 0.806,
# forbidden 6, declines correct 0.39, wrongly declined 0.026. With it (branch i12b, after i11's
# corrections): accuracy 0.930, forbidden 1, declines correct 0.99, wrongly declined 0.006.
# The thresholds are the acceptance levels of issue 12; the one forbidden hit left is f011, whose
# `must_not` "arrete du 30 janvier 2026" also matches the correction « l'appeler « arrêté du
# 30 janvier 2026 » est inexact » (asked of i12a on the board): set it to 0 once the pattern
# excludes that quote.
THRESHOLDS = Thresholds(accuracy=0.90, forbidden=1, declines_correct=0.90, wrongly_declined=0.03)


@pytest.fixture(scope="module")
def report(
    knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory
) -> AnswerReport:
    folder = tmp_path_factory.mktemp("answer-eval")
    settings = Settings(_env_file=None, care_data_dir=folder)  # type: ignore[call-arg]
    store = SqliteStore(folder / "care.db")
    try:
        assistant = extractive_assistant(settings, knowledge_index, store)
        return evaluate_answers(user_ask(assistant), load_answer_cases(EVAL_SET), "extractif")
    finally:
        store.close()


def test_the_dev_set_has_answer_keys_for_every_question() -> None:
    cases = load_answer_cases(EVAL_SET)
    inside = [c for c in cases if not c.out_of_scope]
    outside = [c for c in cases if c.out_of_scope]
    assert all(c.must for c in inside), [c.id for c in inside if not c.must]
    assert all(c.decline for c in outside), [c.id for c in outside if not c.decline]
    assert len([c for c in inside if "faq-style" in c.tags]) >= 80
    assert len([c for c in outside if {"near-domain", "off-topic"} & set(c.tags)]) >= 90


def test_answer_figures_stay_above_the_thresholds(report: AnswerReport) -> None:
    figures = report.figures
    failures = {f["id"]: f["kind"] for f in report.failures()}
    assert figures.accuracy >= THRESHOLDS.accuracy, failures
    assert figures.forbidden <= THRESHOLDS.forbidden, report.forbidden_hits()
    assert figures.declines_correct >= THRESHOLDS.declines_correct, failures
    assert figures.wrongly_declined <= THRESHOLDS.wrongly_declined, failures


def test_follow_ups_are_asked_after_their_previous_questions(report: AnswerReport) -> None:
    follow_ups = [o for o in report.outcomes if o.case.previous]
    assert len(follow_ups) >= 6
    # "et en 2024 ?" alone has no subject: asked after its previous question it is answered
    after_2023 = next(o for o in follow_ups if o.case.id == "fu06")
    assert after_2023.answer.found


def test_the_plain_baseline_feeds_the_same_composer(
    knowledge_index: KnowledgeIndex, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, care_data_dir=tmp_path)  # type: ignore[call-arg]
    store = SqliteStore(tmp_path / "care.db")
    try:
        assistant = extractive_assistant(settings, knowledge_index, store)
        plain = with_search(assistant, PlainBM25Searcher.from_knowledge_dir(REAL_KNOWLEDGE).search)
        assert plain.composer is assistant.composer
        assert plain.rewrite_followup is assistant.rewrite_followup
        assert plain.searcher.sources() == assistant.searcher.sources()
        question = "Quelle est la recette de la pâte à crêpes ?"
        assert not assistant.ask(question).found  # the hybrid gate refuses it…
        assert plain.ask(question).found  # … the plain baseline's trivial gate does not
    finally:
        store.close()
