"""``care-bot telegram``: the Telegram bot, by long polling or ``--webhook``."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from bot.logging_setup import configure_logging
from bot.settings import load_settings

logger = logging.getLogger(__name__)


def telegram(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="Mode webhook au lieu du long polling.")
    ] = False,
    listen: Annotated[
        str | None, typer.Option(help="Adresse d'écoute du webhook (CARE_WEBHOOK_LISTEN).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port d'écoute du webhook (CARE_WEBHOOK_PORT).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="URL publique du webhook (CARE_WEBHOOK_URL).")
    ] = None,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            help="Fichier contenant le secret du webhook (CARE_WEBHOOK_SECRET_FILE) ; ou "
            "CARE_WEBHOOK_SECRET. Jamais le secret lui-même sur la ligne de commande.",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Journal détaillé, avec les traces d'erreur.")
    ] = False,
) -> None:
    """Lance le bot Telegram (long polling, ou --webhook avec /health)."""
    os.umask(0o077)  # every file the bot writes (store, index) is readable by its user only
    settings = load_settings()
    configure_logging("DEBUG" if verbose else settings.care_log_level, settings.care_log_json)
    settings.telegram_token()  # a missing or malformed token stops here, in French
    from bot.telegram import run_polling, run_webhook, webhook_options

    options = webhook_options(settings, listen, port, url, secret_file) if webhook else None
    from bot.container import build_services

    services = build_services(settings)
    try:
        if options is not None:
            run_webhook(settings, services, options)
        else:
            logger.info("starting long polling")
            run_polling(settings, services)
    finally:
        services.close()


def register(app: typer.Typer) -> None:
    app.command("telegram")(telegram)
