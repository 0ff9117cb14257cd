"""Follow-up questions made standalone before retrieval, in both modes.

Extractive mode (no model): the rule-based rewrite of ``agent.llm.followup_rules``. LLM mode:
the rewrite prompt, checked (one plain French line), with the rule-based rewrite as fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from langchain_core.messages import HumanMessage

from agent.llm.client import LLMCallError, LLMClient
from agent.llm.followup_rules import ExtractiveFollowupRewriter, combine, looks_like_followup
from agent.llm.output_checks import looks_french, sanitise_markup
from agent.llm.prompts import PromptLibrary

__all__ = ["ExtractiveFollowupRewriter", "LLMFollowupRewriter", "combine", "looks_like_followup"]

logger = logging.getLogger(__name__)

History = Sequence[Mapping[str, str]]
MAX_REWRITE_CHARS = 300
REWRITE_MAX_TOKENS = 120


class LLMFollowupRewriter:
    """``rewrite_followup`` through the model, checked; the extractive rewrite otherwise."""

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptLibrary,
        fallback: ExtractiveFollowupRewriter,
        history_turns: int = 3,
    ) -> None:
        self._client = client
        self._prompts = prompts
        self._fallback = fallback
        self._history_turns = max(0, history_turns)

    def __call__(self, question: str, history: list[dict[str, str]]) -> str:
        recent = list(history[-self._history_turns :]) if self._history_turns else []
        if not recent or not looks_like_followup(question):
            return question
        try:
            rewritten = self._ask_model(question, recent)
        except LLMCallError:
            rewritten = None
        except Exception as exc:  # the extractive rewrite is the floor
            logger.warning("follow-up rewrite failed: %s", type(exc).__name__, exc_info=True)
            rewritten = None
        return rewritten if rewritten is not None else self._fallback.rewrite(question, recent)

    def _ask_model(self, question: str, history: History) -> str | None:
        prompt = self._prompts.followup(question, history)
        completion = self._client.complete(
            [HumanMessage(prompt)],
            max_tokens=REWRITE_MAX_TOKENS,
            max_chars=4 * MAX_REWRITE_CHARS,
            purpose="follow-up rewrite",
        )
        lines = [line for line in sanitise_markup(completion.text).splitlines() if line.strip()]
        candidate = lines[0].strip().strip("«»\"“”' ") if lines else ""
        candidate = re.sub(r"^(?:question(?: réécrite)?\s*:\s*)", "", candidate, flags=re.I)
        if not candidate or len(candidate) > MAX_REWRITE_CHARS or not looks_french(candidate):
            logger.info("LLM follow-up rewrite discarded: empty, too long or not French")
            return None
        return candidate
