"""What crosses the border between a front end and the assistant: one turn in, replies out.

Replies are plain data so that the terminal, the CLI and Telegram render the same conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


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
    ``action`` holds the payload of a button the user pressed (an ``Option.action``).
    """

    user_id: str
    text: str = ""
    action: str | None = None
    attachment: Attachment | None = None


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
    """A message. ``sources`` lists the citations its ``[n]`` markers point to."""

    text: str
    sources: tuple[SourceRef, ...] = ()
    kind: Literal["answer", "info", "error", "question"] = "info"
    feedback_id: str | None = None  # set on grounded answers, for 👍 / 👎


@dataclass(frozen=True)
class Option:
    label: str
    action: str


@dataclass(frozen=True)
class ChoiceReply:
    """A question with buttons; the user may also type one of the labels."""

    question: str
    options: tuple[Option, ...]


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
