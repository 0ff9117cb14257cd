"""The LLM answer stage: a fluent rewording of the extractive answer's evidence, kept only if
every sentence of it passes the checks (``agent.llm.answer_checks``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from langchain_core.messages import HumanMessage, SystemMessage

from agent.answering import Answer, source_ref
from agent.llm.answer_checks import Policy, check_answer
from agent.llm.client import LLMCallError, LLMClient
from agent.llm.evidence import chosen_evidence
from agent.llm.grounding import Rejected, renumber
from agent.llm.prompts import PromptLibrary
from retrieval import Passage

logger = logging.getLogger(__name__)

MAX_PASSAGES = 5
ANSWER_MAX_TOKENS = 400


@dataclass(frozen=True)
class Attempt:
    """One model call for an answer, for measurements: what it saw, wrote, and what was kept."""

    passages: tuple[Passage, ...]
    raw: str
    elapsed: float
    answer: Answer | None
    reason: str | None  # why it was discarded (None when kept)
    dropped: tuple[tuple[str, str], ...] = ()


class LLMAnswerImprover:
    """``AnswerImprover`` for the assistant: returns the checked LLM answer, or None.

    None means "keep the extractive answer": the endpoint failed (logged by the client), the
    circuit is open, or the output broke a rule (logged here with the rule).
    """

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptLibrary,
        *,
        history_turns: int = 3,
        max_chars: int = 900,
        max_tokens: int = ANSWER_MAX_TOKENS,
        max_passages: int = MAX_PASSAGES,
        evidence: str = "sentences",
        policy: Policy = "fallback",
    ) -> None:
        self._client = client
        self._prompts = prompts
        self._history_turns = max(0, history_turns)
        self._max_chars = max_chars
        self._max_tokens = max_tokens
        self._max_passages = max(1, max_passages)
        self._evidence = evidence
        self._policy: Policy = policy

    @property
    def timeout(self) -> float:
        return self._client.timeout

    def improve(
        self, question: str, history: list[dict[str, str]], answer: Answer
    ) -> Answer | None:
        if not answer.found or not answer.passages:
            return None
        try:
            return self.attempt(question, history, answer).answer
        except LLMCallError:
            return None
        except Exception as exc:  # the extractive answer is the floor, whatever happens here
            logger.warning("LLM answer stage failed: %s", type(exc).__name__, exc_info=True)
            return None

    def given_passages(self, answer: Answer) -> tuple[Passage, ...]:
        """What the model reads: the chosen sentences per passage, or whole passages."""
        if self._evidence == "passages":
            return answer.passages[: self._max_passages]
        return tuple(e.as_passage() for e in chosen_evidence(answer, self._max_passages))

    def attempt(self, question: str, history: list[dict[str, str]], answer: Answer) -> Attempt:
        """One call and its checks; raises ``LLMCallError`` when the endpoint fails."""
        given = self.given_passages(answer)
        system = self._prompts.system(answer.as_of)
        recent = history[-self._history_turns :] if self._history_turns else []
        user = self._prompts.answer(question, given, recent, self._max_chars)
        completion = self._client.complete(
            [SystemMessage(system), HumanMessage(user)],
            max_tokens=self._max_tokens,
            max_chars=4 * self._max_chars,
            purpose="answer",
            allow_truncated=True,
        )
        raw = completion.text
        if completion.truncated:  # keep the complete sentences said before the cap
            raw = complete_sentences(raw)
            logger.info("LLM answer cut by the token cap: its last sentence is left out")
        return self.judge(question, answer, given, raw, completion.elapsed, system)

    def judge(
        self,
        question: str,
        answer: Answer,
        given: Sequence[Passage],
        raw: str,
        elapsed: float = 0.0,
        system_prompt: str = "",
    ) -> Attempt:
        """Check ``raw`` (the model's output for ``given``) and build the answer it stands for."""
        checked = check_answer(
            raw,
            given,
            question=question,
            extractive_text=answer.text,
            system_prompt=system_prompt,
            max_chars=self._max_chars,
            policy=self._policy,
        )
        if isinstance(checked, Rejected):
            logger.info("LLM answer discarded: %s", checked.reason)
            logger.debug("discarded LLM output: %.300r", raw)
            return Attempt(tuple(given), raw, elapsed, None, checked.reason, checked.dropped)
        for sentence, reason in checked.dropped:
            logger.info("LLM sentence dropped: %s", reason)
            logger.debug("dropped sentence: %.200r", sentence)
        text, order = renumber(checked.text)
        full = {(p.citation.source_id, p.citation.section): p for p in answer.passages}
        sources = tuple(
            source_ref(new, full.get(_key(given[old - 1]), given[old - 1]))
            for new, old in enumerate(order, 1)
        )
        improved = replace(answer, text=text, mode="llm", sources=sources)
        return Attempt(tuple(given), raw, elapsed, improved, None, checked.dropped)


def complete_sentences(text: str) -> str:
    """``text`` up to the end of its last complete sentence (or line of a list)."""
    cut = max(text.rfind(". "), text.rfind(".\n"), text.rfind("\n"), text.rfind("] "))
    if text.rstrip().endswith((".", "]")):
        return text.rstrip()
    return text[: cut + 1].rstrip() if cut > 0 else ""


def _key(passage: Passage) -> tuple[str, str]:
    return (passage.citation.source_id, passage.citation.section)
