"""The records a store keeps, and the pure helpers every store implementation shares.

Import them from ``agent.store``, which re-exports them next to the ``Store`` protocol; they live
here so that the shared SQL code (``agent.store_sql``) can use them without an import cycle.
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
    status: str  # "allowed" | "pending" | "revoked"
    display_name: str
    updated: str


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    user_id: str
    question: str
    answer: str
    sources: list[str]
    rating: int | None  # +1 / -1, None until rated
    created: str


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
