"""One bounded call to the chat model: hard deadline, circuit breaker, failure causes for logs.

Every failure becomes ``LLMCallError`` with a short cause ("timeout", "connection refused",
"HTTP 500", "malformed response", "empty output", "output too long", "circuit open"); callers
fall back to the extractive answer. Logs name the cause, never the messages' contents.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from agent.errors import LLMError
from agent.llm.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

DEADLINE_MARGIN = 0.5  # seconds granted beyond the client timeout before we stop waiting


class LLMCallError(LLMError):
    """A call did not produce usable text; ``cause`` is short and safe to log."""

    def __init__(self, cause: str) -> None:
        super().__init__(f"LLM call failed: {cause}")
        self.cause = cause


@dataclass(frozen=True)
class Completion:
    text: str
    elapsed: float  # seconds
    truncated: bool = False  # the token cap cut it (only with ``allow_truncated``)


class _DeadlineExceeded(Exception):
    pass


class LLMClient:
    """Sends messages to a ``BaseChatModel`` and returns its text, or raises ``LLMCallError``.

    At most ``max_concurrent`` calls are in flight: a small CPU server answers one request at
    a time, and a queue of requests behind a slow one would only time out one after the other
    (and open the circuit for everyone). A call that finds every slot taken for ``queue_wait``
    seconds gives up with the cause "busy", which the breaker does not count.
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        timeout: float,
        breaker: CircuitBreaker | None = None,
        max_concurrent: int = 4,
        queue_wait: float | None = None,
    ) -> None:
        self._model = model
        self._timeout = timeout
        self.breaker = breaker or CircuitBreaker()
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))
        self._queue_wait = min(timeout, 30.0) if queue_wait is None else queue_wait

    @property
    def timeout(self) -> float:
        return self._timeout

    def complete(
        self,
        messages: Sequence[BaseMessage],
        *,
        max_tokens: int,
        max_chars: int,
        purpose: str,
        allow_truncated: bool = False,
    ) -> Completion:
        """The model's text. A text cut by the token cap raises, unless ``allow_truncated``:
        a small model that rambles past the cap often said its answer in the first sentences,
        which the caller may keep (the endpoint worked: the breaker counts a success)."""
        if not self._slots.acquire(timeout=self._queue_wait):
            logger.info("LLM skipped (%s): busy with earlier questions", purpose)
            raise LLMCallError("busy")
        try:
            return self._complete(messages, max_tokens, max_chars, purpose, allow_truncated)
        finally:
            self._slots.release()

    def _complete(
        self,
        messages: Sequence[BaseMessage],
        max_tokens: int,
        max_chars: int,
        purpose: str,
        allow_truncated: bool,
    ) -> Completion:
        if not self.breaker.allow():
            logger.info("LLM skipped (%s): circuit open", purpose)
            raise LLMCallError("circuit open")
        started = time.perf_counter()
        try:
            text, truncated = self._call(list(messages), max_tokens, max_chars, allow_truncated)
        except LLMCallError as exc:
            self.breaker.record_failure()
            elapsed = time.perf_counter() - started
            logger.warning("LLM call failed (%s) after %.1f s: %s", purpose, elapsed, exc.cause)
            raise
        elapsed = time.perf_counter() - started
        self.breaker.record_success()
        logger.info("LLM call succeeded (%s) in %.0f ms", purpose, 1000 * elapsed)
        return Completion(text, elapsed, truncated)

    def _call(
        self, messages: list[BaseMessage], max_tokens: int, max_chars: int, allow_truncated: bool
    ) -> tuple[str, bool]:
        try:
            reply = _run_with_deadline(
                lambda: self._model.invoke(messages, max_tokens=max_tokens),
                self._timeout + DEADLINE_MARGIN,
            )
        except _DeadlineExceeded as exc:
            raise LLMCallError(f"timeout (no answer within {self._timeout:g} s)") from exc
        except Exception as exc:
            raise LLMCallError(describe_failure(exc)) from exc
        if not isinstance(reply, BaseMessage):
            raise LLMCallError("malformed response")
        text = reply.text.strip() if isinstance(reply.text, str) else ""
        if not text:
            raise LLMCallError("empty output")
        if len(text) > max_chars:
            raise LLMCallError(f"output too long ({len(text)} > {max_chars} characters)")
        truncated = reply.response_metadata.get("finish_reason") == "length"
        if truncated and not allow_truncated:
            raise LLMCallError("output truncated (token limit)")
        return text, truncated


def describe_failure(exc: BaseException) -> str:
    """A short, content-free cause for an exception raised by the chat model client."""
    import openai  # only loaded on the LLM path (a failure there), never in extractive mode

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection refused" if _refused(exc) else "connection error"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(
        exc, openai.APIResponseValidationError | json.JSONDecodeError | ValueError | KeyError
    ):
        return "malformed response"
    if isinstance(exc, AttributeError | TypeError | IndexError):
        return "malformed response"
    return f"unexpected error ({type(exc).__name__})"


def _refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _run_with_deadline(call: Callable[[], Any], deadline: float) -> Any:
    """Run ``call`` in a daemon thread; stop waiting after ``deadline`` seconds.

    The HTTP client has its own timeout, but it bounds each read, not the whole exchange: a
    server that trickles bytes could hold a turn forever. The abandoned thread ends with the
    client's own timeout and its result is dropped.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="care-llm-call", daemon=True).start()
    if not done.wait(deadline):
        raise _DeadlineExceeded
    if "error" in box:
        raise box["error"]
    return box["value"]
