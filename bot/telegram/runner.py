"""Running the bot: long polling or webhook, with start-up errors in French."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.container import Services
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.polling import serve_polling
from bot.telegram.webhook import WebhookOptions, serve_webhook

logger = logging.getLogger(__name__)

SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class _RedactToken(logging.Filter):
    """Replaces the bot token in every record (message and traceback) before it is written.

    PTB puts the token in some exception messages (``InvalidToken: The token `…` was rejected``)
    and the request URLs contain it. The traceback is folded into the message so that every
    formatter (plain or JSON) prints the redacted text.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            message = f"{message}\n{record.exc_text}"
        if self.token in message:
            message = message.replace(self.token, "<TELEGRAM_BOT_TOKEN>")
        record.msg, record.args = message, None
        record.exc_info, record.exc_text = None, None
        return True


def protect_token(token: str) -> None:
    """Install the token redaction on every handler of the root logger (configured by the CLI)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _RedactToken) for f in handler.filters):
            handler.addFilter(_RedactToken(token))


def _startup_error(exc: Exception, settings: Settings) -> ConfigurationError:
    if isinstance(exc, InvalidToken):
        return ConfigurationError(
            "Telegram rejected the token",
            user_message="Telegram refuse le jeton TELEGRAM_BOT_TOKEN : vérifiez-le auprès de "
            "@BotFather.",
        )
    return ConfigurationError(
        f"Telegram unreachable: {type(exc).__name__}",
        user_message=f"Impossible de joindre l'API Telegram ({settings.telegram_base_url}) : "
        "vérifiez le réseau ou TELEGRAM_BASE_URL.",
    )


def run_polling(settings: Settings, services: Services) -> None:
    protect_token(settings.telegram_token())
    application = build_application(settings, services)
    try:
        asyncio.run(serve_polling(application, ALLOWED_UPDATES))
    except (InvalidToken, NetworkError) as exc:
        raise _startup_error(exc, settings) from exc


def _read_secret(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"webhook secret file {path} unreadable: {exc}",
            user_message=f"Le fichier du secret du webhook est illisible : {path}.",
        ) from exc


def webhook_secret(settings: Settings, secret_file: Path | None = None) -> str:
    """The webhook secret: from a file (``--secret-file`` or ``CARE_WEBHOOK_SECRET_FILE``), else
    ``CARE_WEBHOOK_SECRET``; never from the command line, where ``ps`` shows it to all."""
    path = secret_file or settings.care_webhook_secret_file
    if path is not None:
        secret = _read_secret(path)
    elif settings.care_webhook_secret is not None:
        secret = settings.care_webhook_secret.get_secret_value()
    else:
        secret = ""
    if not secret or not SECRET_PATTERN.match(secret):
        raise ConfigurationError(
            "webhook secret missing or malformed",
            user_message="Le mode webhook demande un secret (CARE_WEBHOOK_SECRET, ou un fichier : "
            "CARE_WEBHOOK_SECRET_FILE / --secret-file) : 1 à 256 caractères parmi A-Z, a-z, "
            "0-9, _ et -.",
        )
    return secret


def webhook_options(
    settings: Settings,
    listen: str | None,
    port: int | None,
    url: str | None,
    secret_file: Path | None = None,
) -> WebhookOptions:
    url = url or settings.care_webhook_url
    if not url:
        raise ConfigurationError(
            "webhook URL missing",
            user_message="Le mode webhook demande une URL publique : --url ou CARE_WEBHOOK_URL.",
        )
    secret = webhook_secret(settings, secret_file)
    return WebhookOptions(
        listen or settings.care_webhook_listen, port or settings.care_webhook_port, url, secret
    )


def run_webhook(settings: Settings, services: Services, options: WebhookOptions) -> None:
    protect_token(settings.telegram_token())
    application = build_application(settings, services)
    try:
        asyncio.run(serve_webhook(application, options))
    except (InvalidToken, NetworkError) as exc:
        raise _startup_error(exc, settings) from exc
