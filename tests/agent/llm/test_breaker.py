"""The circuit breaker, on a fake clock."""

from __future__ import annotations

from agent.llm import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_then_half_opens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown=60, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state == "closed"
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 59
    assert not breaker.allow()
    clock.now += 2
    assert breaker.state == "half-open"
    assert breaker.allow()  # the trial call
    assert not breaker.allow()  # only one at a time
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 61
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_success_resets_the_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown=60, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_short_pause_after_any_failure() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown=60, pause_after_failure=9, clock=clock)
    breaker.record_failure()
    assert breaker.state == "paused" and not breaker.allow()
    clock.now += 9.5
    assert breaker.allow()
