"""A circuit breaker: stop calling a failing endpoint for a while, then try once again.

States::

    closed ──failure──▶ paused (pause_after_failure) ──▶ closed
       ▲                    │ failure_threshold consecutive failures
       │ success            ▼
    half-open ◀──cooldown── open ──(calls skipped)
       │ failure ──▶ open again

The short pause after any failure keeps one user turn from paying the timeout twice (follow-up
rewrite, then answer). In half-open state a single trial call goes through; the others are
skipped until it ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 3,
        cooldown: float = 60.0,
        pause_after_failure: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = max(1, failure_threshold)
        self._cooldown = cooldown
        self._pause = pause_after_failure
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._blocked_until = 0.0
        self._trial_running = False

    @property
    def state(self) -> str:
        """``closed``, ``paused``, ``open`` or ``half-open`` (for logs and tests)."""
        with self._lock:
            now = self._clock()
            if self._failures >= self._threshold:
                return "open" if now < self._blocked_until else "half-open"
            return "paused" if now < self._blocked_until else "closed"

    def allow(self) -> bool:
        """True when a call may go out now (and, in half-open state, claims the trial call)."""
        with self._lock:
            if self._clock() < self._blocked_until:
                return False
            if self._failures >= self._threshold:
                if self._trial_running:
                    return False
                self._trial_running = True
            return True

    def record_success(self) -> None:
        with self._lock:
            if self._failures >= self._threshold:
                logger.info("LLM circuit closed: the endpoint answers again")
            self._failures = 0
            self._blocked_until = 0.0
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._failures >= self._threshold:
                self._blocked_until = self._clock() + self._cooldown
                logger.warning(
                    "LLM circuit open for %.0f s after %d consecutive failures",
                    self._cooldown,
                    self._failures,
                )
            else:
                self._blocked_until = self._clock() + self._pause
