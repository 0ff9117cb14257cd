"""``care-bot doctor``'s LLM probe: does the endpoint answer, with which model, how fast."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from agent.llm.breaker import CircuitBreaker
from agent.llm.chat_model import build_chat_model
from agent.llm.client import LLMCallError, LLMClient
from agent.llm.config import LLMConfig

PING = "Réponds uniquement par le mot : ok"


@dataclass(frozen=True)
class ProbeReport:
    base_url: str
    model: str
    timeout: float
    ok: bool
    latency_ms: float | None = None
    cause: str | None = None  # why it failed ("connection refused", "HTTP 404", …)
    reply: str = ""  # the first characters of the model's reply


def probe(config: LLMConfig, model: BaseChatModel | None = None) -> ProbeReport:
    """One tiny chat call, bounded by the configured timeout; never raises for endpoint faults."""
    client = LLMClient(
        model or build_chat_model(config), timeout=config.timeout, breaker=CircuitBreaker()
    )
    base = ProbeReport(config.display_url, config.model, config.timeout, ok=False)
    try:
        completion = client.complete(
            [HumanMessage(PING)], max_tokens=16, max_chars=2000, purpose="doctor"
        )
    except LLMCallError as exc:
        return ProbeReport(base.base_url, base.model, base.timeout, ok=False, cause=exc.cause)
    return ProbeReport(
        base.base_url,
        base.model,
        base.timeout,
        ok=True,
        latency_ms=round(1000 * completion.elapsed),
        reply=completion.text[:80],
    )
