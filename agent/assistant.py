"""The conversational core: one turn in, replies out, whatever the channel.

``Assistant.handle`` loads the user's session, routes the input (dialogue in progress, command,
button, free question), commits the turn atomically and returns plain ``Reply`` objects, all
under the store's per-user turn lock (``Store.user_turn``).

Exactly once: a turn carrying an ``update_id`` already processed for this user is dropped; the
ids processed are saved with the session, in the same transaction as everything the turn wrote
(``agent.store.turn_store.TurnStore``), so after a crash a turn has either fully happened or not at
all. Buttons are bound to their question: while a dialogue runs, every ``ChoiceReply`` carries
the flow's ``question_token`` and a press bearing another token is refused as stale.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from agent import messages
from agent.actions import CoreAction, EraseData, RateAnswer, ShowDetails, ShowSources
from agent.answering import Answer, ExtractiveComposer, full_text
from agent.commands import AssistantCommand, Command, CommandCall, CommandTable, help_text
from agent.flows.base import Flow, FlowContext, FlowStep
from agent.followup_context import answer_context, previous_answer
from agent.input_text import (
    MAX_QUESTION_CHARS,
    clean_text,
    has_words,
    no_question_reply,
)
from agent.patient_data import PatientDataFinding, find_patient_data
from agent.store import Store
from agent.store.turn_store import TurnStore
from agent.turns import ChoiceReply, Option, Reply, Session, TextReply, Turn
from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from retrieval import GlossaryEntry, SearchResult, SourceNote

logger = logging.getLogger(__name__)

HISTORY_TURNS = 6
RECENT_UPDATES = 64  # update ids remembered per user: a redelivery comes within a few
SEARCH_DEPTH = 8  # passages retrieved: the composer drops those about another dispositif

CommandHandler = Callable[[CommandCall], list[Reply]]


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
    commands: CommandTable[CommandHandler] = field(init=False)
    _by_name: dict[str, Flow] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._by_name = {flow.name: flow for flow in self.flows}
        self.commands = CommandTable(self._declare_commands())

    def _declare_commands(self) -> list[AssistantCommand]:
        """The ONE declaration of the assistant's commands (order = menu and help order):
        /aide, Telegram's menu and routing are derived from it (``agent.commands``)."""
        return [
            Command(
                "/start",
                "accueil, ce que sait faire l'assistant, confidentialité",
                self._welcome,
                listed=False,
            ),
            Command("/aide", "liste des commandes", self._help, aliases=("/help",), listed=False),
            *(
                Command(
                    flow.command, flow.description, self._flow_starter(flow), private_only=True
                )
                for flow in self.flows
            ),
            Command("/sources", "les sources de ma base de connaissances", self._sources),
            Command(
                "/glossaire",
                "les sigles et termes (PCA, PCRA, RIE…)",
                self._glossary,
                usage="[terme]",
            ),
            Command(
                "/annuler",  # private: what it says names the draft kept
                "interrompre le dialogue en cours",
                lambda call: self._cancel(call.session, call.store),
                private_only=True,
            ),
            Command(
                "/supprimer_mes_donnees",
                "effacer toutes vos données",
                self._offer_erasure,
                private_only=True,
            ),
        ]

    # -- questions ------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        *,
        improve: bool = True,
    ) -> Answer:
        """Answer one free question from the knowledge base (no session involved).

        ``history`` (oldest first) lets a follow-up lean on the previous answer: its
        dispositifs, its intents and the items of the list it gave. With ``improve`` (and a
        model configured) the model's checked version is waited for; conversations pass False
        and offer it later (``TextReply.refine``).
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
        if improve and answer.found and self.improver is not None:
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
        """French message when the text cannot be a question (or carries patient data)."""
        finding = self.screen(text)
        if finding is not None:
            return messages.patient_data(finding.describe())
        if not text:
            return messages.EMPTY_QUESTION
        if len(text) > MAX_QUESTION_CHARS:
            return messages.too_long(len(text), MAX_QUESTION_CHARS)
        if not has_words(text):
            return messages.NO_WORDS
        return no_question_reply(text, followup=self.rewrite_followup is not None)

    def _answer_replies(self, session: Session, question: str, store: TurnStore) -> list[Reply]:
        problem = self.validate_question(question)
        if problem is not None:
            return [TextReply(problem, kind="error")]
        window = session.history[-self.history_turns :] if self.history_turns > 0 else []
        answer = self.ask(question, window, improve=False)
        kept = max(HISTORY_TURNS, self.history_turns)
        context = answer_context(answer)
        session.history = [*session.history, {"q": question, "a": answer.text[:500], **context}][
            -kept:
        ]
        if not answer.found:
            return [TextReply(answer.text, kind="answer")]
        feedback_id = store.add_feedback(
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
        refine = None
        if self.improver is not None:
            refine = self._refinement(session.user_id, feedback_id, window, answer)
        return [
            TextReply(
                full_text(answer),
                sources=answer.sources,
                kind="answer",
                feedback_id=feedback_id,
                refine=refine,
            )
        ]

    # -- patient data -----------------------------------------------------------------------
    def screen(self, text: str) -> PatientDataFinding | None:
        """Patient-data signals of ``text`` (any channel screens with this before storing)."""
        return find_patient_data(text, self.clock())

    def _screen_turn(self, turn: Turn) -> PatientDataFinding | None:
        texts = [turn.text]
        if turn.attachment is not None:
            texts.append(turn.attachment.content.decode("utf-8", errors="replace"))
        for text in texts:
            finding = self.screen(text)
            if finding is not None:
                return finding
        return None

    def _refuse_patient_data(self, user_id: str, finding: PatientDataFinding) -> list[Reply]:
        """The warning, then the pending question if a dialogue is open; nothing is saved."""
        logger.warning(
            "possible patient data (%s): turn not processed", ", ".join(finding.signals)
        )
        replies: list[Reply] = [
            TextReply(messages.patient_data(finding.describe()), kind="privacy")
        ]
        session = self.store.load_session(user_id)  # read only: never saved here
        flow = self._by_name.get(session.flow or "")
        if flow is not None:
            # Neither this session nor the turn store's writes are ever committed: a flagged
            # turn changes nothing, not even the update ids already processed. The pending
            # question is asked again with its token, so its buttons still work.
            store = TurnStore(self.store, user_id)
            reprompt = flow.reprompt(self._context(session, store), session.flow_state)
            replies += self._bind(session, store, reprompt)
        return replies

    def _refinement(
        self, user_id: str, feedback_id: str, window: list[dict[str, str]], answer: Answer
    ) -> Callable[[], TextReply | None]:
        """The model's rewording of ``answer``, as a reply, for a front end to show later."""
        improver = self.improver
        history = [dict(turn) for turn in window]

        def refine() -> TextReply | None:
            if improver is None:
                return None
            improved = improver.improve(answer.question, history, answer)
            if improved is None:
                return None
            self._remember_refined(user_id, feedback_id, improved)
            text = full_text(improved)
            marked = f"{improved.text}\n\n{messages.REFORMULATED}{text[len(improved.text) :]}"
            return TextReply(
                marked, sources=improved.sources, kind="answer", feedback_id=feedback_id
            )

        return refine

    def _remember_refined(self, user_id: str, feedback_id: str, improved: Answer) -> None:
        """The session's history holds what the user now sees (for follow-ups and Sources)."""
        with self.store.user_turn(user_id):
            session = self.store.load_session(user_id)
            for entry in session.history:
                if entry.get("id") == feedback_id:
                    entry["a"] = improved.text[:500]
                    entry["sources"] = "\n\n".join(
                        f"[{ref.number}] {ref.title} — {ref.section}\n{ref.excerpt}"
                        for ref in improved.sources
                    )
                    self.store.save_session(session)
                    return

    # -- turns ----------------------------------------------------------------------------
    def handle(self, turn: Turn) -> list[Reply]:
        # Patient data first: such a turn never reaches the session, a draft or the log.
        finding = self._screen_turn(turn)
        if finding is not None:
            return self._refuse_patient_data(turn.user_id, finding)
        # Under the user's turn lock, so that two turns of one user delivered to two threads or
        # replicas at once run one after the other instead of both saving a stale session.
        with self.store.user_turn(turn.user_id):
            session = self.store.load_session(turn.user_id)
            if turn.update_id is not None and turn.update_id in session.recent_updates:
                logger.info("update %s already processed: dropped", turn.update_id)
                return []
            store = TurnStore(self.store, turn.user_id)
            replies = self._bind(session, store, self._route(session, turn, store))
            if turn.update_id is not None:
                recent = [*session.recent_updates, turn.update_id]
                session.recent_updates = recent[-RECENT_UPDATES:]
            self.store.commit_turn(session, store.writes, turn.update_id)
        if store.erased:
            self.store.scrub()
        return replies

    def _context(self, session: Session, store: TurnStore) -> FlowContext:
        def answer_question(question: str) -> list[Reply]:
            return self._answer_replies(session, question, store)

        return FlowContext(
            session=session, store=store, today=self.clock(), answer_question=answer_question
        )

    def _bind(self, session: Session, store: TurnStore, replies: list[Reply]) -> list[Reply]:
        """Give the buttons of the pending question its token (see ``Flow.question_token``)."""
        flow = self._by_name.get(session.flow or "")
        if flow is None or not any(isinstance(r, ChoiceReply) for r in replies):
            return replies
        token = flow.question_token(self._context(session, store), session.flow_state)
        return [
            dataclasses.replace(reply, token=token)
            if isinstance(reply, ChoiceReply) and reply.token is None
            else reply
            for reply in replies
        ]

    def _stale_press(self, session: Session, turn: Turn, store: TurnStore) -> bool:
        """True when a pressed button belongs to a question that is no longer pending."""
        flow = self._by_name.get(session.flow or "")
        if flow is None:
            return True
        current = flow.question_token(self._context(session, store), session.flow_state)
        return turn.token != current

    def _route(self, session: Session, turn: Turn, store: TurnStore) -> list[Reply]:
        text = clean_text(turn.text)
        if turn.action is not None and not isinstance(turn.action, str):
            return self._core_action(session, turn.action, store)
        if (turn.action is not None or turn.token is not None) and self._stale_press(
            session, turn, store
        ):
            return [TextReply(messages.STALE_QUESTION, kind="stale")]
        if text.startswith("/"):
            name, _, argument = text.partition(" ")
            command = self.commands.find(name)
            if command is None:
                unknown = name.split("@", 1)[0].lower()
                return [TextReply(messages.unknown_command(unknown), kind="error")]
            return command.handler(CommandCall(session, argument.strip(), store))
        if session.flow and dialogue_keyword(text) is DialogueKeyword.CANCEL:
            return self._cancel(session, store)
        flow = self._by_name.get(session.flow or "")
        if flow is not None and turn.attachment is not None and not flow.accepts_attachments:
            ctx = self._context(session, store)
            reprompt = flow.reprompt(ctx, session.flow_state)
            return [TextReply(messages.ATTACHMENT_NOT_EXPECTED, kind="info"), *reprompt]
        if flow is not None:
            return self._continue_flow(
                session, flow, Turn(turn.user_id, text, turn.action, turn.attachment), store
            )
        if turn.attachment is not None:
            return [TextReply(messages.ATTACHMENT_OUTSIDE_FLOW, kind="info")]
        return self._answer_replies(session, text, store)

    # -- flows ----------------------------------------------------------------------------
    def _apply(self, session: Session, flow: Flow, step: FlowStep) -> list[Reply]:
        if step.done:
            session.flow = None
            session.flow_state = {}
        return step.replies

    def _start_flow(
        self, session: Session, flow: Flow, argument: str, store: TurnStore
    ) -> list[Reply]:
        replies: list[Reply] = []
        previous = self._by_name.get(session.flow or "")
        if previous is not None and previous is not flow:
            replies.append(TextReply(messages.flow_replaced(previous.command), kind="info"))
        session.flow = flow.name
        session.flow_state = {}
        ctx = self._context(session, store)
        step = flow.start(ctx, session.flow_state, argument)
        return replies + self._apply(session, flow, step)

    def _continue_flow(
        self, session: Session, flow: Flow, turn: Turn, store: TurnStore
    ) -> list[Reply]:
        ctx = self._context(session, store)
        step = flow.handle(ctx, session.flow_state, turn)
        if step.not_an_answer:
            replies = self._answer_replies(session, turn.text, store)
            return replies + step.replies + flow.reprompt(ctx, session.flow_state)
        return self._apply(session, flow, step)

    def _cancel(self, session: Session, store: TurnStore) -> list[Reply]:
        flow = self._by_name.get(session.flow or "")
        if flow is None:
            session.flow, session.flow_state = None, {}
            return [TextReply(messages.NOTHING_TO_CANCEL, kind="info")]
        said = flow.cancel(self._context(session, store), session.flow_state)
        session.flow, session.flow_state = None, {}
        details = [reply.text for reply in said if isinstance(reply, TextReply)]
        return [TextReply(messages.cancelled(" ".join(details)), kind="info")]

    # -- commands and buttons ---------------------------------------------------------------
    def _flow_starter(self, flow: Flow) -> CommandHandler:
        def start(call: CommandCall) -> list[Reply]:
            return self._start_flow(call.session, flow, call.argument, call.store)

        return start

    def _welcome(self, call: CommandCall) -> list[Reply]:
        return [TextReply(messages.WELCOME + help_text(self.commands), kind="info")]

    def _help(self, call: CommandCall) -> list[Reply]:
        return [TextReply(help_text(self.commands), kind="info")]

    def _sources(self, call: CommandCall) -> list[Reply]:
        return [TextReply(messages.sources_list(self.searcher.sources()), kind="info")]

    def _glossary(self, call: CommandCall) -> list[Reply]:
        glossary = self.searcher.glossary()
        return [TextReply(messages.glossary_text(glossary, call.argument), kind="info")]

    def _offer_erasure(self, call: CommandCall) -> list[Reply]:
        return [
            ChoiceReply(
                messages.CONFIRM_ERASE,
                (
                    Option("Oui, tout effacer", EraseData(confirmed=True)),
                    Option("Non, garder mes données", EraseData(confirmed=False)),
                ),
            )
        ]

    def _core_action(self, session: Session, action: CoreAction, store: TurnStore) -> list[Reply]:
        """A button outside any dialogue (never bound to a question: no token to check)."""
        match action:
            case EraseData(confirmed=True):
                store.delete_user_data(session.user_id)
                session.flow, session.flow_state = None, {}
                session.history, session.profile = [], {}
                return [TextReply(messages.ERASED, kind="info")]
            case EraseData(confirmed=False):
                return [TextReply(messages.ERASE_CANCELLED, kind="info")]
            case RateAnswer(feedback_id, useful):
                # A front end learns from the kind whether the rating was recorded: "stale"
                # when it was not (someone else's answer in a group, or an unknown one).
                if store.rate_feedback(feedback_id, session.user_id, 1 if useful else -1):
                    return [TextReply(messages.FEEDBACK_THANKS, kind="info")]
            case ShowSources(feedback_id):
                for entry in reversed(session.history):
                    if entry.get("id") == feedback_id:
                        return [TextReply(messages.cited_excerpts(entry.get("sources", "")))]
                return [TextReply(messages.STALE_BUTTON)]  # gone from the history
            case ShowDetails(flow_name, argument) if flow_name in self._by_name:
                flow = self._by_name[flow_name]
                shown = flow.details(self._context(session, store), argument)
                return shown or [TextReply(messages.STALE_DETAILS, kind="stale")]
        # a rating not recorded, or details of a flow this assistant does not have
        return [TextReply(messages.STALE_BUTTON, kind="stale")]

    def resume(self, user_id: str) -> list[Reply]:
        """Replies that bring a returning user back to the pending question, if any."""
        return self._resume(user_id, messages.RESUMING)

    def resume_interrupted(self, user_id: str) -> list[Reply]:
        """For a user whose last replies may not have reached them (the process stopped
        between saving a turn and sending its replies): « Reprenons : … », what was recorded
        last, and the pending question. Nothing when no dialogue is in progress."""
        return self._resume(user_id, messages.RESUMING_AFTER_RESTART, recap=True)

    def _resume(self, user_id: str, intro: str, recap: bool = False) -> list[Reply]:
        session = self.store.load_session(user_id)
        flow = self._by_name.get(session.flow or "")
        if flow is None:
            return []
        store = TurnStore(self.store, user_id)  # read only: nothing is committed
        ctx = self._context(session, store)
        said = flow.recap(ctx, session.flow_state) if recap else None
        text = f"{intro}\n{said}" if said else intro
        replies = [TextReply(text, kind="info"), *flow.reprompt(ctx, session.flow_state)]
        return self._bind(session, store, replies)
