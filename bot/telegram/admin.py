"""Administrators: access requests (approve / deny buttons) and the admin commands.

``/autoriser ID``, ``/revoquer ID``, ``/effacer ID``, ``/utilisateurs``, ``/stats`` and
``/reindex`` work only in a private chat with an administrator listed in ``CARE_ADMINS``.
A requester's display name is chosen by them: it is cleaned, quoted and shown after the real id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from agent.commands import Command, CommandTable
from agent.erasure import DENIED, erase_user
from bot.telegram import texts
from bot.telegram.access import (
    ALLOWED,
    PENDING,
    REVOKED,
    RequestOutcome,
    assistant_user_id,
    clean_name,
    telegram_id,
)
from bot.telegram.delivery import answer_query, say
from bot.telegram.gate import REQUEST_ACCESS, notify
from bot.telegram.rendering import escape
from bot.telegram.runtime import BotRuntime
from care_common.french_dates import iso_in_words
from care_errors import CareError

logger = logging.getLogger(__name__)

APPROVE, DENY = "tg!ok:", "tg!no:"
STATUS_FR = {ALLOWED: "autorisé", PENDING: "en attente", REVOKED: "révoqué", DENIED: "refusé"}


def display_name(user: User) -> str:
    return clean_name(user.full_name or (f"@{user.username}" if user.username else str(user.id)))


def decision_target(data: str) -> int | None:
    """The user id of an approve / deny button (None for data the bot did not send)."""
    number = data.split(":", 1)[1] if ":" in data else ""
    return int(number) if number.isdigit() and len(number) <= 20 else None


def parse_user_id(args: list[str] | None) -> int | None:
    if not args:
        return None
    raw = args[0].strip().removeprefix("tg:")
    return int(raw) if raw.isdigit() else None


PtbCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
AdminHandler = Callable[["Admin", Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class Admin:
    def __init__(self, runtime: BotRuntime) -> None:
        self.rt = runtime

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(
            CallbackQueryHandler(self.access_button, pattern=r"^tg!(req$|ok:|no:)")
        )
        for command in ADMIN_COMMANDS:
            application.add_handler(
                CommandHandler(
                    command.menu_name, self._runner(command), filters=filters.UpdateType.MESSAGE
                )
            )

    def _runner(self, command: Command[AdminHandler]) -> PtbCallback:
        """The handler of ``command``, run only for an administrator (in a private chat when
        the command is private-only)."""

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if await self._admin(update, context, command):
                await command.handler(self, update, context)

        return run

    async def _admin(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, command: Command[AdminHandler]
    ) -> bool:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None  # the gate lets no update without a sender through
        if command.private_only and (chat is None or chat.type != ChatType.PRIVATE):
            await notify(update, context, texts.PRIVATE_ONLY)
            return False
        if not self.rt.access.is_admin(user.id):
            await notify(update, context, texts.ADMIN_ONLY)
            return False
        return True

    async def _say(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        chat = update.effective_chat
        assert chat is not None
        await say(context.bot, chat.id, text)

    async def _tell_user(self, context: ContextTypes.DEFAULT_TYPE, user: int, text: str) -> bool:
        try:
            await say(context.bot, user, text)
        except (Forbidden, BadRequest) as exc:
            logger.info("could not notify user %s: %s", user, exc.message)
            return False
        return True

    @staticmethod
    async def _remove_buttons(message: MaybeInaccessibleMessage | None) -> None:
        if not isinstance(message, Message):
            return
        try:
            await message.edit_reply_markup(None)
        except BadRequest as exc:  # already removed (e.g. "message is not modified")
            logger.debug("buttons not removed: %s", exc.message)

    # -- access requests ----------------------------------------------------------------------
    async def access_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data, user = query.data or "", query.from_user
        if data == REQUEST_ACCESS:
            await self._request(update, context, user)
            return
        if not self.rt.access.is_admin(user.id):
            await notify(update, context, texts.ADMIN_ONLY)
            return
        granted = data.startswith(APPROVE)
        target = decision_target(data)
        if target is None:  # forged data: never from a button this bot sent
            logger.info("update %s: unreadable access decision ignored", update.update_id)
            await answer_query(query, texts.STALE_DECISION)
            return
        current = await asyncio.to_thread(self.rt.access.status, target)
        if current != PENDING:  # a double tap, or another administrator was quicker
            decided = STATUS_FR.get(current or "", "inconnu")
            await notify(update, context, texts.request_already_decided(decided))
            await self._remove_buttons(query.message)
            return
        if granted:
            await asyncio.to_thread(self.rt.access.allow, target)
        elif not await asyncio.to_thread(self.rt.access.deny, target):
            await notify(update, context, texts.CANNOT_REVOKE_ADMIN)
            return
        await answer_query(query)
        await self._tell_user(
            context, target, texts.ACCESS_GRANTED if granted else texts.ACCESS_DENIED
        )
        message = query.message
        if isinstance(message, Message):
            decided = texts.request_decided(message.text or "", granted, user.id)
            try:
                await message.edit_text(escape(decided), parse_mode=ParseMode.HTML)
            except BadRequest as exc:  # e.g. a request older than 48 h cannot be edited
                logger.info("access request message not updated: %s", exc.message)
                await self._say(update, context, decided)
        logger.info(
            "access request of %s %s by admin %s",
            target,
            "granted" if granted else "denied",
            user.id,
        )

    async def _request(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: User
    ) -> None:
        query = update.callback_query
        assert query is not None
        outcome = await asyncio.to_thread(self.rt.access.request, user.id, display_name(user))
        if outcome is not RequestOutcome.SENT:
            notice = {
                RequestOutcome.PENDING: texts.REQUEST_PENDING,
                RequestOutcome.REVOKED: texts.REQUEST_REVOKED,
                RequestOutcome.DENIED: texts.REQUEST_DENIED,
                RequestOutcome.ALLOWED: texts.ALREADY_ALLOWED,
            }[outcome]
            await notify(update, context, notice)
            return
        await answer_query(query)
        request = texts.access_request(display_name(user), user.username, user.id)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.APPROVE_BUTTON, callback_data=f"{APPROVE}{user.id}"
                    ),
                    InlineKeyboardButton(texts.DENY_BUTTON, callback_data=f"{DENY}{user.id}"),
                ]
            ]
        )
        for admin in sorted(self.rt.access.admins):
            try:
                await say(context.bot, admin, request, keyboard)
            except (Forbidden, BadRequest) as exc:
                logger.warning("admin %s could not be told of a request: %s", admin, exc.message)
        await self._remove_buttons(query.message)
        if update.effective_chat is not None:
            await say(context.bot, update.effective_chat.id, texts.REQUEST_SENT)
        logger.info("access requested by user %s", user.id)

    # -- commands -----------------------------------------------------------------------------
    async def allow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        target = parse_user_id(context.args)
        if target is None:
            await self._say(update, context, texts.USAGE_ALLOW)
            return
        await asyncio.to_thread(self.rt.access.allow, target)
        notified = await self._tell_user(context, target, texts.ACCESS_GRANTED)
        await self._say(update, context, texts.allowed(target, notified))

    async def revoke(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        target = parse_user_id(context.args)
        if target is None:
            await self._say(update, context, texts.USAGE_REVOKE)
            return
        done = await asyncio.to_thread(self.rt.access.revoke, target)
        await self._say(
            update, context, texts.revoked(target) if done else texts.CANNOT_REVOKE_ADMIN
        )

    async def erase(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/effacer ID: the same erasure as the user's own /supprimer_mes_donnees."""
        target = parse_user_id(context.args)
        if target is None:
            await self._say(update, context, texts.USAGE_ERASE)
            return
        user_id = assistant_user_id(target)
        erased = await asyncio.to_thread(erase_user, self.rt.store, user_id, keep_access=True)
        await self._say(update, context, texts.erased_by_admin(target, erased))
        assert update.effective_user is not None
        logger.info("data of user %s erased by admin %s", target, update.effective_user.id)

    async def users(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        records = await asyncio.to_thread(self.rt.access.users)
        lines = [f"Utilisateurs ({len(records)}) :"]
        for record in records:
            number = telegram_id(record.user_id)
            admin = " · administrateur" if number in self.rt.access.admins else ""
            name = f" « {record.display_name} »" if record.display_name else ""
            status = STATUS_FR.get(record.status, record.status)
            since = iso_in_words(record.updated)
            lines.append(f"• {number}{name} — {status}{admin} (depuis le {since})")
        await self._say(update, context, "\n".join(lines))

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        records = await asyncio.to_thread(self.rt.access.users)
        feedback = await asyncio.to_thread(self.rt.store.list_feedback)
        statuses = Counter(record.status for record in records)
        ratings = Counter(item.rating for item in feedback)
        m = self.rt.metrics.as_dict()
        p50 = "—" if m["p50_ms"] is None else f"{m['p50_ms']:.0f} ms"
        p95 = "—" if m["p95_ms"] is None else f"{m['p95_ms']:.0f} ms"
        text = (
            f"Utilisateurs : {statuses[ALLOWED]} autorisés, {statuses[PENDING]} en attente, "
            f"{statuses[REVOKED]} révoqués, {statuses[DENIED]} refusés ; "
            f"{len(self.rt.access.admins)} administrateurs.\n"
            f"Réponses notées : {len(feedback)} réponses sourcées, {ratings[1]} 👍, "
            f"{ratings[-1]} 👎, {ratings[None]} sans avis.\n"
            f"Depuis le démarrage ({m['uptime_s'] / 3600:.1f} h) : {m['turns']} échanges, "
            f"latence médiane {p50}, 95e centile {p95}, {m['errors']} erreurs, "
            f"{m['patient_data_warnings']} alertes données patient, "
            f"{m['rate_limited']} messages limités."
        )
        await self._say(update, context, text)

    async def reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self.rt.reindex is None:
            await self._say(update, context, "La réindexation n'est pas disponible ici.")
            return
        await self._say(update, context, texts.REINDEX_STARTED)
        started = time.perf_counter()
        try:
            report = await asyncio.to_thread(self.rt.reindex)
        except CareError as exc:
            logger.warning("reindex failed: %s", exc)
            await self._say(update, context, f"{exc.user_message}\n\nDétail : {exc}")
            return
        await self._say(
            update,
            context,
            texts.reindexed(
                report.files,
                report.chunks,
                report.added,
                report.updated,
                report.removed,
                time.perf_counter() - started,
            ),
        )


# The ONE declaration of the administrators' commands: their handlers, their menu entries (in
# the administrators' chats only) and the names the log may show are derived from it.
ADMIN_COMMANDS: CommandTable[AdminHandler] = CommandTable(
    [
        Command(
            "/autoriser", "autoriser un utilisateur (identifiant)", Admin.allow, private_only=True
        ),
        Command(
            "/revoquer", "révoquer un utilisateur (identifiant)", Admin.revoke, private_only=True
        ),
        Command(
            "/effacer",
            "effacer les données d'un utilisateur (identifiant)",
            Admin.erase,
            private_only=True,
        ),
        Command("/utilisateurs", "liste des utilisateurs", Admin.users, private_only=True),
        Command("/stats", "statistiques d'usage", Admin.stats, private_only=True),
        Command("/reindex", "mettre l'index à jour", Admin.reindex, private_only=True),
    ]
)
