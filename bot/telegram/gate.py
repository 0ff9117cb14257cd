"""The one gate every update passes before any handler: PTB's ``TypeHandler`` in group -1.

``Gate.check`` runs first for every update and raises ``ApplicationHandlerStop`` for those no
handler may see, so a handler added later is protected without remembering anything:

- updates not meant for the bot: in a group, what is neither a command addressed to it, nor a
  mention, nor a reply to one of its messages; service messages; update kinds it does not use
  (dropped silently, and not counted by the rate limit);
- a press without a chat or a user (never one of our buttons): answered as stale;
- senders over the rate limit (warned once, then silently dropped);
- senders without access: they get only the refusal their status calls for (with a « demander
  l'accès » button in private chats when administrators are configured); nothing they send
  reaches the assistant or the logs.

What people without access may still do passes the gate: press « demander l'accès », and erase
what the bot keeps about them (``/supprimer_mes_donnees`` in a private chat is answered by the
gate with the erasure offer, whose buttons then pass).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    ContextTypes,
    TypeHandler,
    filters,
)

from agent.erasure import DENIED
from agent.messages import STALE_BUTTON
from bot.telegram import texts
from bot.telegram.access import PENDING, REVOKED
from bot.telegram.delivery import answer_query, say
from bot.telegram.group_chats import addressed_text, command_of
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

GROUP = -1  # PTB handler group: before every handler of the default group 0
REQUEST_ACCESS = "tg!req"
OUTSIDER_ERASURE = "tg!erase:"  # prefix of the erasure buttons offered to people without access
ERASE_COMMAND = "/supprimer_mes_donnees"

OutsiderErasure = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


async def notify(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A short notice: a toast for a button press, a message otherwise."""
    query = update.callback_query
    if query is not None and await answer_query(query, text, show_alert=len(text) > 60):
        return
    chat = update.effective_chat  # no toast possible: say it in the chat
    if chat is not None:
        await say(context.bot, chat.id, text)


def for_the_bot(update: Update, bot_username: str) -> bool:
    """False for an update the bot ignores whoever sends it (see the module docstring)."""
    if update.callback_query is not None:
        return True
    message = update.message  # new messages only: edits are not turns
    if message is None or filters.StatusUpdate.ALL.check_update(update):
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    return message.text is not None and addressed_text(message, bot_username) is not None


class Gate:
    def __init__(self, runtime: BotRuntime, outsider_erasure: OutsiderErasure) -> None:
        self.rt = runtime
        self.outsider_erasure = outsider_erasure

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(TypeHandler(Update, self.check), group=GROUP)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Return to let the update through; raise ``ApplicationHandlerStop`` otherwise."""
        if not for_the_bot(update, context.bot.username):
            raise ApplicationHandlerStop
        user = self.sender(update)
        if user is None:
            if update.callback_query is not None:  # e.g. a press without its message
                await answer_query(update.callback_query, STALE_BUTTON)
            raise ApplicationHandlerStop
        if not await self._within_rate(update, context, user):
            raise ApplicationHandlerStop
        if self._open_to_all(update):
            return
        if await asyncio.to_thread(self.rt.access.is_allowed, user.id):
            return
        if self._asks_erasure(update):
            await self.outsider_erasure(update, context)
        else:
            logger.info("update %s: refused user %s", update.update_id, user.id)
            await self.refuse(update, context)
        raise ApplicationHandlerStop

    @staticmethod
    def sender(update: Update) -> User | None:
        user = update.effective_user
        if user is None or user.is_bot or update.effective_chat is None:
            return None
        return user

    @staticmethod
    def _open_to_all(update: Update) -> bool:
        """The buttons people without access may press: ask for access, erase their data."""
        data = update.callback_query.data if update.callback_query is not None else None
        return data is not None and (data == REQUEST_ACCESS or data.startswith(OUTSIDER_ERASURE))

    @staticmethod
    def _asks_erasure(update: Update) -> bool:
        message, chat = update.message, update.effective_chat
        if message is None or chat is None or chat.type != ChatType.PRIVATE:
            return False
        return command_of(message.text or "")[0] == ERASE_COMMAND

    async def _within_rate(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: User
    ) -> bool:
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

    async def refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The refusal for a sender without access, as their status calls for."""
        user = update.effective_user
        assert user is not None
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
