"""The referents' conversation: messages, commands, buttons and files → assistant turns.

Handlers only translate: an update becomes a ``Turn`` (user ``tg:<id>``, its ``update_id``, and
for a button the question token its keyboard was sent with), the synchronous assistant runs in a
worker thread, its replies are rendered and sent. The conversation state lives in the
assistant's store, never here.

After the replies of a turn are sent, the store is told (``Store.mark_delivered``), with the
message now showing the pending question's buttons: the buttons of the question before are
retired once it is answered, and a restart knows whose replies may not have been sent.
A button press refused as stale gets a toast and changes nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
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

from agent.actions import RateAnswer, ShowDetails, ShowSources, is_core
from agent.messages import STALE_BUTTON
from agent.turns import Attachment, Reply, TextReply, Turn
from bot.telegram import texts
from bot.telegram.access import assistant_user_id
from bot.telegram.admin import ADMIN_COMMANDS
from bot.telegram.delivery import answer_query, chat_action, deliver, retire_buttons, with_retry
from bot.telegram.gate import notify
from bot.telegram.group_chats import addressed_text, command_of
from bot.telegram.refinement import schedule_refinements
from bot.telegram.rendering import (
    Callback,
    Outgoing,
    OutText,
    escape,
    parse_callback,
    render,
    sources_only,
)
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

ANSWERS_FILE_TYPES = (".yaml", ".yml", ".json")
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits are not new turns
UNKNOWN_COMMAND = "/(inconnue)"  # what the log says of a command the bot does not know


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
    callback = parse_callback(data)
    index = callback.label_index if callback is not None else None
    if index is not None:
        return buttons[index].text if index < len(buttons) else None
    return next((b.text for b in buttons if b.callback_data == data), None)


@dataclasses.dataclass
class Sent:
    """What a turn sent: the messages Telegram acknowledged, in order, and the one now showing
    the pending question's buttons, if any."""

    messages: list[Message] = dataclasses.field(default_factory=list)
    question_message: int | None = None


