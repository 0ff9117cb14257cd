"""Webhook mode: a small tornado server receiving updates, plus ``GET /health``.

Telegram posts each update to the public URL with the secret in the
``X-Telegram-Bot-Api-Secret-Token`` header; a request without the right secret is rejected (403)
before anything reads its body. Updates go to PTB's update queue, processed like polling ones.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import tornado.web
from telegram import Update

from bot.telegram.app import ALLOWED_UPDATES, TelegramApp, on_startup, runtime_of

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class WebhookOptions:
    listen: str
    port: int
    url: str
    secret: str

    @property
    def path(self) -> str:
        return urlparse(self.url).path or "/"


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, application: TelegramApp, secret: str) -> None:
        self.application_ = application
        self.secret = secret.encode()

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            logger.warning(
                "webhook: request from %s rejected (wrong secret token)", self.request.remote_ip
            )
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.application_.bot)
        except (ValueError, TypeError, KeyError):
            logger.warning("webhook: malformed update rejected")
            self.set_status(400)
            return
        await self.application_.update_queue.put(update)
        self.set_status(200)


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, application: TelegramApp) -> None:
        self.application_ = application

    async def get(self) -> None:
        runtime = runtime_of(self.application_)
        status: dict[str, Any] = {"status": "ok", "mode": "webhook"}
        try:
            await asyncio.to_thread(runtime.store.get_user, "health-check")
        except Exception as exc:  # any store failure makes the instance unhealthy
            logger.warning("health: store unavailable: %s", exc)
            status["status"] = "store_unavailable"
            self.set_status(503)
        status |= runtime.metrics.as_dict()
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(status))


def make_web_app(application: TelegramApp, options: WebhookOptions) -> tornado.web.Application:
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    return tornado.web.Application(
        [
            (r"/health", _HealthHandler, {"application": application}),
            (
                options.path.replace(".", r"\."),
                _UpdateHandler,
                {"application": application, "secret": options.secret},
            ),
        ]
    )


async def serve_webhook(application: TelegramApp, options: WebhookOptions) -> None:
    """Run until SIGINT / SIGTERM: start the application, listen, register the webhook."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await on_startup(application)
        await application.start()
        server = make_web_app(application, options).listen(
            options.port, address=options.listen, max_body_size=MAX_BODY_BYTES, xheaders=True
        )
        try:
            await application.bot.set_webhook(
                options.url, secret_token=options.secret, allowed_updates=ALLOWED_UPDATES
            )
            logger.info("webhook listening on %s:%d%s", options.listen, options.port, options.path)
            await stop.wait()
        finally:
            server.stop()
            await application.stop()
