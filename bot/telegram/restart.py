"""What the bot does when it (re)starts, and every few hours while it runs.

- Resume interrupted dialogues: a turn is committed before its replies are sent; if the process
  died in between (SIGKILL, OOM, power loss), the user saw nothing. The store remembers whose
  replies were not confirmed sent (``Store.list_undelivered``): each such user with a dialogue
  in progress gets « Reprenons : … », the last answer recorded and the pending question, before
  any new update is read.
- Forget the access requests denied more than ``CARE_FORGET_DENIED_DAYS`` days ago.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.error import TelegramError

from agent.erasure import forget_denied
from agent.turns import Reply
from bot.telegram.access import telegram_id
from bot.telegram.delivery import deliver, retire_buttons
from bot.telegram.rendering import OutText, render
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

FORGET_EVERY = 6 * 3600.0  # seconds between two passes forgetting old refusals


async def resume_interrupted(bot: Bot, runtime: BotRuntime) -> int:
    """Send « Reprenons » to the users whose last replies may not have reached them; how many."""
    store, resumed = runtime.store, 0
    for pending in await asyncio.to_thread(store.list_undelivered):
        chat = telegram_id(pending.user_id)
        if chat is None:
            continue  # another channel's user: not ours to resume
        question = pending.question_message
        allowed = await asyncio.to_thread(runtime.access.is_allowed, chat)
        replies = (
            await asyncio.to_thread(runtime.assistant.resume_interrupted, pending.user_id)
            if allowed
            else []
        )
        if replies:
            try:
                question = await _send(bot, chat, replies, question)
            except TelegramError as exc:  # e.g. the user blocked the bot meanwhile
                logger.warning("user %s not resumed after the restart: %s", chat, exc)
            else:
                resumed += 1
        await asyncio.to_thread(
            store.mark_delivered, pending.user_id, pending.undelivered, question
        )
    if resumed:
        logger.info("%d interrupted dialogue(s) resumed after the restart", resumed)
    return resumed


async def _send(bot: Bot, chat: int, replies: list[Reply], previous: int | None) -> int | None:
    question = previous
    for item in render(replies):
        messages = await deliver(bot, chat, [item])
        if isinstance(item, OutText) and item.question and messages:
            question = messages[-1].message_id
    if previous is not None and question != previous:
        await retire_buttons(bot, chat, previous)
    return question


async def forget_denied_requests(runtime: BotRuntime) -> None:
    days = runtime.settings.care_forget_denied_days
    try:
        await asyncio.to_thread(forget_denied, runtime.store, days)
    except Exception:  # a failure here must never stop the bot; the next pass retries
        logger.exception("denied access requests could not be forgotten")


async def forget_denied_periodically(runtime: BotRuntime) -> None:
    """Forever: forget old refusals every ``FORGET_EVERY`` seconds (cancelled at shutdown)."""
    while True:
        await asyncio.sleep(FORGET_EVERY)
        await forget_denied_requests(runtime)


@contextlib.asynccontextmanager
async def housekeeping(runtime: BotRuntime) -> AsyncIterator[None]:
    """Run ``forget_denied_periodically`` while the block runs."""
    task = asyncio.create_task(forget_denied_periodically(runtime))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
