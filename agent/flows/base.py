"""The shape every guided dialogue (eligibility interview, drafting interview…) follows.

A flow is stateless code: everything it remembers lives in ``state`` (``session.flow_state``,
a JSON-serialisable dict) which the assistant saves after every turn. A flow receives its
services (rule engine, renderer…) in its constructor from the composition root.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from agent.store import Store
from agent.turns import Reply, Session, Turn


@dataclass
class FlowContext:
    session: Session
    store: Store
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
