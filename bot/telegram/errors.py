"""The one error handler: any failure → the cause logged, one French apology; the bot goes on.

Telegram API errors that no apology can mend are recognised: a user who blocked the bot
(``Forbidden``), a chat that no longer exists, a network failure of the polling loop (PTB retries
it). The log carries the update id, never the update's content.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.telegram import texts
from bot.telegram.delivery import say
from bot.telegram.runtime import Metrics
from care_errors import CareError

logger = logging.getLogger(__name__)


class ErrorHandler:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        if not isinstance(update, Update):
            # Raised outside an update: the polling loop or a background task. PTB retries
            # network failures of the polling loop by itself.
            level = logging.WARNING if isinstance(error, NetworkError) else logging.ERROR
            logger.log(level, "error outside an update: %r", error, exc_info=error)
            return
        self.metrics.errors += 1
        if isinstance(error, Forbidden):
            logger.info(
                "update %s: the bot cannot write to this chat (%s)", update_id, error.message
            )
            return
        if isinstance(error, BadRequest) and "chat not found" in error.message.lower():
            logger.warning("update %s: chat not found", update_id)
            return
        if isinstance(error, CareError):
            logger.error("update %s failed: %s", update_id, error, exc_info=error)
            message = error.user_message
        else:
            kind = "Telegram API" if isinstance(error, TelegramError) else "internal"
            logger.error("update %s failed (%s error)", update_id, kind, exc_info=error)
            message = texts.GENERIC_APOLOGY
        await self._apologise(update, context, message, flood=isinstance(error, RetryAfter))

    async def _apologise(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str, flood: bool
    ) -> None:
        chat = update.effective_chat
        if chat is None or flood:
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:
                logger.debug("callback query not answered: %s", exc)
        try:
            await say(context.bot, chat.id, message)
        except TelegramError as exc:
            logger.warning(
                "update %s: the apology could not be sent either: %s", update.update_id, exc
            )
