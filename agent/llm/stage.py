"""The LLM stage as the composition root wires it: improver, follow-up rewriter, suggester.

Without a configuration only the rule-based follow-up rewrite is built, and nothing of
LangChain's chat-model stack (``langchain_core.language_models``, ``langchain_openai``,
``openai``) is imported: the extractive start-up pays nothing for the optional LLM mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agent.llm.config import LLMConfig
from agent.llm.followup_rules import ExtractiveFollowupRewriter

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.llm.improver import LLMAnswerImprover
    from agent.llm.suggester import DraftSuggester

FollowupRewriter = Callable[[str, list[dict[str, str]]], str]
MAX_PAUSE = 10.0  # seconds: one slow answer never keeps the model from the next question longer


@dataclass(frozen=True)
class LLMStage:
    """What ``Assistant`` and the drafting flow take. Without a model: extractive rewrite only."""

    improver: LLMAnswerImprover | None
    rewrite_followup: FollowupRewriter
    suggester: DraftSuggester | None
    config: LLMConfig | None = None

    @property
    def mode(self) -> str:
        return "llm" if self.improver is not None else "extractive"


def open_llm(
    config: LLMConfig | None,
    prompts_dir: Path,
    *,
    history_turns: int = 3,
    model: BaseChatModel | None = None,
) -> LLMStage:
    """Build the stage; ``config`` None (no ``CARE_LLM_BASE_URL``) → extractive mode.

    Templates are loaded and rendered once here, so a broken prompt fails at start-up
    (``LLMConfigError``), not in front of a user. ``model`` replaces the real client in tests.
    """
    extractive = ExtractiveFollowupRewriter(history_turns)
    if config is None:
        return LLMStage(improver=None, rewrite_followup=extractive, suggester=None)
    from agent.llm.breaker import CircuitBreaker
    from agent.llm.chat_model import build_chat_model
    from agent.llm.client import DEADLINE_MARGIN, LLMClient
    from agent.llm.followup import LLMFollowupRewriter
    from agent.llm.improver import LLMAnswerImprover
    from agent.llm.prompts import PromptLibrary
    from agent.llm.suggester import LLMDraftSuggester

    prompts = PromptLibrary(prompts_dir)
    prompts.check()
    breaker = CircuitBreaker(
        failure_threshold=config.failure_threshold,
        cooldown=config.cooldown_seconds,
        # the pause spares a waiting user a second timeout in the same turn (follow-up rewrite,
        # then answer); a small model is never waited for, so one slow answer pauses nothing
        pause_after_failure=(
            0.0 if config.small_model else min(config.timeout + DEADLINE_MARGIN + 1.0, MAX_PAUSE)
        ),
    )
    client = LLMClient(
        model or build_chat_model(config),
        timeout=config.timeout,
        breaker=breaker,
        max_concurrent=1 if config.small_model else 4,
    )
    return LLMStage(
        improver=LLMAnswerImprover(
            client,
            prompts,
            history_turns=history_turns,
            max_chars=config.max_answer_chars,
            max_tokens=config.max_tokens,
            max_passages=config.max_passages,
            evidence=config.evidence,
            policy="drop" if config.policy == "drop" else "fallback",
        ),
        rewrite_followup=(
            extractive
            if config.small_model
            else LLMFollowupRewriter(client, prompts, extractive, history_turns)
        ),
        suggester=LLMDraftSuggester(client, prompts),
        config=config,
    )
