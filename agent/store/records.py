"""The records a store keeps, and the pure helpers every store implementation shares.

Import them from ``agent.store``, which re-exports them next to the ``Store`` protocol; they live
here so that the shared SQL code (``agent.store.sql``) can use them without an import cycle.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from agent.turns import Session


@dataclass(frozen=True)
class Draft:
    draft_id: str
    user_id: str
    doc_type: str  # "fiche_projet" | "lettre_engagement"
    title: str
    answers: dict[str, Any]
    created: str
    updated: str


@dataclass(frozen=True)
class UserRecord:
    user_id: str
    status: str  # "allowed" | "pending" | "revoked" | "denied"
    display_name: str
    updated: str


@dataclass(frozen=True)
class Delivery:
    """A front end's bookkeeping of one user's replies, kept beside the session.

    ``undelivered``: the update whose replies were committed but not yet confirmed sent (None
    once they were); ``question_message``: the message showing the pending question's buttons.
    """

    user_id: str
    undelivered: int | None
    question_message: int | None


@dataclass(frozen=True)
class Erased:
    """What ``Store.erase_user`` removed."""

    sessions: int = 0
    drafts: int = 0
    feedback: int = 0
    user: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.sessions or self.drafts or self.feedback or self.user)


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    user_id: str
    question: str
    answer: str
    sources: list[str]
    rating: int | None  # +1 / -1, None until rated
    created: str


# -- the writes of one turn, applied with the session in one transaction (Store.commit_turn) --
@dataclass(frozen=True)
class SaveDraft:
    draft: Draft


@dataclass(frozen=True)
class MergeDraftAnswers:
    user_id: str
    draft_id: str
    answers: dict[str, Any]
    title: str | None


@dataclass(frozen=True)
class DeleteDraft:
    user_id: str
    draft_id: str


@dataclass(frozen=True)
class AddFeedback:
    feedback: Feedback


@dataclass(frozen=True)
class DeleteUserData:
    user_id: str


Write = SaveDraft | MergeDraftAnswers | DeleteDraft | AddFeedback | DeleteUserData


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def merged_draft(draft: Draft, answers: dict[str, Any], title: str | None) -> Draft:
    """``draft`` with ``answers`` merged in (new keys appended, existing keys replaced)."""
    return replace(
        draft,
        answers={**draft.answers, **answers},
        title=draft.title if title is None else title,
        updated=now_iso(),
    )


def session_to_json(session: Session) -> str:
    data = asdict(session)
    data.pop("version", None)
    return json.dumps(data, ensure_ascii=False)


def session_from_data(user_id: str, data: dict[str, Any], version: int) -> Session:
    """The session stored as ``data`` (the decoded ``session_to_json`` document)."""
    return Session(**{**data, "user_id": user_id, "version": version})
