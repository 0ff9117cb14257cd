"""Replies → Telegram messages: HTML escaping, 4,096-character splitting, inline keyboards.

Pure functions: nothing here talks to Telegram (see ``delivery``). Every reply text is escaped and
sent in HTML parse mode; a text over the limit is split at paragraph boundaries (then lines, then
sentences, then words) and nothing is ever dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from agent.turns import ChoiceReply, DocumentReply, Option, Reply, TextReply
from bot.telegram import texts

TEXT_LIMIT: int = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT: int = MessageLimit.CAPTION_LENGTH  # 1024
CALLBACK_DATA_LIMIT = 64  # bytes
LABEL_PREFIX = "tg!lbl:"  # a button whose action is too long: the label is sent back as text

_SEPARATORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\n\s*\n"), "\n\n"),
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?;:…])\s+"), " "),
    (re.compile(r"\s+"), " "),
)


@dataclass(frozen=True)
class OutText:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class OutDocument:
    filename: str
    content: bytes
    mime: str
    caption_html: str = ""


Outgoing = OutText | OutDocument


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units) once HTML-escaped."""
    return len(escape(text).encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces whose escaped length is within ``limit``, cut at the largest boundary possible."""
    text = text.strip()
    if telegram_length(text) <= limit:
        return [text] if text else []
    return _split(text, limit, 0)


def _split(text: str, limit: int, level: int) -> list[str]:
    if telegram_length(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_split(text, limit)
    pattern, joiner = _SEPARATORS[level]
    pieces: list[str] = []
    current = ""
    for part in filter(None, (p.strip() for p in pattern.split(text))):
        for unit in _split(part, limit, level + 1):
            candidate = f"{current}{joiner}{unit}" if current else unit
            if telegram_length(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    return pieces


def _hard_split(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    length = 0
    for char in text:
        cost = telegram_length(char)
        if length + cost > limit:
            pieces.append("".join(current))
            current, length = [], 0
        current.append(char)
        length += cost
    return [*pieces, "".join(current)] if current else pieces


def callback_data(option: Option, index: int) -> str:
    """The option's action, or a label reference when the action exceeds Telegram's 64 bytes."""
    if len(option.action.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return option.action
    return f"{LABEL_PREFIX}{index}"


def choice_keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(option.label, callback_data=callback_data(option, index))
        for index, option in enumerate(options)
    ]
    width = 2 if all(len(option.label) <= 18 for option in options) else 1
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def answer_keyboard(feedback_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.SOURCES_BUTTON, callback_data=f"sys:src:{feedback_id}"),
                InlineKeyboardButton("👍", callback_data=f"sys:fb:{feedback_id}:up"),
                InlineKeyboardButton("👎", callback_data=f"sys:fb:{feedback_id}:down"),
            ]
        ]
    )


def sources_only(keyboard: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The answer keyboard once feedback is given: 👍 / 👎 disappear, Sources stays."""
    if keyboard is None:
        return None
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith("sys:fb:")]
        for row in keyboard.inline_keyboard
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _texts(text: str, keyboard: InlineKeyboardMarkup | None) -> list[Outgoing]:
    pieces = split_text(text) or ["…"]
    last = len(pieces) - 1
    return [OutText(escape(p), keyboard if i == last else None) for i, p in enumerate(pieces)]


def render(replies: Sequence[Reply], private: bool = True) -> list[Outgoing]:
    """Telegram messages for the assistant's replies; documents only in private chats."""
    out: list[Outgoing] = []
    for reply in replies:
        if isinstance(reply, TextReply):
            keyboard = answer_keyboard(reply.feedback_id) if reply.feedback_id else None
            out += _texts(reply.text, keyboard)
        elif isinstance(reply, ChoiceReply):
            out += _texts(reply.question, choice_keyboard(reply.options))
        elif isinstance(reply, DocumentReply):
            out += _document(reply) if private else _texts(texts.DOCUMENT_PRIVATE_ONLY, None)
    return out


def _document(reply: DocumentReply) -> list[Outgoing]:
    caption = reply.caption.strip()
    if telegram_length(caption) <= CAPTION_LIMIT:
        return [OutDocument(reply.filename, reply.content, reply.mime, escape(caption))]
    return [OutDocument(reply.filename, reply.content, reply.mime), *_texts(caption, None)]
