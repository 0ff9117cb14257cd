"""Erasing a user's data so that it is gone from the files too, and forgetting old refusals.

Used by every way in: the user's own /supprimer_mes_donnees (with or without access), an
administrator's /effacer, ``care-bot erase-user``, and the periodic forgetting of access
requests denied more than N days ago. Each deletion is followed by ``Store.scrub``: SQLite
keeps deleted text in free pages and in its write-ahead log until then.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from agent.store import Erased, Store

logger = logging.getLogger(__name__)

DENIED = "denied"


def erase_user(store: Store, user_id: str, *, keep_access: bool) -> Erased:
    """Delete what ``user_id`` said and wrote, and their name; ``keep_access`` keeps the
    access decision about them (allowed, revoked, denied) without the name."""
    erased = store.erase_user(user_id, keep_access=keep_access)
    store.scrub()
    logger.info(
        "data of %s erased: %d session(s), %d draft(s), %d feedback(s), user record %s",
        user_id,
        erased.sessions,
        erased.drafts,
        erased.feedback,
        "updated" if erased.user and keep_access else "deleted" if erased.user else "absent",
    )
    return erased


def forget_denied(store: Store, days: int, now: datetime | None = None) -> list[str]:
    """Delete the access requests denied more than ``days`` days ago (with any data)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    forgotten = store.forget_users(DENIED, cutoff.isoformat(timespec="seconds"))
    if forgotten:
        store.scrub()
        logger.info("%d access request(s) denied before %s forgotten", len(forgotten), cutoff)
    return forgotten
