"""Group chats: which messages are meant for the bot, and what never happens there.

In a group the bot reacts only to commands addressed to it, to messages mentioning it and to
replies to its own messages; everything else is the members' conversation, not the bot's.
"""

from __future__ import annotations

import re

from telegram import Message


def command_of(text: str) -> tuple[str, str | None]:
    """("/cmd", "target_bot" or None) for a text starting with a command, else ("", None)."""
    if not text.startswith("/"):
        return "", None
    word = text.split(maxsplit=1)[0]
    command, _, target = word.partition("@")
    return command.lower(), target or None


def addressed_text(message: Message, bot_username: str) -> str | None:
    """The text meant for the bot (its mention removed), or None when it is not addressed."""
    text = message.text or ""
    command, target = command_of(text)
    if command:
        return text if target is None or target.lower() == bot_username.lower() else None
    mention = re.compile(rf"@{re.escape(bot_username)}\b", re.IGNORECASE)
    if mention.search(text):
        return mention.sub("", text).strip()
    replied = message.reply_to_message
    replied_user = replied.from_user if replied is not None else None
    if replied_user is not None and (replied_user.username or "").lower() == bot_username.lower():
        return text
    return None
