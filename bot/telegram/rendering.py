"""Replies → Telegram messages: HTML formatting, 4,096-character splitting, inline keyboards.

Pure functions: nothing here talks to Telegram (see ``delivery``). Every reply text is escaped and
sent in HTML parse mode; a text over the limit is split at paragraph boundaries (then lines, then
sentences, then words) and nothing is ever dropped. Formatting is applied to each piece after
the split, line by line, so a tag never spans two messages:

- an answer's first line (the direct answer) is bold;
- a reply with sources shows each source as a link (« ¹ Title » → its URL; the bare URL lines
  go) and its ``[n]`` markers as superscript figures: ¹ ² take one character each where
  "[1]" takes three, read as footnotes on a phone, and survive copy-paste, which HTML cannot
  give (Telegram has no <sup>);
- a styled reply's ``**…**`` spans are bold.

Callback data carries the option's action (``agent.actions.encode``) and, for the question of a
dialogue, the question's token (``action|token``); ``parse_callback`` reads it back and never
raises.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from agent.actions import Action, RateAnswer, ShowSources, decode, encode
from agent.turns import ChoiceReply, DocumentReply, Option, Reply, SourceRef, TextReply
from bot.telegram import texts

TEXT_LIMIT: int = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT: int = MessageLimit.CAPTION_LENGTH  # 1024
CALLBACK_DATA_LIMIT = 64  # bytes
LABEL_PREFIX = "tg!lbl:"  # a button whose action is too long: the label is sent back as text
TOKEN_SEPARATOR = "|"  # noqa: S105 - not a secret: it joins an action and its question
BUTTON_LABEL_LIMIT = 30  # characters: a longer label is cut on a phone
BOLD_FIRST_LINE_LIMIT = 300  # a longer first line: only its first sentence is bold
_TOKEN = re.compile(r"^[0-9a-f]{8}$")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_MARKERS = re.compile(r"(?:\s?\[\d{1,2}\])+")
_SOURCE_LINE = re.compile(r"^\[(\d{1,2})\] (.+)$")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?…])(\s.*)$")
_DATING_LINES = ("État des sources",)

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
    question: bool = False  # the keyboard answers a question (retired once it is answered)


@dataclass(frozen=True)
class Callback:
    """What a button press carries: an encoded action (or a label reference) and a question
    token."""

    data: str
    token: str | None = None

    @property
    def label_index(self) -> int | None:
        """The button's position, when the data only refers to its label."""
        if not self.data.startswith(LABEL_PREFIX):
            return None
        index = self.data.removeprefix(LABEL_PREFIX)
        return int(index) if index.isdigit() and len(index) <= 3 else None

    @property
    def action(self) -> Action | None:
        """The pressed option's action; None for a label reference or unreadable data."""
        return None if self.data.startswith(LABEL_PREFIX) else decode(self.data)


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


def callback_data(option: Option, index: int, token: str | None = None) -> str:
    """The option's action (with the question's token), or a label reference when that
    exceeds Telegram's 64 bytes."""
    suffix = f"{TOKEN_SEPARATOR}{token}" if token else ""
    data = f"{encode(option.action)}{suffix}"
    if len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return data
    return f"{LABEL_PREFIX}{index}{suffix}"


def parse_callback(data: str | None) -> Callback | None:
    """The action and token of a button's data; None when it is not ours (never raises)."""
    if not data or len(data.encode("utf-8", errors="replace")) > CALLBACK_DATA_LIMIT:
        return None
    action, separator, token = data.rpartition(TOKEN_SEPARATOR)
    if not separator:
        return Callback(data)
    if not action or not _TOKEN.match(token):
        return None
    return Callback(action, token)


def button_text(label: str) -> str:
    """A label that fits a phone's button (the agent's flows keep theirs short already)."""
    label = " ".join(label.split())
    if len(label) <= BUTTON_LABEL_LIMIT:
        return label
    return label[: BUTTON_LABEL_LIMIT - 1].rstrip() + "…"


def choice_keyboard(options: Sequence[Option], token: str | None = None) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            button_text(option.label), callback_data=callback_data(option, i, token)
        )
        for i, option in enumerate(options)
    ]
    width = 2 if all(len(option.label) <= 18 for option in options) else 1
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def answer_keyboard(feedback_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.SOURCES_BUTTON, callback_data=encode(ShowSources(feedback_id))
                ),
                InlineKeyboardButton("👍", callback_data=encode(RateAnswer(feedback_id, True))),
                InlineKeyboardButton("👎", callback_data=encode(RateAnswer(feedback_id, False))),
            ]
        ]
    )


