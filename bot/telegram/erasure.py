"""/supprimer_mes_donnees for people without access (pending, refused or revoked).

They cannot talk to the assistant, but the bot keeps something about them (their request and
display name, and for a revoked user their past conversations and drafts): they may erase it.
The gate answers their /supprimer_mes_donnees with ``Erasure.offer`` and lets the offer's
buttons through. Users with access go through the assistant's own /supprimer_mes_donnees. A
pending request is withdrawn; a refusal or a revocation is kept, without the name, so that
erasing does not undo an administrator's decision (a refusal is itself forgotten after
``CARE_FORGET_DENIED_DAYS``).
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from agent.erasure import erase_user
from agent.store import Erased
from bot.telegram import texts
from bot.telegram.access import PENDING, assistant_user_id
from bot.telegram.delivery import answer_query, say
from bot.telegram.gate import OUTSIDER_ERASURE
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

ERASE_YES, ERASE_NO = f"{OUTSIDER_ERASURE}yes", f"{OUTSIDER_ERASURE}no"


class Erasure:
    def __init__(self, runtime: BotRuntime) -> None:
        self.rt = runtime

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(
            CallbackQueryHandler(self.button, pattern=f"^{re.escape(OUTSIDER_ERASURE)}")
        )

    async def offer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/supprimer_mes_donnees from a sender without access (the gate calls it)."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        status = await asyncio.to_thread(self.rt.access.status, user.id)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(texts.ERASE_YES_BUTTON, callback_data=ERASE_YES),
                    InlineKeyboardButton(texts.ERASE_NO_BUTTON, callback_data=ERASE_NO),
                ]
            ]
        )
        await say(context.bot, chat.id, texts.outsider_erase(status), keyboard)
        logger.info("update %s: erasure offered to a user without access", update.update_id)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
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
