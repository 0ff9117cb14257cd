"""Long polling that confirms an update to Telegram only once its turn is over.

Telegram forgets every update below the ``offset`` of a ``getUpdates`` call. PTB's own polling
asks for the next batch as soon as a batch is queued, so a process killed mid-turn has already
confirmed the updates it was processing and those queued behind them: they are lost. Here the
offset never passes an update still in flight (``min(in_flight)``), so after a crash Telegram
delivers them again; the assistant drops the ones it had already committed (their ids are saved
with the session, in the same transaction as the turn), so each is processed exactly once.

While updates are in flight, ``getUpdates`` returns them again at once: the loop then waits for
one to finish (at most ``BUSY_POLL`` seconds) before asking again, and ignores the ones it holds.
Updates of different users are processed concurrently, one user's in order (see ``ordering``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram import Update
from telegram.error import Forbidden, InvalidToken, TelegramError

from bot.telegram.app import on_startup, runtime_of
from bot.telegram.ordering import PerUserUpdateProcessor
from bot.telegram.restart import housekeeping

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates call open when nothing is pending
BUSY_POLL = 1.0  # seconds between two calls while updates are in flight
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class Poller:
    """Feeds the application's update queue from ``getUpdates``; see the module docstring."""

    def __init__(
        self,
        application: Any,
        processor: PerUserUpdateProcessor,
        allowed_updates: list[str],
        poll_timeout: int = POLL_TIMEOUT,
    ) -> None:
        self.app = application
        self.processor = processor
        self.allowed_updates = allowed_updates
        self.poll_timeout = poll_timeout
        self.in_flight: set[int] = set()
        self.seen: int | None = None  # the highest update id received
        self._progress = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """What Telegram may forget: everything below the oldest update still in flight."""
        if self.in_flight:
            return min(self.in_flight)
        return None if self.seen is None else self.seen + 1

    def _done(self, update: object) -> None:
        if isinstance(update, Update):
            self.in_flight.discard(update.update_id)
            self._progress.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set."""
        await self.app.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        self.processor.add_done_listener(self._done)
        failures = 0
        try:
            while not stop.is_set():
                try:
                    updates = await self._fetch(stop)
                except (InvalidToken, Forbidden):
                    raise
                except TelegramError as exc:  # network down, Telegram busy, another poller
                    delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                    failures += 1
                    logger.warning("getUpdates failed (%s), retrying in %.0f s", exc, delay)
                    await _sleep_unless(stop, delay)
                    continue
                failures = 0
                fresh = [u for u in updates if self.seen is None or u.update_id > self.seen]
                for update in fresh:
                    self.in_flight.add(update.update_id)
                    self.seen = update.update_id
                    await self.app.update_queue.put(update)
                if not fresh and self.in_flight:
                    self._progress.clear()
                    await _sleep_unless(stop, BUSY_POLL, self._progress)
        finally:
            self.processor.remove_done_listener(self._done)

    async def _fetch(self, stop: asyncio.Event) -> list[Update]:
        timeout = 0 if self.in_flight else self.poll_timeout
        call = asyncio.ensure_future(
            self.app.bot.get_updates(
                offset=self.offset, timeout=timeout, allowed_updates=self.allowed_updates
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({call, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if call not in done:  # stopping: what this call would return comes again next time
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await call
            return []
        return list(call.result())

    async def confirm(self) -> None:
        """Once processing has stopped: confirm every update done, so that a clean restart
        does not receive them again (they would be dropped as duplicates anyway)."""
        if self.seen is None or self.offset is None:
            return
        try:
            await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except TelegramError as exc:
            logger.info("processed updates not confirmed at shutdown: %s", exc)


async def _sleep_unless(
    stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None
) -> None:
    """Sleep ``seconds``, or less when ``stop`` (or ``wake``) is set."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (a graceful shutdown)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def serve_polling(application: Any, allowed_updates: list[str]) -> None:
    """Run until SIGINT / SIGTERM: resume interrupted dialogues, then poll.

    Shutdown is graceful: polling stops, the updates already received are processed
    (``Application.stop``), then confirmed.
    """
    stop = asyncio.Event()
    stop_on_signals(stop)
    processor = application.update_processor
    assert isinstance(processor, PerUserUpdateProcessor)
    async with application:
        await on_startup(application)
        await application.start()
        poller = Poller(application, processor, allowed_updates)
        logger.info("long polling started")
        try:
            async with housekeeping(runtime_of(application)):
                await poller.run(stop)
        finally:
            logger.info("polling: stopping, finishing the updates in progress")
            await application.stop()
            await poller.confirm()
            logger.info("polling: stopped")
