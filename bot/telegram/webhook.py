"""Webhook mode: a small tornado server receiving updates, plus ``GET /health``.

Telegram posts each update to the public URL with the secret in the
``X-Telegram-Bot-Api-Secret-Token`` header; a request without the right secret is rejected (403)
before anything reads its body. Updates go to PTB's update queue, processed like polling ones,
and Telegram gets its 200 once the update is processed (or after ``ACK_TIMEOUT`` seconds): if
the process dies before, Telegram delivers the update again, and the assistant drops an update
it had already committed, so each is processed exactly once.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.error import BadRequest

from bot.errors import ConfigurationError
from bot.telegram.app import ALLOWED_UPDATES, TelegramApp, on_startup, runtime_of
from bot.telegram.ordering import PerUserUpdateProcessor
from bot.telegram.polling import stop_on_signals
from bot.telegram.restart import housekeeping

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY_BYTES = 1_000_000
ACK_TIMEOUT = 25.0  # seconds an update may take before Telegram gets its 200 anyway


class Completions:
    """Futures resolved when the update processor is done with an update id."""

    def __init__(self) -> None:
        self._waiting: dict[int, list[asyncio.Future[None]]] = {}

    def expect(self, update_id: int) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(update_id, []).append(future)
        return future

    def done(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        for future in self._waiting.pop(update.update_id, []):
            if not future.done():
                future.set_result(None)


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
    def initialize(self, telegram_app: TelegramApp, secret: str, completions: Completions) -> None:
        self.application_ = telegram_app
        self.secret = secret.encode()
        self.completions = completions

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            logger.warning(
                "webhook: request from %s rejected (wrong secret token)", self.request.remote_ip
            )
            self.set_status(403)
            return
        if not self.application_.running:
            # Shutting down: an update accepted now would be dropped; Telegram sends it again.
            self.set_status(503)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.application_.bot)
        except (ValueError, TypeError, KeyError):
            logger.warning("webhook: malformed update rejected")
            self.set_status(400)
            return
        # No await between the running check and the put: stop() cannot slip in between, so
        # every update accepted is processed before the application stops.
        finished = self.completions.expect(update.update_id)
        self.application_.update_queue.put_nowait(update)
        try:
            await asyncio.wait_for(asyncio.shield(finished), ACK_TIMEOUT)
        except TimeoutError:
            logger.info("webhook: update %s still in progress, acknowledged", update.update_id)
        self.set_status(200)


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, telegram_app: TelegramApp) -> None:
        self.application_ = telegram_app

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


def make_web_app(
    application: TelegramApp, options: WebhookOptions, completions: Completions | None = None
) -> tornado.web.Application:
    # Handler keyword arguments must not be called "application": tornado's RequestHandler
    # takes its own web application under that name.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    if completions is None:
        completions = Completions()
        processor = application.update_processor
        if isinstance(processor, PerUserUpdateProcessor):
            processor.add_done_listener(completions.done)
    return tornado.web.Application(
        [
            (r"/health", _HealthHandler, {"telegram_app": application}),
            (
                re.escape(options.path),
                _UpdateHandler,
                {
                    "telegram_app": application,
                    "secret": options.secret,
                    "completions": completions,
                },
            ),
        ]
    )


async def _register(application: TelegramApp, options: WebhookOptions) -> None:
    try:
        await application.bot.set_webhook(
            options.url, secret_token=options.secret, allowed_updates=ALLOWED_UPDATES
        )
    except BadRequest as exc:  # e.g. not HTTPS, a port Telegram does not post to
        raise ConfigurationError(
            f"Telegram refused the webhook URL: {exc.message}",
            user_message=f"Telegram refuse l'URL du webhook {options.url} ({exc.message}) : "
            "il faut une URL HTTPS publique sur le port 443, 80, 88 ou 8443.",
        ) from exc


async def serve_webhook(application: TelegramApp, options: WebhookOptions) -> None:
    """Run until SIGINT / SIGTERM: start the application, listen, register the webhook.

    Shutdown is graceful: the listening socket closes, updates still arriving on open
    connections get 503 (Telegram delivers them again), and ``Application.stop`` waits for the
    updates already accepted, including those being processed, before the process exits. The
    webhook stays registered: other replicas may serve it, and a restart takes over.
    """
    stop = asyncio.Event()
    stop_on_signals(stop)
    async with application:
        await on_startup(application)
        await application.start()
        try:
            server = make_web_app(application, options).listen(
                options.port, address=options.listen, max_body_size=MAX_BODY_BYTES, xheaders=True
            )
        except OSError as exc:
            await application.stop()
            raise ConfigurationError(
                f"cannot listen on {options.listen}:{options.port}: {exc.strerror}",
                user_message=f"Impossible d'écouter sur {options.listen}:{options.port} "
                f"({exc.strerror}) : choisissez un autre port (--port ou CARE_WEBHOOK_PORT).",
            ) from exc
        try:
            await _register(application, options)
            logger.info("webhook listening on %s:%d%s", options.listen, options.port, options.path)
            async with housekeeping(runtime_of(application)):
                await stop.wait()
        finally:
            logger.info("webhook: stopping, finishing the updates in progress")
            server.stop()
            await application.stop()
            await server.close_all_connections()
            logger.info("webhook: stopped")