class Conversation:
    def __init__(self, runtime: BotRuntime) -> None:
        self.rt = runtime
        # every command name the bot answers: the only ones its log may name
        self._known_commands = runtime.assistant.commands.names | ADMIN_COMMANDS.names

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

    def _log_name(self, command: str) -> str:
        """The command for the log: only the bot's own command names, never what was typed."""
        if not command:
            return "text"
        return command if command in self._known_commands else UNKNOWN_COMMAND

    # -- text and commands --------------------------------------------------------------------
    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        private = chat.type == ChatType.PRIVATE
        text = (message.text or "") if private else addressed_text(message, context.bot.username)
        if text is None:
            return
        command, _ = command_of(text)
        user = update.effective_user
        assert user is not None  # the gate lets no update without a sender through
        if not private and not await self._group_allows(update, context, user.id, text):
            return
        turn = Turn(assistant_user_id(user.id), text=text, update_id=update.update_id)
        await self.turn(
            update, context, turn, self._log_name(command), resume=private and command == "/start"
        )

    async def _group_allows(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: int, text: str
    ) -> bool:
        command, _ = command_of(text)
        if self.rt.settings.care_group_mode == "refuse":
            await notify(update, context, texts.GROUP_REFUSED)
            return False
        if command in self.rt.assistant.commands.private_only:
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
            dataclasses.replace(r, text=f"{r.text}\n\n{note}")
            if isinstance(r, TextReply) and r.kind == "privacy"
            else r
            for r in replies
        ]

    # -- buttons ------------------------------------------------------------------------------
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        if chat is None:  # the gate lets no press without its chat through
            return
        user = query.from_user
        callback = parse_callback(query.data)
        if callback is None or (callback.action is None and callback.label_index is None):
            # not data this bot sends: forged, from another bot or an older version
            logger.info("update %s: unreadable button data ignored", update.update_id)
            await answer_query(query, STALE_BUTTON)
            return
        if chat.type != ChatType.PRIVATE and not is_core(callback.action):
            await notify(update, context, texts.PRIVATE_ONLY)  # a dialogue's button
            return
        turn = self._pressed(update, callback, assistant_user_id(user.id))
        if turn is None:
            await answer_query(query, STALE_BUTTON)
            return
        if isinstance(turn.action, RateAnswer):
            await self._feedback(update, turn)
            return
        await self.turn(update, context, turn, kind="button")

    def _pressed(self, update: Update, callback: Callback, user_id: str) -> Turn | None:
        """The turn a press stands for; None when its label can no longer be found."""
        query = update.callback_query
        assert query is not None
        label = pressed_label(query.message, query.data or "")
        if callback.label_index is not None:  # the label stands for the action (too long)
            if label is None:
                return None
            return Turn(user_id, text=label, token=callback.token, update_id=update.update_id)
        return Turn(
            user_id,
            text=label or "",
            action=callback.action,
            token=callback.token,
            update_id=update.update_id,
        )

    async def _feedback(self, update: Update, turn: Turn) -> None:
        query = update.callback_query
        assert query is not None
        replies = await asyncio.to_thread(self.rt.assistant.handle, turn)
        said = [r for r in replies if isinstance(r, TextReply)]
        await answer_query(query, said[0].text if said else texts.FEEDBACK_RECORDED)
        if replies:
            await self._delivered(turn, Sent(), private=False)
        # The core says whether it recorded the rating: "stale" when it did not (e.g. someone
        # else's answer in a group); no reply at all for a press already processed.
        if not said or any(reply.kind == "stale" for reply in said):
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
            await retire_buttons(message.get_bot(), message.chat.id, message.message_id)

    # -- files and other input ----------------------------------------------------------------
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or message.document is None or chat is None:
            return
        user = update.effective_user
        if chat.type != ChatType.PRIVATE or user is None:
            return  # files are never addressed to the bot in a group (the gate drops them)
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
            # Refused by the core, which screens the turn before loading the session.
            turn = Turn(assistant_user_id(user.id), text=caption, update_id=update.update_id)
        else:
            turn = Turn(
                assistant_user_id(user.id),
                attachment=Attachment(name, content),
                update_id=update.update_id,
            )
        await self.turn(update, context, turn, kind="document")

    async def other_input(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            await notify(update, context, texts.NON_TEXT_INPUT)

    # -- one turn -----------------------------------------------------------------------------
    def _handle(self, turn: Turn, resume: bool) -> list[Reply]:
        replies = self.rt.assistant.handle(turn)
        return replies + self.rt.assistant.resume(turn.user_id) if resume and replies else replies

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
        query = update.callback_query
        if not replies:  # an update already processed (delivered twice): nothing to do
            if query is not None:
                await answer_query(query)
            logger.info("update %s: duplicate, dropped", update.update_id)
            return
        private = chat.type == ChatType.PRIVATE
        if query is not None and await self._refused_press(update, replies):
            await self._delivered(turn, Sent(), private=False)
            return
        flagged = any(isinstance(r, TextReply) and r.kind == "privacy" for r in replies)
        if flagged:
            kind = "possible patient data, not processed"  # never the command word
            replies = await self._patient_data(update, context, replies)
            # The core saved nothing for this turn, not even its update id: the delivery
            # record only learns which message now shows the pending question's buttons.
            turn = dataclasses.replace(turn, update_id=None)
        if query is not None:
            await answer_query(query)
            shows_more = isinstance(turn.action, ShowSources | ShowDetails)
            if turn.text and not flagged and not shows_more:
                await self._mark_choice(query.message, turn.text)
        items = render(replies, private=private)
        sent = await self._send(context, chat.id, items)
        schedule_refinements(replies, sent.messages, private)
        pressed = query.message.message_id if query is not None and query.message else None
        await self._delivered(
            turn,
            sent,
            private,
            context=context,
            chat_id=chat.id,
            typed=query is None,
            pressed=pressed,
        )
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

    async def _refused_press(self, update: Update, replies: list[Reply]) -> bool:
        """A press for a question no longer pending: a toast, its buttons retired, nothing
        else (the assistant changed nothing)."""
        query = update.callback_query
        assert query is not None
        stale = [r for r in replies if isinstance(r, TextReply) and r.kind == "stale"]
        if len(stale) != len(replies):
            return False
        await answer_query(query, stale[0].text)
        message = query.message
        if isinstance(message, Message) and message.reply_markup is not None:
            await retire_buttons(message.get_bot(), message.chat.id, message.message_id)
        logger.info("update %s: stale button refused", update.update_id)
        return True

    async def _send(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, items: list[Outgoing]
    ) -> Sent:
        sent = Sent()
        for item in items:
            messages = await deliver(context.bot, chat_id, [item])
            sent.messages += messages
            if isinstance(item, OutText) and item.question and messages:
                sent.question_message = messages[-1].message_id
        return sent

    async def _delivered(
        self,
        turn: Turn,
        sent: Sent,
        private: bool,
        *,
        context: ContextTypes.DEFAULT_TYPE | None = None,
        chat_id: int | None = None,
        typed: bool = False,
        pressed: int | None = None,
    ) -> None:
        """Record that the turn's replies were sent; retire the buttons of the question this
        turn answered (a new question replaced it, or it was answered by typing)."""
        store = self.rt.store
        previous = await asyncio.to_thread(store.get_delivery, turn.user_id)
        shown = previous.question_message if previous is not None else None
        current = shown
        if private and context is not None and chat_id is not None:
            replaced = sent.question_message is not None or typed or shown == pressed
            if shown is not None and replaced:
                if shown not in (pressed, sent.question_message):
                    await retire_buttons(context.bot, chat_id, shown)
                current = None
            if sent.question_message is not None:
                current = sent.question_message
        await asyncio.to_thread(store.mark_delivered, turn.user_id, turn.update_id, current)
