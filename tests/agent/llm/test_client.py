"""The bounded call: deadline, failure causes, breaker accounting, with fake chat models."""

from __future__ import annotations

import logging
import time

import httpx2 as httpx  # the HTTP client the installed openai package is built on
import openai
import pytest
from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage

from agent.llm import CircuitBreaker, LLMCallError, LLMClient
from agent.llm.client import describe_failure
from tests.agent.llm.conftest import scripted

MESSAGES = [HumanMessage("Bonjour")]


def complete(client: LLMClient, max_chars: int = 1000) -> str:
    return client.complete(MESSAGES, max_tokens=50, max_chars=max_chars, purpose="test").text


def test_returns_the_text() -> None:
    client = LLMClient(FakeListChatModel(responses=["Réponse [1]."]), timeout=1)
    assert complete(client) == "Réponse [1]."


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        (AIMessage(""), "empty output"),
        (AIMessage("   "), "empty output"),
        (AIMessage("x" * 1001), "too long"),
        (AIMessage("coupé", response_metadata={"finish_reason": "length"}), "truncated"),
    ],
)
def test_unusable_output(message: AIMessage, cause: str) -> None:
    client = LLMClient(GenericFakeChatModel(messages=iter([message])), timeout=1)
    with pytest.raises(LLMCallError) as info:
        complete(client)
    assert cause in info.value.cause


def test_hard_deadline_on_a_slow_model() -> None:
    client = LLMClient(scripted("trop tard", delay=5), timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(LLMCallError) as info:
        complete(client)
    assert time.perf_counter() - started < 0.3 + 1
    assert info.value.cause.startswith("timeout")


def test_model_exception_becomes_a_cause(caplog: pytest.LogCaptureFixture) -> None:
    def boom(_messages: object) -> str:
        raise RuntimeError("secret prompt text")

    client = LLMClient(scripted(boom), timeout=1)
    with caplog.at_level(logging.INFO), pytest.raises(LLMCallError) as info:
        complete(client)
    assert info.value.cause == "unexpected error (RuntimeError)"
    assert "secret prompt text" not in caplog.text
    assert "LLM call failed (test)" in caplog.text


def test_breaker_counts_failures_and_skips() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown=60)
    model = scripted(lambda _m: "")
    client = LLMClient(model, timeout=1, breaker=breaker)
    for _ in range(2):
        with pytest.raises(LLMCallError):
            complete(client)
    with pytest.raises(LLMCallError) as info:
        complete(client)
    assert info.value.cause == "circuit open"
    assert len(model.calls) == 2  # the third call never reached the model


def _request() -> httpx.Request:
    return httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (openai.APITimeoutError(request=_request()), "timeout"),
        (openai.APIConnectionError(request=_request()), "connection error"),
        (
            openai.InternalServerError(
                "boom", response=httpx.Response(500, request=_request()), body=None
            ),
            "HTTP 500",
        ),
        (
            openai.NotFoundError(
                "no", response=httpx.Response(404, request=_request()), body=None
            ),
            "HTTP 404",
        ),
        (ValueError("x"), "malformed response"),
        (KeyError("choices"), "malformed response"),
    ],
)
def test_describe_failure(exc: BaseException, cause: str) -> None:
    assert describe_failure(exc) == cause


def test_describe_refused_connection() -> None:
    exc = openai.APIConnectionError(request=_request())
    exc.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert describe_failure(exc) == "connection refused"
