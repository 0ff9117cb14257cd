"""The shape every guided dialogue (eligibility interview, drafting interview…) follows.

A flow is stateless code: everything it remembers lives in ``state`` (``session.flow_state``,
a JSON-serialisable dict) which the assistant saves after every turn. A flow receives its
services (rule engine, renderer…) in its constructor from the composition root.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

from agent.store import Draft
from agent.turns import Reply, Session, Turn


class DialogueStore(Protocol):
    """What flows read and write: the user's drafts (``agent.store.turn_store.TurnStore`` during a
    turn, so that every write lands with the session in one transaction)."""

    def save_draft(self, draft: Draft) -> None: ...
    def get_draft(self, user_id: str, draft_id: str) -> Draft | None: ...
    def list_drafts(self, user_id: str) -> list[Draft]: ...
    def delete_draft(self, user_id: str, draft_id: str) -> bool: ...


@dataclass
class FlowContext:
    session: Session
    store: DialogueStore
    today: date
    answer_question: Callable[[str], list[Reply]]  # grounded answer to a free question


@dataclass
class FlowStep:
    replies: list[Reply] = field(default_factory=list)
    done: bool = False  # the flow is finished: the assistant clears session.flow
    not_an_answer: bool = False  # input is a free question: answer it, then re-ask (reprompt)


class Flow(ABC):
    """One guided dialogue. ``name`` is stored in ``session.flow``."""

    name: ClassVar[str]
    command: ClassVar[str]  # e.g. "/eligibilite"
    description: ClassVar[str]  # French, one line, for /aide and Telegram's command list
    accepts_attachments: ClassVar[bool] = False  # True: an answers file is a valid input

    @abstractmethod
    def start(self, ctx: FlowContext, state: dict[str, Any], argument: str) -> FlowStep:
        """Begin the dialogue; ``argument`` is the text after the command (may be empty)."""

    @abstractmethod
    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        """Take one input (text or button action) and return what to say next."""

    @abstractmethod
    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        """Ask the pending question again (after a free question or a restart)."""

    def cancel(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        """Called on /annuler; the default just forgets the state."""
        return []

    def question_token(self, ctx: FlowContext, state: dict[str, Any]) -> str:
        """A short name of the pending question: the buttons shown with it carry it back, and
        a press whose token differs from the current one is refused as stale.

        It must change whenever the pending question changes, and stay the same while the
        same question waits (asked again after a free question or a restart). The default
        hashes the whole state; flows whose question also depends on stored data override it.
        """
        return question_token(self.name, json.dumps(state, sort_keys=True, default=str))

    def recap(self, ctx: FlowContext, state: dict[str, Any]) -> str | None:
        """One line recalling the last answer recorded (after a restart), if the flow has one."""
        return None

    def details(self, ctx: FlowContext, argument: str) -> list[Reply] | None:
        """Replies for a « Détails » button shown under a finished dialogue's result (the
        ``argument`` is what the flow put in the button); None when it no longer applies."""
        return None


BUTTON_LIMIT = 30  # characters of a button label: longer ones are cut on a phone


def button_label(label: str, short: str = "") -> str:
    """A button label that fits a phone (``BUTTON_LIMIT`` characters at most); a flow that
    shortens a label shows the full text in its question."""
    if len(label) <= BUTTON_LIMIT:
        return label
    if short and len(short) <= BUTTON_LIMIT:
        return short
    return label[: BUTTON_LIMIT - 1].rstrip() + "…"


def question_token(*parts: str) -> str:
    """8 hexadecimal characters naming a question (``Flow.question_token``)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=4).hexdigest()
