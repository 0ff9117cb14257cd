"""Sending to Telegram robustly: retries with back-off, chat actions, parse-error fallbacks.

``RetryAfter`` (flood control) is retried by PTB's ``AIORateLimiter``; timeouts and network errors
are retried here with exponential back-off. ``BadRequest`` and ``Forbidden`` are not transient and
go to the error handler, except the two this module can mend itself: an HTML parse error (sent
again as plain text) and a message still too long (split again, smaller).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.telegram.rendering import OutDocument, Outgoing, OutText, escape, split_text

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_DELAYS = (0.5, 1.0, 2.0)
CHAT_ACTION_EVERY = 4.5  # Telegram shows an action for 5 s
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CALLBACK_ANSWER_LIMIT = 200  # characters of a toast


async def with_retry(call: Callable[[], Awaitable[T]], what: str = "request") -> T:
    """Await ``call()``, retrying timeouts and network errors (not ``BadRequest``)."""
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:  # includes TimedOut
            logger.warning("%s failed (%s), retrying in %.1f s", what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
    return await call()


async def answer_query(
    query: CallbackQuery, text: str | None = None, show_alert: bool = False
) -> bool:
    """Answer a button press (stop the client's spinner, maybe a toast).

    False when Telegram refuses the answer: a press queued while the bot was down or busy is
    "too old" to answer, which must not lose the press itself.
    """
    try:
        await query.answer(text[:CALLBACK_ANSWER_LIMIT] if text else None, show_alert=show_alert)
    except BadRequest as exc:
        logger.info("button press not answered: %s", exc.message)
        return False
    return True


async def retire_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove a message's buttons (best effort: already gone, deleted or too old is fine)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except (BadRequest, Forbidden) as exc:
        logger.debug("buttons of message %s not removed: %s", message_id, exc.message)


async def send_chat_action(bot: Bot, chat_id: int, action: str) -> None:
    """A best-effort indicator: a failure is logged, never raised."""
    try:
        await bot.send_chat_action(chat_id, action)
    except TelegramError as exc:
        logger.debug("chat action %s failed: %s", action, exc)


@contextlib.asynccontextmanager
async def chat_action(
    bot: Bot, chat_id: int, action: str = ChatAction.TYPING, delay: float = 0.0
) -> AsyncIterator[None]:
    """Show ``action`` (e.g. "typing…") while the block runs, after ``delay`` seconds.

    The delay spares Telegram's 30 requests/s budget: an answer ready at once needs no indicator.
    """

    async def repeat() -> None:
        await asyncio.sleep(delay)
        while True:
            await send_chat_action(bot, chat_id, action)
            await asyncio.sleep(CHAT_ACTION_EVERY)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def say(
    bot: Bot, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send a plain French text (escaped, split if needed), the keyboard under its last part."""
    pieces = split_text(text)
    return await deliver(
        bot,
        chat_id,
        [
            OutText(escape(piece), keyboard if number == len(pieces) else None)
            for number, piece in enumerate(pieces, start=1)
        ],
    )


async def deliver(bot: Bot, chat_id: int, items: Sequence[Outgoing]) -> list[Message]:
    """Send the rendered messages in order; return what Telegram acknowledged."""
    sent: list[Message] = []
    for item in items:
        if isinstance(item, OutDocument):
            sent.append(await send_document(bot, chat_id, item))
        else:
            sent += await send_text(bot, chat_id, item)
    return sent


async def send_document(bot: Bot, chat_id: int, item: OutDocument) -> Message:
    await send_chat_action(bot, chat_id, ChatAction.UPLOAD_DOCUMENT)

    def upload() -> Awaitable[Message]:
        document = InputFile(item.content, filename=item.filename)
        document.mimetype = item.mime or document.mimetype
        return bot.send_document(
            chat_id, document, caption=item.caption_html or None, parse_mode=ParseMode.HTML
        )

    return await with_retry(upload, "sendDocument")


async def send_text(bot: Bot, chat_id: int, item: OutText) -> list[Message]:
    try:
        message = await with_retry(
            lambda: bot.send_message(
                chat_id,
                item.html,
                parse_mode=ParseMode.HTML,
                reply_markup=item.keyboard,
                link_preview_options=NO_PREVIEW,
            ),
            "sendMessage",
        )
    except BadRequest as exc:
        reason = exc.message.lower()
        if "parse entities" not in reason and "too long" not in reason:
            raise
        logger.warning("message rejected (%s): sending it again as plain text", exc.message)
        return await _send_plain(bot, chat_id, html.unescape(item.html), item)
    return [message]


async def _send_plain(bot: Bot, chat_id: int, text: str, item: OutText) -> list[Message]:
    pieces = split_text(text, limit=3000)
    sent = []
    for number, piece in enumerate(pieces, start=1):
        keyboard = item.keyboard if number == len(pieces) else None
        sent.append(
            await with_retry(
                lambda p=piece, k=keyboard: bot.send_message(  # type: ignore[misc]
                    chat_id, p, reply_markup=k, link_preview_options=NO_PREVIEW
                ),
                "sendMessage",
            )
        )
    return sent
