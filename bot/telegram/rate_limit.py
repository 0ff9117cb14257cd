"""Per-user rate limit: at most N messages in any sliding window of one minute.

Counters live in memory on purpose: they protect this process, hold no conversation state and may
be lost on restart without harm.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindowLimiter:
    """``check(key)`` records an event and returns None, or the seconds to wait when over limit."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}
        self._warned_until: dict[Hashable, float] = {}

    def check(self, key: Hashable) -> int | None:
        if self.limit <= 0:
            return None
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._sweep(now)
            return None
        return max(1, math.ceil(events[0] + self.window - now))

    def should_warn(self, key: Hashable, wait: int) -> bool:
        """True once per blocked period, so that a flood is not answered message by message."""
        now = self._clock()
        if self._warned_until.get(key, 0.0) > now:
            return False
        self._warned_until[key] = now + wait
        return True

    def _sweep(self, now: float) -> None:
        if len(self._events) < 4096:
            return
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]
        for key in stale:
            del self._events[key]
            self._warned_until.pop(key, None)
