"""The referents' conversation: messages, commands, buttons and files → assistant turns.

Handlers only translate: an update becomes a ``Turn`` (user ``tg:<id>``), the synchronous
assistant runs in a worker thread, its replies are rendered and sent. The conversation state lives
in the assistant's store, never here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import PurePath

from telegram import MaybeInaccessibleMessage, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from agent.messages import FEEDBACK_THANKS, STALE_BUTTON
from agent.turns import Attachment, Reply, TextReply, Turn
from bot.telegram import texts
from bot.telegram.access import assistant_user_id
from bot.telegram.delivery import answer_query, chat_action, deliver, with_retry
from bot.telegram.gate import Gate, notify
from bot.telegram.group_chats import addressed_text, command_of
from bot.telegram.refinement import schedule_refinements
from bot.telegram.rendering import LABEL_PREFIX, escape, render, sources_only
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

ANSWERS_FILE_TYPES = (".yaml", ".yml", ".json")
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits are not new turns


def answers_file_rejected(max_bytes: int) -> str:
    return (
        "J'accepte seulement un fichier de réponses pour un dossier : format .yaml, .yml ou "
        f".json, {max_bytes // 1000} Ko au plus."
    )


def pressed_label(message: MaybeInaccessibleMessage | None, data: str) -> str | None:
    """The label of the button carrying ``data`` in the message's keyboard, when known."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    buttons = [b for row in message.reply_markup.inline_keyboard for b in row]
    if data.startswith(LABEL_PREFIX):
        index = data.removeprefix(LABEL_PREFIX)
        return buttons[int(index)].text if index.isdigit() and int(index) < len(buttons) else None
    return next((b.text for b in buttons if b.callback_data == data), None)