def sources_only(keyboard: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The answer keyboard once feedback is given: 👍 / 👎 disappear, Sources stays."""
    if keyboard is None:
        return None
    rows = [
        [b for b in row if not isinstance(decode(str(b.callback_data or "")), RateAnswer)]
        for row in keyboard.inline_keyboard
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _texts(
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    format_piece: Callable[[str, bool], str] | None = None,
    question: bool = False,
) -> list[Outgoing]:
    pieces = split_text(text) or ["…"]
    last = len(pieces) - 1
    shape = format_piece or (lambda piece, _first: escape(piece))
    return [
        OutText(shape(p, i == 0), keyboard if i == last else None, question and i == last)
        for i, p in enumerate(pieces)
    ]


def superscript(numbers: Sequence[int]) -> str:
    return ",".join(str(n).translate(_SUPERSCRIPT) for n in numbers)


def _markers(html: str, known: set[int]) -> str:
    """« phrase. [1] [2] » → « phrase.¹,² » (only numbers of the reply's sources)."""

    def compact(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", match.group(0))]
        if not all(n in known for n in numbers):
            return match.group(0)
        return superscript(numbers)

    return _MARKERS.sub(compact, html)


def _source_line(line: str, refs: dict[int, SourceRef]) -> str | None:
    """« [1] Title — section (…) » → « ¹ <a href=URL>Title</a> — section (…) », else None."""
    match = _SOURCE_LINE.match(line.strip())
    if match is None or int(match.group(1)) not in refs:
        return None
    ref, rest = refs[int(match.group(1))], match.group(2)
    if not ref.url.startswith(("https://", "http://")) or not rest.startswith(ref.title):
        return None
    link = f'<a href="{html.escape(ref.url, quote=True)}">{escape(ref.title)}</a>'
    return f"{superscript([ref.number])} {link}{escape(rest[len(ref.title) :])}"


def _bold_lead(line_html: str, plain_length: int) -> str:
    """The first line of an answer in bold (only its first sentence when it is long)."""
    if plain_length <= BOLD_FIRST_LINE_LIMIT:
        return f"<b>{line_html}</b>"
    match = _FIRST_SENTENCE.match(line_html)
    return f"<b>{match.group(1)}</b>{match.group(2)}" if match else line_html


def reply_formatter(reply: TextReply) -> Callable[[str, bool], str]:
    """How the pieces of ``reply`` become HTML (see the module docstring)."""
    refs = {ref.number: ref for ref in reply.sources}
    urls = {ref.url.strip() for ref in reply.sources if ref.url}

    def shape(piece: str, first: bool) -> str:
        lines: list[str] = []
        for number, line in enumerate(piece.split("\n")):
            if refs and line.strip() in urls:
                continue  # the link is on the source's line
            linked = _source_line(line, refs) if refs else None
            if linked is not None:
                lines.append(linked)
                continue
            out = escape(line)
            if reply.styled:
                out = _STRONG.sub(r"<b>\1</b>", out)
            if refs:
                out = _markers(out, set(refs))
            if line.strip() == "Sources :":
                out = "<b>Sources</b>"
            elif line.startswith(_DATING_LINES):
                out = f"<i>{out}</i>"
            elif first and number == 0 and reply.kind == "answer" and out:
                out = _bold_lead(out, len(line))
            lines.append(out)
        return "\n".join(lines)

    return shape


def _reply_keyboard(reply: TextReply) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if reply.feedback_id:
        rows += list(map(list, answer_keyboard(reply.feedback_id).inline_keyboard))
    if reply.options:
        rows.append(
            [
                InlineKeyboardButton(button_text(o.label), callback_data=callback_data(o, i))
                for i, o in enumerate(reply.options)
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def render(replies: Sequence[Reply], private: bool = True) -> list[Outgoing]:
    """Telegram messages for the assistant's replies; documents only in private chats."""
    out: list[Outgoing] = []
    for reply in replies:
        if isinstance(reply, TextReply):
            out += _texts(reply.text, _reply_keyboard(reply), reply_formatter(reply))
        elif isinstance(reply, ChoiceReply):
            keyboard = choice_keyboard(reply.options, reply.token)
            out += _texts(reply.question, keyboard, question=True)
        elif isinstance(reply, DocumentReply):
            out += _document(reply) if private else _texts(texts.DOCUMENT_PRIVATE_ONLY, None)
    return out


def _document(reply: DocumentReply) -> list[Outgoing]:
    caption = reply.caption.strip()
    if telegram_length(caption) <= CAPTION_LIMIT:
        return [OutDocument(reply.filename, reply.content, reply.mime, escape(caption))]
    return [OutDocument(reply.filename, reply.content, reply.mime), *_texts(caption, None)]
