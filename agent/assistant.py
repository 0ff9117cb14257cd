"""The conversational core: one turn in, replies out, whatever the channel.

``Assistant.handle`` loads the user's session, routes the input (dialogue in progress, command,
button, free question), saves the session atomically and returns plain ``Reply`` objects, all
under the store's per-user turn lock (``Store.user_turn``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from agent import messages
from agent.answering import Answer, ExtractiveComposer, full_text
from agent.flows.base import Flow, FlowContext, FlowStep
from agent.followup_context import answer_context, previous_answer
from agent.input_text import (
    MAX_QUESTION_CHARS,
    clean_text,
    fold,
    has_words,
    no_question_reply,
)
from agent.store import Store
from agent.turns import ChoiceReply, Option, Reply, Session, TextReply, Turn
from retrieval import GlossaryEntry, SearchResult, SourceNote

logger = logging.getLogger(__name__)

HISTORY_TURNS = 6
SEARCH_DEPTH = 8  # passages retrieved: the composer drops those about another dispositif


class Searcher(Protocol):
    def search(self, query: str, k: int = 5) -> SearchResult: ...
    def sources(self) -> list[SourceNote]: ...
    def glossary(self) -> list[GlossaryEntry]: ...


class AnswerImprover(Protocol):
    """Optional LLM stage: rewrites the extractive answer from the same passages, or None."""

    def improve(
        self, question: str, history: list[dict[str, str]], answer: Answer
    ) -> Answer | None: ...


@dataclass
class Assistant:
    searcher: Searcher
    store: Store
    composer: ExtractiveComposer
    flows: Sequence[Flow] = ()
    clock: Callable[[], date] = date.today
    improver: AnswerImprover | None = None
    rewrite_followup: Callable[[str, list[dict[str, str]]], str] | None = None
    history_turns: int = 3  # past questions/answers a follow-up question may lean on
    _by_command: dict[str, Flow] = field(init=False, default_factory=dict)
    _by_name: dict[str, Flow] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for flow in self.flows:
            self._by_command[flow.command] = flow
            self._by_name[flow.name] = flow

    # -- questions ------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer one free question from the knowledge base (no session involved).

        ``history`` (oldest first) lets a follow-up lean on the previous answer: its
        dispositifs, its intents and the items of the list it gave.
        """
        started = time.perf_counter()
        history = history or []
        meaning = self.composer.understand(question, previous_answer(history))
        query = question
        if self.rewrite_followup is not None and history:
            query = self.rewrite_followup(question, history)
        if meaning.item_text:
            query = f"{meaning.item_text} {query}"
        result = self.searcher.search(query, k=SEARCH_DEPTH)
        if not result.found:  # context words may hide an answerable core
            core = self.composer.core_query(question, meaning)
            if core is not None:
                retry = self.searcher.search(core, k=SEARCH_DEPTH)
                result = retry if retry.found else result
        result = replace(result, query=question) if result.query != question else result
        answer = replace(self.composer.compose(result, self.clock(), meaning), question=question)
        if answer.found and self.improver is not None:
            improved = self.improver.improve(question, history, answer)
            if improved is not None:
                answer = improved
        logger.debug(
            "answered in %.0f ms (found=%s, mode=%s)",
            1000 * (time.perf_counter() - started),
            answer.found,
            answer.mode,
        )
        return answer

    def validate_question(self, text: str) -> str | None:
        """French message when the text cannot be a question, else None."""
        if not text:
            return messages.EMPTY_QUESTION
        if len(text) > MAX_QUESTION_CHARS:
            return messages.too_long(len(text), MAX_QUESTION_CHARS)
        if not has_words(text):
            return messages.NO_WORDS
        return no_question_reply(text, followup=self.rewrite_followup is not None)

    def _answer_replies(self, session: Session, question: str) -> list[Reply]:
        problem = self.validate_question(question)
        if problem is not None:
            return [TextReply(problem, kind="error")]
        window = session.history[-self.history_turns :] if self.history_turns > 0 else []
        answer = self.ask(question, window)
        kept = max(HISTORY_TURNS, self.history_turns)
        context = answer_context(answer)
        session.history = [*session.history, {"q": question, "a": answer.text[:500], **context}][
            -kept:
        ]
        if not answer.found:
            return [TextReply(answer.text, kind="answer")]
        feedback_id = self.store.add_feedback(
            session.user_id, question, answer.text, [ref.source_id for ref in answer.sources]
        )
        session.history[-1] = {
            "q": question,
            "a": answer.text[:500],
            **context,
            "id": feedback_id,
            "sources": "\n\n".join(
                f"[{ref.number}] {ref.title} — {ref.section}\n{ref.excerpt}"
                for ref in answer.sources
            ),
        }
        return [
            TextReply(
                full_text(answer), sources=answer.sources, kind="answer", feedback_id=feedback_id
            )
        ]

    # -- turns ----------------------------------------------------------------------------
    def handle(self, turn: Turn) -> list[Reply]:
        # Under the user's turn lock, so that two turns of one user delivered to two threads or
        # replicas at once run one after the other instead of both saving a stale session.
        with self.store.user_turn(turn.user_id):
            session = self.store.load_session(turn.user_id)
            replies = self._route(session, turn)
            self.store.save_session(session)
        return replies

    def _context(self, session: Session) -> FlowContext:
        def answer_question(question: str) -> list[Reply]:
            return self._answer_replies(session, question)

        return FlowContext(
            session=session, store=self.store, today=self.clock(), answer_question=answer_question
        )

    def _route(self, session: Session, turn: Turn) -> list[Reply]:
        text = clean_text(turn.text)
        if turn.action is not None and turn.action.startswith("sys:"):
            return self._system_action(session, turn.action)
        command, _, argument = text.partition(" ")
        command = command.split("@", 1)[0].lower() if command.startswith("/") else ""
        if command == "/annuler" or (session.flow and fold(text) in {"annuler", "stop"}):
            return self._cancel(session)
        if command and command in self._by_command:
            return self._start_flow(session, self._by_command[command], argument.strip())
        if command:
            return self._command(session, command, argument.strip())
        flow = self._by_name.get(session.flow or "")
        if flow is not None and turn.attachment is not None and not flow.accepts_attachments:
            ctx = self._context(session)
            reprompt = flow.reprompt(ctx, session.flow_state)
            return [TextReply(messages.ATTACHMENT_NOT_EXPECTED, kind="info"), *reprompt]
        if flow is not None:
            return self._continue_flow(
                session, flow, Turn(turn.user_id, text, turn.action, turn.attachment)
            )
        if turn.action is not None:
            return [TextReply(messages.STALE_BUTTON, kind="info")]
        if turn.attachment is not None:
            return [TextReply(messages.ATTACHMENT_OUTSIDE_FLOW, kind="info")]
        return self._answer_replies(session, text)

    # -- flows ----------------------------------------------------------------------------
    def _apply(self, session: Session, flow: Flow, step: FlowStep) -> list[Reply]:
        if step.done:
            session.flow = None
            session.flow_state = {}
        return step.replies

    def _start_flow(self, session: Session, flow: Flow, argument: str) -> list[Reply]:
        replies: list[Reply] = []
        if session.flow and session.flow != flow.name:
            replies.append(TextReply(messages.flow_replaced(session.flow), kind="info"))
        session.flow = flow.name
        session.flow_state = {}
        ctx = self._context(session)
        step = flow.start(ctx, session.flow_state, argument)
        return replies + self._apply(session, flow, step)

    def _continue_flow(self, session: Session, flow: Flow, turn: Turn) -> list[Reply]:
        ctx = self._context(session)
        step = flow.handle(ctx, session.flow_state, turn)
        if step.not_an_answer:
            replies = self._answer_replies(session, turn.text)
            return replies + step.replies + flow.reprompt(ctx, session.flow_state)
        return self._apply(session, flow, step)

    def _cancel(self, session: Session) -> list[Reply]:
        flow = self._by_name.get(session.flow or "")
        if flow is None:
            session.flow, session.flow_state = None, {}
            return [TextReply(messages.NOTHING_TO_CANCEL, kind="info")]
        replies = flow.cancel(self._context(session), session.flow_state)
        session.flow, session.flow_state = None, {}
        return [*replies, TextReply(messages.CANCELLED, kind="info")]

    # -- commands and buttons ---------------------------------------------------------------
    def _command(self, session: Session, command: str, argument: str) -> list[Reply]:
        if command in ("/start", "/aide", "/help"):
            text = messages.WELCOME if command == "/start" else ""
            return [TextReply(text + messages.help_text(self.flows), kind="info")]
        if command == "/sources":
            return [TextReply(messages.sources_list(self.searcher.sources()), kind="info")]
        if command == "/glossaire":
            return [
                TextReply(messages.glossary_text(self.searcher.glossary(), argument), kind="info")
            ]
        if command == "/supprimer_mes_donnees":
            return [
                ChoiceReply(
                    messages.CONFIRM_ERASE,
                    (
                        Option("Oui, tout effacer", "sys:erase:yes"),
                        Option("Non, garder mes données", "sys:erase:no"),
                    ),
                )
            ]
        return [TextReply(messages.unknown_command(command), kind="error")]

    def _system_action(self, session: Session, action: str) -> list[Reply]:
        parts = action.split(":")
        if parts[1:] == ["erase", "yes"]:
            self.store.delete_user_data(session.user_id)
            session.flow, session.flow_state = None, {}
            session.history, session.profile = [], {}
            return [TextReply(messages.ERASED, kind="info")]
        if parts[1:] == ["erase", "no"]:
            return [TextReply(messages.ERASE_CANCELLED, kind="info")]
        if len(parts) == 4 and parts[1] == "fb":
            rating = 1 if parts[3] == "up" else -1
            ok = self.store.rate_feedback(parts[2], session.user_id, rating)
            return [TextReply(messages.FEEDBACK_THANKS if ok else messages.STALE_BUTTON)]
        if len(parts) == 3 and parts[1] == "src":
            for entry in reversed(session.history):
                if entry.get("id") == parts[2]:
                    return [TextReply(messages.cited_excerpts(entry.get("sources", "")))]
            return [TextReply(messages.STALE_BUTTON)]
        return [TextReply(messages.STALE_BUTTON)]

    def resume(self, user_id: str) -> list[Reply]:
        """Replies that bring a returning user back to the pending question, if any."""
        session = self.store.load_session(user_id)
        flow = self._by_name.get(session.flow or "")
        if flow is None:
            return []
        ctx = self._context(session)
        return [TextReply(messages.RESUMING, kind="info"), *flow.reprompt(ctx, session.flow_state)]
