"""Several updates from one user are processed in arrival order; different users concurrently.

PTB's update processor hook: every update runs inside a per-user FIFO lock. Locks exist only while
updates of that user are pending, so memory does not grow with the number of users. Listeners
learn when an update is done (processed, successfully or not): the polling loop confirms it to
Telegram only then, the webhook answers Telegram only then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class _UserLock:
    __slots__ = ("lock", "pending")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.pending = 0


def _user_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users, sequential (FIFO) for one user."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, _UserLock] = {}
        self._listeners: list[Callable[[object], None]] = []

    def add_done_listener(self, listener: Callable[[object], None]) -> None:
        """``listener(update)`` is called once each update is done (never raises into PTB)."""
        self._listeners.append(listener)

    def remove_done_listener(self, listener: Callable[[object], None]) -> None:
        self._listeners.remove(listener)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_order(update, coroutine)
        finally:
            for listener in list(self._listeners):
                listener(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_key(update)
        if key is None:
            await coroutine
            return
        entry = self._locks.setdefault(key, _UserLock())
        entry.pending += 1
        try:
            async with entry.lock:
                await coroutine
        finally:
            entry.pending -= 1
            if entry.pending == 0:
                del self._locks[key]

    @property
    def users_in_progress(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
