"""Admission of an update before the assistant sees it: rate limit, then access control.

An unauthorised user gets only the refusal (with a "demander l'accès" button in private chats
when administrators are configured); nothing they send reaches the assistant or the logs.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from agent.erasure import DENIED
from bot.telegram import texts
from bot.telegram.access import PENDING, REVOKED
from bot.telegram.delivery import answer_query, say
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

REQUEST_ACCESS = "tg!req"


async def notify(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A short notice: a toast for a button press, a message otherwise."""
    query = update.callback_query
    if query is not None and await answer_query(query, text, show_alert=len(text) > 60):
        return
    chat = update.effective_chat  # no toast possible: say it in the chat
    if chat is not None:
        await say(context.bot, chat.id, text)


class Gate:
    def __init__(self, runtime: BotRuntime) -> None:
        self.rt = runtime

    def sender(self, update: Update) -> User | None:
        user = update.effective_user
        if user is None or user.is_bot or update.effective_chat is None:
            return None
        return user

    async def within_rate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        user = self.sender(update)
        if user is None:
            if update.callback_query is not None:  # e.g. a press without its message
                await answer_query(update.callback_query)
            return False
        wait = self.rt.limiter.check(user.id)
        if wait is None:
            return True
        self.rt.metrics.rate_limited += 1
        logger.info("update %s: user %s rate-limited for %d s", update.update_id, user.id, wait)
        if self.rt.limiter.should_warn(user.id, wait):
            await notify(update, context, texts.too_many_messages(wait))
        elif update.callback_query is not None:
            await answer_query(update.callback_query)
        return False

    async def admit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
        """The sender when they may talk to the assistant; otherwise answer them and None."""
        if not await self.within_rate(update, context):
            return None
        user = self.sender(update)
        assert user is not None  # within_rate checked it
        if await asyncio.to_thread(self.rt.access.is_allowed, user.id):
            return user
        logger.info("update %s: refused user %s", update.update_id, user.id)
        await self.refuse(update, context, user)
        return None

    async def refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
        status = await asyncio.to_thread(self.rt.access.status, user.id)
        if status == PENDING:
            await notify(update, context, texts.REQUEST_PENDING)
            return
        if status == REVOKED:
            await notify(update, context, texts.REQUEST_REVOKED)
            return
        if status == DENIED:
            await notify(update, context, texts.REQUEST_DENIED)
            return
        chat = update.effective_chat
        private = chat is not None and chat.type == ChatType.PRIVATE
        if update.callback_query is not None or chat is None:
            await notify(update, context, texts.REFUSAL)
            return
        keyboard = None
        if not private:
            text = f"{texts.REFUSAL}\n\n{texts.REFUSAL_GROUP}"
        elif self.rt.access.admins:
            text = f"{texts.REFUSAL}\n\n{texts.REFUSAL_ASK}"
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton(texts.REQUEST_BUTTON, callback_data=REQUEST_ACCESS)]]
            )
        else:
            text = f"{texts.REFUSAL}\n\n{texts.REFUSAL_NO_ADMIN}"
        await say(context.bot, chat.id, text, keyboard)
