"""The LLM answer stage: a fluent synthesis of the same passages, kept only if it is grounded."""

from __future__ import annotations

import logging
from dataclasses import replace

from langchain_core.messages import HumanMessage, SystemMessage

from agent.answering import Answer, source_ref
from agent.llm.client import LLMCallError, LLMClient
from agent.llm.grounding import Rejected, check_grounded, renumber
from agent.llm.prompts import PromptLibrary

logger = logging.getLogger(__name__)

MAX_PASSAGES = 5
ANSWER_MAX_TOKENS = 700


class LLMAnswerImprover:
    """``AnswerImprover`` for the assistant: returns the checked LLM answer, or None.

    None means "keep the extractive answer": the endpoint failed (logged by the client), the
    circuit is open, or the output broke a grounding rule (logged here with the rule).
    """

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptLibrary,
        *,
        history_turns: int = 3,
        max_chars: int = 1500,
    ) -> None:
        self._client = client
        self._prompts = prompts
        self._history_turns = max(0, history_turns)
        self._max_chars = max_chars

    def improve(
        self, question: str, history: list[dict[str, str]], answer: Answer
    ) -> Answer | None:
        if not answer.found or not answer.passages:
            return None
        try:
            return self._improve(question, history, answer)
        except LLMCallError:
            return None
        except Exception as exc:  # the extractive answer is the floor, whatever happens here
            logger.warning("LLM answer stage failed: %s", type(exc).__name__, exc_info=True)
            return None

    def _improve(
        self, question: str, history: list[dict[str, str]], answer: Answer
    ) -> Answer | None:
        passages = answer.passages[:MAX_PASSAGES]
        system = self._prompts.system(answer.as_of)
        recent = history[-self._history_turns :] if self._history_turns else []
        user = self._prompts.answer(question, passages, recent, self._max_chars)
        completion = self._client.complete(
            [SystemMessage(system), HumanMessage(user)],
            max_tokens=ANSWER_MAX_TOKENS,
            max_chars=2 * self._max_chars,
            purpose="answer",
        )
        checked = check_grounded(
            completion.text, passages, system_prompt=system, max_chars=self._max_chars
        )
        if isinstance(checked, Rejected):
            logger.info("LLM answer discarded: %s", checked.reason)
            logger.debug("discarded LLM output: %.300r", completion.text)
            return None
        text, order = renumber(checked.text)
        sources = tuple(source_ref(new, passages[old - 1]) for new, old in enumerate(order, 1))
        return replace(answer, text=text, mode="llm", sources=sources)
