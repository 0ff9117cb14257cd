"""What the handlers share: services, access, limits and counters (no conversation state)."""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.assistant import Assistant
from agent.store import Store
from bot.settings import Settings
from bot.telegram.access import AccessControl
from bot.telegram.rate_limit import SlidingWindowLimiter


@dataclass
class Metrics:
    """Counters of this process since it started, for /stats and /health."""

    started: float = field(default_factory=time.monotonic)
    turns: int = 0
    errors: int = 0
    patient_data_warnings: int = 0
    rate_limited: int = 0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=2000))

    def record_turn(self, milliseconds: float) -> None:
        self.turns += 1
        self.latencies_ms.append(milliseconds)

    def percentile(self, fraction: float) -> float | None:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else None
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[min(98, max(0, round(fraction * 100) - 1))]

    def as_dict(self) -> dict[str, Any]:
        return {
            "uptime_s": round(time.monotonic() - self.started, 1),
            "turns": self.turns,
            "errors": self.errors,
            "patient_data_warnings": self.patient_data_warnings,
            "rate_limited": self.rate_limited,
            "p50_ms": self.percentile(0.5),
            "p95_ms": self.percentile(0.95),
        }


@dataclass
class BotRuntime:
    settings: Settings
    assistant: Assistant
    store: Store
    access: AccessControl
    limiter: SlidingWindowLimiter
    reindex: Callable[[], Any] | None = None  # returns a retrieval IndexReport; run in a thread
    typing_delay: float = 0.5
    upload_max_bytes: int = 200_000
    metrics: Metrics = field(default_factory=Metrics)
