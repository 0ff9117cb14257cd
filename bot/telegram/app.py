"""The application factory: settings + services → a configured PTB ``Application``.

``build_application`` wires the request objects (retried connections, timeouts), PTB's
``AIORateLimiter`` (Telegram flood control, ``RetryAfter`` retried), the per-user update
processor, the access gate (one pre-handler, ``bot.telegram.gate``), the handlers of each
module and the error handler. ``on_startup`` seeds the allowlist and registers the command
menu; PTB calls it as ``post_init`` when polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import httpx
from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from agent.commands import Command
from bot.container import Services
from bot.settings import Settings
from bot.telegram.access import AccessControl
from bot.telegram.admin import ADMIN_COMMANDS, Admin
from bot.telegram.conversation import Conversation
from bot.telegram.erasure import Erasure
from bot.telegram.errors import ErrorHandler
from bot.telegram.gate import Gate
from bot.telegram.ordering import PerUserUpdateProcessor
from bot.telegram.rate_limit import SlidingWindowLimiter
from bot.telegram.restart import forget_denied_requests, resume_interrupted
from bot.telegram.runtime import BotRuntime

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
RUNTIME_KEY = "care_runtime"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
RATE_LIMIT_RETRIES = 3


def _request(settings: Settings, read_timeout: float) -> HTTPXRequest:
    # Connection failures are retried by the transport (the request was not sent); timeouts and
    # other network errors by bot.telegram.delivery.with_retry.
    transport = httpx.AsyncHTTPTransport(
        retries=3, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64)
    )
    return HTTPXRequest(
        connection_pool_size=256,
        read_timeout=read_timeout,
        write_timeout=20.0,
        connect_timeout=10.0,
        pool_timeout=5.0,
        httpx_kwargs={"transport": transport},
    )


def quiet_telegram_logs() -> None:
    """PTB logs its URLs (with the token) and every request's parameters (message text) at
    DEBUG: its loggers never go below INFO, whatever the configured level."""
    for name in ("telegram", "httpx", "httpcore"):
        library = logging.getLogger(name)
        floor = logging.WARNING if name != "telegram" else logging.INFO
        library.setLevel(max(floor, library.getEffectiveLevel()))


def build_application(
    settings: Settings,
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    typing_delay: float = 0.5,
) -> TelegramApp:
    """A ready-to-run application; tests pass recording request objects."""
    quiet_telegram_logs()  # before the Bot exists: it logs its URL when created
    runtime = BotRuntime(
        settings=settings,
        assistant=services.assistant,
        store=services.store,
        access=AccessControl(services.store, settings.care_allowed_users, settings.care_admins),
        limiter=SlidingWindowLimiter(settings.care_rate_limit_per_minute),
        reindex=services.index.refresh,
        typing_delay=typing_delay,
        upload_max_bytes=settings.care_upload_max_kb * 1000,
    )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(request or _request(settings, read_timeout=15.0))
        .get_updates_request(get_updates_request or _request(settings, read_timeout=30.0))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.care_telegram_max_rate, max_retries=RATE_LIMIT_RETRIES
            )
        )
        .concurrent_updates(PerUserUpdateProcessor(settings.care_telegram_concurrency))
        .updater(None)  # polling is bot.telegram.polling: it confirms an update once processed
    )
    application: TelegramApp = builder.build()
    application.bot_data[RUNTIME_KEY] = runtime
    erasure = Erasure(runtime)
    Gate(runtime, erasure.offer).register(application)  # group -1: before every handler
    Admin(runtime).register(application)
    erasure.register(application)
    Conversation(runtime).register(application)
    application.add_error_handler(ErrorHandler(runtime.metrics))
    return application


def runtime_of(application: TelegramApp) -> BotRuntime:
    runtime: BotRuntime = application.bot_data[RUNTIME_KEY]
    return runtime


def bot_commands(runtime: BotRuntime, admin: bool = False) -> list[BotCommand]:
    """The command menu, derived from the assistant's command table (and, for an
    administrator's chat, the administrators' table)."""
    tables: list[Iterable[Command[Any]]] = [runtime.assistant.commands]
    if admin:
        tables.append(ADMIN_COMMANDS)
    return [
        BotCommand(command.menu_name, command.menu_description)
        for table in tables
        for command in table
    ]


async def on_startup(application: TelegramApp) -> None:
    """Seed the allowlist, forget the requests denied long ago, resume the dialogues whose last
    replies may not have been sent (before any new update is read), then register the French
    command menus (a failure is only logged: each menu on its own, so one refusal never leaves
    the others unregistered)."""
    runtime = runtime_of(application)
    await asyncio.to_thread(runtime.access.seed)
    await forget_denied_requests(runtime)
    await resume_interrupted(application.bot, runtime)
    bot = application.bot
    for language in ("fr", None):
        try:
            await bot.set_my_commands(
                bot_commands(runtime), scope=BotCommandScopeDefault(), language_code=language
            )
        except TelegramError as exc:
            logger.warning("command menu (%s) not registered: %s", language or "default", exc)
    for admin in sorted(runtime.access.admins):
        try:
            await bot.set_my_commands(
                bot_commands(runtime, admin=True), scope=BotCommandScopeChat(admin)
            )
        except TelegramError as exc:  # e.g. the admin has not written to the bot yet
            logger.info("admin menu not registered for %s: %s", admin, exc)
    logger.info("bot @%s ready (%d flows)", bot.username, len(runtime.assistant.flows))
