"""Optional LLM stage through LangChain: fluent answers that cite only what was retrieved.

Public surface::

    stage = open_llm(LLMConfig(base_url, model, api_key, timeout), prompts_dir, history_turns=3)
    Assistant(..., improver=stage.improver, rewrite_followup=stage.rewrite_followup)
    DraftingFlow(..., suggester=stage.suggester)      # DraftSuggester | None
    probe(config) -> ProbeReport                       # care-bot doctor

Every LLM failure (endpoint down, timeout, HTTP error, garbage, ungrounded or over-long output)
ends in the extractive answer; nothing the model writes reaches a user unchecked.
"""

from agent.llm.breaker import CircuitBreaker
from agent.llm.chat_model import build_chat_model
from agent.llm.client import Completion, LLMCallError, LLMClient
from agent.llm.config import LLMConfig, LLMConfigError
from agent.llm.doctor import ProbeReport, probe
from agent.llm.followup import (
    ExtractiveFollowupRewriter,
    LLMFollowupRewriter,
    looks_like_followup,
)
from agent.llm.grounding import Grounded, Rejected, check_grounded
from agent.llm.improver import LLMAnswerImprover
from agent.llm.prompts import PromptLibrary
from agent.llm.stage import FollowupRewriter, LLMStage, open_llm
from agent.llm.suggester import DraftSuggester, LLMDraftSuggester, Suggestion

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
