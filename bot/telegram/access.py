"""Who may use the bot: administrators and allowed users, persisted in the store.

``CARE_ALLOWED_USERS`` and ``CARE_ADMINS`` seed the allowlist once: a user already known to the
store keeps their status, so a revocation survives a restart. Administrators from the
configuration are always allowed and cannot be revoked from Telegram.

Synchronous (the store is); handlers call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import Enum

from agent.erasure import DENIED
from agent.input_text import clean_text
from agent.store import Store, UserRecord

logger = logging.getLogger(__name__)

ALLOWED, PENDING, REVOKED = "allowed", "pending", "revoked"
PREFIX = "tg:"
NAME_LIMIT = 64  # characters of a display name kept and shown to administrators


def clean_name(name: str) -> str:
    """A display name as kept and shown: no control or direction characters, one line,
    ``NAME_LIMIT`` characters at most (the name is chosen by whoever asks)."""
    text = " ".join(clean_text(name).split())
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def assistant_user_id(telegram_id: int) -> str:
    """The assistant's user id for a Telegram user (the same in private and group chats)."""
    return f"{PREFIX}{telegram_id}"


def telegram_id(user_id: str) -> int | None:
    if not user_id.startswith(PREFIX):
        return None
    try:
        return int(user_id.removeprefix(PREFIX))
    except ValueError:
        return None


class RequestOutcome(Enum):
    SENT = "sent"
    PENDING = "pending"
    REVOKED = "revoked"
    DENIED = "denied"
    ALLOWED = "allowed"


class AccessControl:
    def __init__(self, store: Store, allowed: Iterable[int], admins: Iterable[int]) -> None:
        self.store = store
        self.admins = frozenset(admins)
        self.seeded = frozenset(allowed) | self.admins

    def seed(self) -> int:
        """Record the configured users the store does not know yet; return how many."""
        added = 0
        for user in sorted(self.seeded):
            if self.store.get_user(assistant_user_id(user)) is None:
                self.store.set_user(assistant_user_id(user), ALLOWED)
                added += 1
        if added:
            logger.info("allowlist seeded with %d configured users", added)
        return added

    def is_admin(self, user: int) -> bool:
        return user in self.admins

    def status(self, user: int) -> str | None:
        record = self.store.get_user(assistant_user_id(user))
        return record.status if record else None

    def is_allowed(self, user: int) -> bool:
        return self.is_admin(user) or self.status(user) == ALLOWED

    def request(self, user: int, display_name: str) -> RequestOutcome:
        """Record an access request from an unknown user."""
        status = self.status(user)
        if self.is_admin(user) or status == ALLOWED:
            return RequestOutcome.ALLOWED
        if status == PENDING:
            return RequestOutcome.PENDING
        if status == REVOKED:
            return RequestOutcome.REVOKED
        if status == DENIED:
            return RequestOutcome.DENIED
        self.store.set_user(assistant_user_id(user), PENDING, clean_name(display_name))
        return RequestOutcome.SENT

    def allow(self, user: int, display_name: str = "") -> None:
        self.store.set_user(assistant_user_id(user), ALLOWED, clean_name(display_name))

    def deny(self, user: int) -> bool:
        """Refuse a pending request (forgotten after ``CARE_FORGET_DENIED_DAYS``); False for a
        configured administrator."""
        if self.is_admin(user):
            return False
        self.store.set_user(assistant_user_id(user), DENIED)
        return True

    def revoke(self, user: int) -> bool:
        """False when the user is a configured administrator (not revocable from Telegram)."""
        if self.is_admin(user):
            return False
        self.store.set_user(assistant_user_id(user), REVOKED)
        return True

    def users(self) -> list[UserRecord]:
        return [u for u in self.store.list_users() if u.user_id.startswith(PREFIX)]
