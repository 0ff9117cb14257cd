"""Through LangChain's real OpenAI-compatible client against the loopback stub server: every way
the endpoint can fail ends in the extractive answer, on time, with one log line naming the cause,
and the circuit breaker stops calling an endpoint that keeps failing."""

from __future__ import annotations

import logging
import time

import pytest

from agent.answering import Answer
from agent.assistant import Assistant
from agent.llm import (
    CircuitBreaker,
    LLMAnswerImprover,
    LLMClient,
    PromptLibrary,
    build_chat_model,
    open_llm,
    probe,
)
from agent.store import SqliteStore
from retrieval import Passage
from tests.agent.llm.conftest import (
    PROMPTS_DIR,
    RecordingSearcher,
    make_assistant,
    stub_config,
)
from tests.agent.llm.stub_server import StubLLMServer, refused_url, user_prompt

TIMEOUT = 1.0
QUESTION = "Que finance le programme CaRE ?"
GOOD = "Le programme CaRE finance la cybersécurité des établissements de santé [1]."


def assistant_for(url: str, passages: tuple[Passage, ...], store: SqliteStore) -> Assistant:
    stage = open_llm(stub_config(url, TIMEOUT), PROMPTS_DIR)
    return make_assistant(
        RecordingSearcher(passages),
        store,
        improver=stage.improver,
        rewrite_followup=stage.rewrite_followup,
    )


def extractive_text(passages: tuple[Passage, ...], store: SqliteStore) -> str:
    return make_assistant(RecordingSearcher(passages), store).ask(QUESTION).text


def test_a_good_answer_goes_through(
    stub: StubLLMServer, passages: tuple[Passage, ...], store: SqliteStore
) -> None:
    stub.reply = GOOD
    answer = assistant_for(stub.base_url, passages, store).ask(QUESTION)
    assert answer.mode == "llm" and answer.text == GOOD
    (request,) = stub.requests
    assert request["model"] == "stub-model"
    assert request["messages"][0]["role"] == "system"
    assert "<question>\nQue finance le programme CaRE ?\n</question>" in user_prompt(request)


@pytest.mark.parametrize(
    ("behaviour", "cause"),
    [
        ("hang", "timeout"),
        ("500", "HTTP 500"),
        ("503", "HTTP 503"),
        ("404", "HTTP 404"),
        ("401", "HTTP 401"),
        ("400", "HTTP 400"),
        ("garbage", "malformed response"),
        ("empty", "empty output"),
        ("too_long", "output too long"),
    ],
)
def test_endpoint_failures_fall_back_on_time_with_one_log_line(
    stub: StubLLMServer,
    passages: tuple[Passage, ...],
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
    behaviour: str,
    cause: str,
) -> None:
    stub.behaviour = behaviour
    assistant = assistant_for(stub.base_url, passages, store)
    with caplog.at_level(logging.INFO, logger="agent.llm"):
        started = time.perf_counter()
        answer = assistant.ask(QUESTION)
        elapsed = time.perf_counter() - started
    assert answer.mode == "extractive" and answer.text == extractive_text(passages, store)
    assert elapsed < TIMEOUT + 1  # the bound: CARE_LLM_TIMEOUT + 1 s
    failures = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(failures) == 1 and cause in failures[0].getMessage()
    assert len(stub.requests) == 1  # no retry by the client


def test_connection_refused(
    passages: tuple[Passage, ...], store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="agent.llm"):
        started = time.perf_counter()
        answer = assistant_for(refused_url(), passages, store).ask(QUESTION)
        elapsed = time.perf_counter() - started
    assert answer.mode == "extractive" and elapsed < TIMEOUT + 1
    failures = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(failures) == 1 and "connection refused" in failures[0].getMessage()


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [("no_citation", "uncited"), ("invented_citation", "outside the given passages")],
)
def test_ungrounded_output_is_discarded(
    stub: StubLLMServer,
    passages: tuple[Passage, ...],
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
    behaviour: str,
    reason: str,
) -> None:
    stub.behaviour = behaviour
    with caplog.at_level(logging.INFO, logger="agent.llm"):
        answer = assistant_for(stub.base_url, passages, store).ask(QUESTION)
    assert answer.mode == "extractive"
    discarded = [r for r in caplog.records if "discarded" in r.getMessage()]
    assert len(discarded) == 1 and reason in discarded[0].getMessage()
    assert "[7]" not in answer.text


def test_a_correct_sentence_without_citation_is_repaired(
    stub: StubLLMServer, passages: tuple[Passage, ...], store: SqliteStore
) -> None:
    stub.reply = "Le programme CaRE finance la cybersécurité des établissements de santé."
    answer = assistant_for(stub.base_url, passages, store).ask(QUESTION)
    assert answer.mode == "llm"
    assert answer.text == (
        "Le programme CaRE finance la cybersécurité des établissements de santé [1]."
    )
    assert answer.sources[0].source_id == "programme-care"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_skips_a_failing_endpoint_then_tries_again(
    stub: StubLLMServer, passages: tuple[Passage, ...], extractive: Answer
) -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown=60, clock=clock)
    config = stub_config(stub, TIMEOUT)
    client = LLMClient(build_chat_model(config), timeout=TIMEOUT, breaker=breaker)
    improver = LLMAnswerImprover(client, PromptLibrary(PROMPTS_DIR))
    stub.behaviour = "500"
    for _ in range(3):
        assert improver.improve(QUESTION, [], extractive) is None
    assert breaker.state == "open" and len(stub.requests) == 3
    stub.behaviour, stub.reply = "ok", GOOD
    started = time.perf_counter()
    for _ in range(5):  # skipped without a request while the circuit is open
        assert improver.improve(QUESTION, [], extractive) is None
    assert len(stub.requests) == 3 and time.perf_counter() - started < 0.5
    clock.now += 61  # cooldown over: one trial call, which succeeds and closes the circuit
    improved = improver.improve(QUESTION, [], extractive)
    assert improved is not None and improved.mode == "llm"
    assert breaker.state == "closed" and len(stub.requests) == 4


def test_one_failing_turn_pays_the_timeout_once(
    stub: StubLLMServer, passages: tuple[Passage, ...], store: SqliteStore
) -> None:
    """A follow-up turn makes two calls (rewrite, answer): after the first times out, the
    second is skipped, so the user still gets the answer within the bound."""
    stub.behaviour = "hang"
    assistant = assistant_for(stub.base_url, passages, store)
    history = [{"q": "Quels sont les prérequis du domaine 1 ?", "a": "…"}]
    started = time.perf_counter()
    answer = assistant.ask("et pour le domaine 2 ?", history)
    assert time.perf_counter() - started < TIMEOUT + 1
    assert answer.mode == "extractive" and answer.found


def test_probe_reports_model_latency_and_failures(stub: StubLLMServer) -> None:
    stub.reply = "ok"
    report = probe(stub_config(stub, TIMEOUT))
    assert report.ok and report.model == "stub-model" and report.reply == "ok"
    assert report.latency_ms is not None and report.latency_ms >= 0
    stub.behaviour = "404"
    failed = probe(stub_config(stub, TIMEOUT))
    assert not failed.ok and failed.cause == "HTTP 404"
    refused = probe(stub_config(refused_url(), TIMEOUT))
    assert not refused.ok and refused.cause == "connection refused"
