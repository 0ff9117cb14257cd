"""What crosses the border between a front end and the assistant: one turn in, replies out.

Replies are plain data so that the terminal, the CLI and Telegram render the same conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.actions import Action


@dataclass(frozen=True)
class Attachment:
    """A file sent by the user (e.g. an answers file for drafting)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Turn:
    """One user input.

    ``user_id`` is qualified by channel (``"tg:123"``, ``"cli:local"``) so users of two channels
    never share a session. ``text`` holds free text or a command (``"/eligibilite"``);
    ``action`` holds the action of a button the user pressed (an ``Option.action``, see
    ``agent.actions``) and ``token`` the question that button belonged to (see
    ``ChoiceReply.token``): a press for a question no longer pending is refused as stale.
    ``update_id`` identifies the delivery (the same update delivered twice is processed once);
    a channel without one leaves it None.
    """

    user_id: str
    text: str = ""
    action: Action | None = None
    attachment: Attachment | None = None
    token: str | None = None  # the ``ChoiceReply.token`` of the keyboard a pressed button was on
    update_id: int | None = None  # the channel's delivery id (Telegram update_id), for dedupe

    @property
    def pick(self) -> str | None:
        """The pressed button's answer to a dialogue's pending question (a flow's own action),
        None when no such button was pressed."""
        return self.action if isinstance(self.action, str) else None


@dataclass(frozen=True)
class SourceRef:
    """A cited source as shown to users (a channel-neutral copy of a retrieval citation)."""

    number: int
    source_id: str
    title: str
    section: str
    url: str
    checked: str  # when the project last reviewed the note (not shown to users as a claim)
    published: str | None = None
    uncertain: bool = False
    excerpt: str = ""
    evidence: str | None = None  # ISO date of the note's newest evidence (agent.evidence_dates)


@dataclass(frozen=True)
class TextReply:
    """A message. ``sources`` lists the citations its ``[n]`` markers point to.

    ``kind="stale"`` refuses a button press that no longer applies (a question no longer
    pending, an answer that is not the user's to rate, details of an older result): nothing
    changed, and a front end shows it as a passing notice (Telegram: a toast), not as a message.
    ``kind="privacy"``: the turn seemed to carry patient data and was not processed (nothing
    stored); a front end may add what it can do about the user's message (e.g. delete it).
    ``styled`` texts are written by the assistant itself and may mark **strong** spans with
    double asterisks; front ends render them (Telegram: bold) or drop the asterisks.

    ``refine``, on an answer when a language model is configured, is the slow second step: a
    blocking call (run it in a worker thread, after sending this reply) that returns the
    model's checked rewording as the reply to show instead, or None to keep this one.
    """

    text: str
    sources: tuple[SourceRef, ...] = ()
    kind: Literal["answer", "info", "error", "question", "stale", "privacy"] = "info"
    feedback_id: str | None = None  # set on grounded answers, for 👍 / 👎
    styled: bool = False
    options: tuple[Option, ...] = ()  # buttons under the message that answer no question
    # (``agent.actions.CoreAction``s such as « Détails »)
    refine: Callable[[], TextReply | None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Option:
    """A button: a dialogue's answer (``str``) or a request to the core (``agent.actions``)."""

    label: str
    action: Action


@dataclass(frozen=True)
class ChoiceReply:
    """A question with buttons; the user may also type one of the labels.

    ``token`` names the question these buttons answer (set by the assistant while a dialogue
    runs): a front end sends it back with the pressed option (``Turn.token``), so a button of a
    question that is no longer pending changes nothing.
    """

    question: str
    options: tuple[Option, ...]
    token: str | None = None


@dataclass(frozen=True)
class DocumentReply:
    filename: str
    content: bytes
    mime: str
    caption: str = ""


Reply = TextReply | ChoiceReply | DocumentReply


@dataclass
class Session:
    """Everything the assistant remembers about one user between turns (JSON-serialisable)."""

    user_id: str
    flow: str | None = None
    flow_state: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, str]] = field(default_factory=list)  # last questions/answers
    profile: dict[str, Any] = field(
        default_factory=dict
    )  # eligibility profile, reused by drafting
    version: int = 0  # optimistic-concurrency counter, bumped by the store on each save
    recent_updates: list[int] = field(default_factory=list)  # last update ids processed
