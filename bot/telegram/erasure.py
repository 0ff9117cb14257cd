"""/supprimer_mes_donnees for people without access (pending, refused or revoked).

They cannot talk to the assistant, but the bot keeps something about them (their request and
display name, and for a revoked user their past conversations and drafts): they may erase it.
Users with access go through the assistant's own /supprimer_mes_donnees. A pending request is
withdrawn; a refusal or a revocation is kept, without the name, so that erasing does not undo an
administrator's decision (a refusal is itself forgotten after ``CARE_FORGET_DENIED_DAYS``).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from agent.erasure import erase_user
from agent.store import Erased
from bot.telegram import texts
from bot.telegram.access import PENDING, assistant_user_id
from bot.telegram.delivery import answer_query, say
from bot.telegram.gate import Gate

logger = logging.getLogger(__name__)

ERASE_YES, ERASE_NO = "tg!erase:yes", "tg!erase:no"


class Erasure:
    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.rt = gate.rt

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CallbackQueryHandler(self.button, pattern=r"^tg!erase:"))

    async def outsider(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Offer the erasure to a sender without access; False when they have access (the
        assistant then handles the command)."""
        user = self.gate.sender(update)
        if user is None or await asyncio.to_thread(self.rt.access.is_allowed, user.id):
            return False
        if not await self.gate.within_rate(update, context):
            return True
        status = await asyncio.to_thread(self.rt.access.status, user.id)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(texts.ERASE_YES_BUTTON, callback_data=ERASE_YES),
                    InlineKeyboardButton(texts.ERASE_NO_BUTTON, callback_data=ERASE_NO),
                ]
            ]
        )
        assert update.effective_chat is not None
        await say(context.bot, update.effective_chat.id, texts.outsider_erase(status), keyboard)
        logger.info("update %s: erasure offered to a user without access", update.update_id)
        return True

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not await self.gate.within_rate(update, context):
            return
        user = query.from_user
        if query.data != ERASE_YES:
            await answer_query(query)
            await self._conclude(query.message, texts.ERASE_KEPT, context, user.id)
            return
        erased = await asyncio.to_thread(self.erase, user.id)
        await answer_query(query)
        await self._conclude(query.message, texts.erased_outsider(erased), context, user.id)
        logger.info("update %s: a user erased their data", update.update_id)

    def erase(self, user: int) -> Erased:
        """Erase what the bot keeps of ``user``; their access decision stays, unless it was a
        pending request (withdrawn)."""
        status = self.rt.access.status(user)
        keep = status is not None and status != PENDING
        return erase_user(self.rt.store, assistant_user_id(user), keep_access=keep)

    @staticmethod
    async def _conclude(
        message: object, text: str, context: ContextTypes.DEFAULT_TYPE, chat: int
    ) -> None:
        if isinstance(message, Message):
            try:
                await message.edit_text(text)
                return
            except BadRequest as exc:
                logger.debug("erasure message not edited: %s", exc.message)
        await say(context.bot, chat, text)
