"""The Telegram front end: the referents' channel to the assistant.

One module per concern: ``app`` (factory), ``conversation`` and ``admin`` (handlers), ``gate`` and
``access`` (rate limit, allowlist), ``rendering`` and ``delivery`` (replies → messages, retries),
``ordering`` (per-user order), ``group_chats``, ``errors`` (the one error
handler), ``webhook`` and ``runner``.
"""

from bot.telegram.app import build_application, on_startup
from bot.telegram.runner import run_polling, run_webhook, webhook_options

__all__ = ["build_application", "on_startup", "run_polling", "run_webhook", "webhook_options"]
