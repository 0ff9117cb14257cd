"""Optional LLM stage through LangChain: fluent answers that cite only what was retrieved.

Public surface::

    stage = open_llm(LLMConfig(base_url, model, api_key, timeout), prompts_dir, history_turns=3)
    Assistant(..., improver=stage.improver, rewrite_followup=stage.rewrite_followup)
    DraftingHelp(stage.suggester, search)              # « proposer une rédaction » (drafting)
    probe(config) -> ProbeReport                       # care-bot doctor

Every LLM failure (endpoint down, timeout, HTTP error, garbage, ungrounded or over-long output)
ends in the extractive answer; nothing the model writes reaches a user unchecked.

The names backed by LangChain's chat-model stack are imported on first use (PEP 562), so that
``open_llm(None, …)`` in extractive mode loads neither ``langchain_core.language_models`` (and
its tracing dependencies) nor the OpenAI client: about a second of start-up on a small machine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from agent.llm.breaker import CircuitBreaker
from agent.llm.config import LLMConfig, LLMConfigError
from agent.llm.followup_rules import ExtractiveFollowupRewriter, looks_like_followup
from agent.llm.stage import FollowupRewriter, LLMStage, open_llm

if TYPE_CHECKING:
    from agent.llm.chat_model import build_chat_model
    from agent.llm.client import Completion, LLMCallError, LLMClient
    from agent.llm.doctor import ProbeReport, probe
    from agent.llm.followup import LLMFollowupRewriter
    from agent.llm.grounding import Grounded, Rejected, check_grounded
    from agent.llm.improver import LLMAnswerImprover
    from agent.llm.prompts import PromptLibrary
    from agent.llm.suggester import DraftSuggester, LLMDraftSuggester, Suggestion

_LAZY = {
    "build_chat_model": "agent.llm.chat_model",
    "Completion": "agent.llm.client",
    "LLMCallError": "agent.llm.client",
    "LLMClient": "agent.llm.client",
    "ProbeReport": "agent.llm.doctor",
    "probe": "agent.llm.doctor",
    "LLMFollowupRewriter": "agent.llm.followup",
    "Grounded": "agent.llm.grounding",
    "Rejected": "agent.llm.grounding",
    "check_grounded": "agent.llm.grounding",
    "LLMAnswerImprover": "agent.llm.improver",
    "PromptLibrary": "agent.llm.prompts",
    "DraftSuggester": "agent.llm.suggester",
    "LLMDraftSuggester": "agent.llm.suggester",
    "Suggestion": "agent.llm.suggester",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CircuitBreaker",
    "Completion",
    "DraftSuggester",
    "ExtractiveFollowupRewriter",
    "FollowupRewriter",
    "Grounded",
    "LLMAnswerImprover",
    "LLMCallError",
    "LLMClient",
    "LLMConfig",
    "LLMConfigError",
    "LLMDraftSuggester",
    "LLMFollowupRewriter",
    "LLMStage",
    "ProbeReport",
    "PromptLibrary",
    "Rejected",
    "Suggestion",
    "build_chat_model",
    "check_grounded",
    "looks_like_followup",
    "open_llm",
    "probe",
]