class Conversation:
    def __init__(self, runtime: BotRuntime, gate: Gate) -> None:
        self.rt = runtime
        self.gate = gate

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT, self.message))
        application.add_handler(MessageHandler(NEW_MESSAGES & filters.Document.ALL, self.document))
        application.add_handler(
            MessageHandler(
                NEW_MESSAGES & ~filters.TEXT & ~filters.Document.ALL & ~filters.StatusUpdate.ALL,
                self.other_input,
            )
        )

    # -- text and commands --------------------------------------------------------------------
    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        private = chat.type == ChatType.PRIVATE
        text = (message.text or "") if private else addressed_text(message, context.bot.username)
        if text is None:
            return
        user = await self.gate.admit(update, context)
        if user is None:
            return
        if not private and not await self._group_allows(update, context, user.id, text):
            return
        command, _ = command_of(text)
        await self.turn(
            update,
            context,
            Turn(assistant_user_id(user.id), text=text),
            kind=command or "text",
            resume=private and command == "/start",
        )

    async def _group_allows(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: int, text: str
    ) -> bool:
        command, _ = command_of(text)
        if self.rt.settings.care_group_mode == "refuse":
            await notify(update, context, texts.GROUP_REFUSED)
            return False
        if command in self.rt.private_only_commands:
            await notify(update, context, texts.PRIVATE_ONLY)
            return False
        if not command:
            session = await asyncio.to_thread(self.rt.store.load_session, assistant_user_id(user))
            if session.flow:
                await notify(update, context, texts.FLOW_IN_PRIVATE)
                return False
        return True

    async def _patient_data(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]
    ) -> list[Reply]:
        """The core refused a turn carrying patient data: count it, try to delete the user's
        message, and say honestly what happened to it."""
        self.rt.metrics.patient_data_warnings += 1
        message, chat = update.effective_message, update.effective_chat
        deleted = False
        if message is not None and chat is not None:
            try:
                deleted = bool(await context.bot.delete_message(chat.id, message.message_id))
            except TelegramError as exc:
                logger.info("update %s: message not deleted (%s)", update.update_id, exc.message)
        note = texts.PATIENT_MESSAGE_DELETED if deleted else texts.PATIENT_MESSAGE_NOT_DELETED
        return [
            TextReply(f"{r.text}\n\n{note}", r.sources, r.kind)
            if isinstance(r, TextReply) and r.kind == "privacy"
            else r
            for r in replies
        ]

    # -- buttons ------------------------------------------------------------------------------
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        user = await self.gate.admit(update, context)
        if user is None:
            return
        data = query.data or ""
        label = pressed_label(query.message, data)
        user_id = assistant_user_id(user.id)
        if data.startswith(LABEL_PREFIX):
            if label is None:
                await answer_query(query, STALE_BUTTON)
                return
            turn = Turn(user_id, text=label)
        else:
            turn = Turn(user_id, text=label or "", action=data)
        if chat.type != ChatType.PRIVATE and not data.startswith("sys:"):
            await notify(update, context, texts.PRIVATE_ONLY)
            return
        if data.startswith("sys:fb:"):
            await self._feedback(update, turn)
            return
        await answer_query(query)
        if label is not None and not data.startswith("sys:src:"):
            await self._mark_choice(query.message, label)
        await self.turn(update, context, turn, kind="button")

    async def _feedback(self, update: Update, turn: Turn) -> None:
        query = update.callback_query
        assert query is not None
        replies = await asyncio.to_thread(self.rt.assistant.handle, turn)
        text = next((r.text for r in replies if isinstance(r, TextReply)), "")
        await answer_query(query, text or texts.FEEDBACK_RECORDED)
        if text != FEEDBACK_THANKS:  # not recorded: e.g. someone else's answer in a group
            logger.info("update %s: feedback refused", update.update_id)
            return
        message = query.message
        if isinstance(message, Message) and message.reply_markup is not None:
            try:
                await message.edit_reply_markup(sources_only(message.reply_markup))
            except BadRequest as exc:
                logger.debug("could not update the feedback buttons: %s", exc.message)
        logger.info("update %s: feedback recorded", update.update_id)

    async def _mark_choice(self, message: MaybeInaccessibleMessage | None, label: str) -> None:
        """Show the chosen option under the question and remove its buttons."""
        if not isinstance(message, Message):
            return
        try:
            await message.edit_text(
                f"{message.text_html}\n\n→ <b>{escape(label)}</b>", parse_mode=ParseMode.HTML
            )
        except BadRequest as exc:
            logger.debug("could not mark the choice (%s); removing the buttons", exc.message)
            try:
                await message.edit_reply_markup(None)
            except BadRequest as again:
                logger.debug("could not remove the buttons: %s", again.message)

    # -- files and other input ----------------------------------------------------------------
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or message.document is None or chat is None:
            return
        if chat.type != ChatType.PRIVATE:
            return  # files are never addressed to the bot in a group
        user = await self.gate.admit(update, context)
        if user is None:
            return
        document, limit = message.document, self.rt.upload_max_bytes
        name = PurePath(document.file_name or "fichier").name
        if not name.lower().endswith(ANSWERS_FILE_TYPES) or (document.file_size or 0) > limit:
            await notify(update, context, answers_file_rejected(limit))
            return
        file = await with_retry(lambda: context.bot.get_file(document.file_id), "getFile")
        content = bytes(await with_retry(file.download_as_bytearray, "download"))
        if len(content) > limit:
            await notify(update, context, answers_file_rejected(limit))
            return
        caption = message.caption or ""
        if caption and self.rt.assistant.screen(caption) is not None:
            turn = Turn(assistant_user_id(user.id), text=caption)  # refused by the core
        else:
            turn = Turn(assistant_user_id(user.id), attachment=Attachment(name, content))
        await self.turn(update, context, turn, kind="document")

    async def other_input(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        if await self.gate.admit(update, context) is not None:
            await notify(update, context, texts.NON_TEXT_INPUT)

    # -- one turn -----------------------------------------------------------------------------
    def _handle(self, turn: Turn, resume: bool) -> list[Reply]:
        replies = self.rt.assistant.handle(turn)
        return replies + self.rt.assistant.resume(turn.user_id) if resume else replies

    async def turn(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        turn: Turn,
        kind: str,
        resume: bool = False,
    ) -> None:
        chat = update.effective_chat
        assert chat is not None
        started = time.perf_counter()
        async with chat_action(context.bot, chat.id, ChatAction.TYPING, self.rt.typing_delay):
            replies = await asyncio.to_thread(self._handle, turn, resume)
        computed = time.perf_counter()
        if any(isinstance(r, TextReply) and r.kind == "privacy" for r in replies):
            kind = "possible patient data, not processed"  # never the command word
            replies = await self._patient_data(update, context, replies)
        private = chat.type == ChatType.PRIVATE
        items = render(replies, private=private)
        sent = await deliver(context.bot, chat.id, items)
        schedule_refinements(replies, sent, private)
        total_ms = 1000 * (time.perf_counter() - started)
        self.rt.metrics.record_turn(total_ms)
        logger.info(
            "update %s: %s → %d messages in %.0f ms (assistant %.0f ms)",
            update.update_id,
            kind,
            len(items),
            total_ms,
            1000 * (computed - started),
        )
