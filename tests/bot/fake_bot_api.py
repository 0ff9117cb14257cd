"""A small fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and load scripts.

It serves ``/bot<token>/<method>`` the way Telegram does for what the bot uses (``getMe``,
``getUpdates`` with long polling and offset confirmation, ``setWebhook`` …, ``sendMessage``,
``editMessageText``, ``sendDocument`` with the file bytes kept, ``getFile`` and the download under
``/file/bot<token>/…``) and answers ``true`` to any other method. A scripted user talks to the bot
with ``send_text``, ``press`` and ``send_document``; the test reads what the bot sent with
``events`` and ``wait_for``. Updates go out by ``getUpdates`` or, once a webhook is set (by the bot
or with ``deliver_to``), by POSTing them to the webhook URL(s), round-robin, with the secret
header.

Everything is guarded by one condition variable: the HTTP threads, the delivery threads and the
test thread may call any method at any time.
"""

from __future__ import annotations

import email.parser
import email.policy
import http.client
import itertools
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_ID = 5550001
BOT_USERNAME = "CareFakeBot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

_JSON_PARAMS = frozenset(
    {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities"}
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "user_id"})
_OUTGOING = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "deleteMessage"}
)


@dataclass(frozen=True)
class SentDocument:
    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class Event:
    """One call of the bot concerning a chat (a message sent or edited, an action, a toast)."""

    method: str
    chat_id: int | None
    params: dict[str, Any]
    at: float  # time.monotonic() when the call was answered
    message_id: int | None = None
    document: SentDocument | None = None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """``(label, callback_data)`` of the inline keyboard sent with this call."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]

    @property
    def outgoing(self) -> bool:
        return self.method in _OUTGOING


@dataclass(frozen=True)
class Call:
    """Any request the bot made, recorded when it arrived."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass(frozen=True)
class Posted:
    """What a scripted user sent: the update id, when, and the chat's event count at that time."""

    update_id: int
    chat_id: int
    at: float
    mark: int


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: dict[int, list[Event]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_targets: list[str] = field(default_factory=list)
    delivery_errors: list[str] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)  # callback query id → chat
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)


class FakeBotApi:
    """The fake server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self, token: str, delivery_threads: int = 8) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)  # calls, updates, webhook errors
        self._chat_conds: dict[int, threading.Condition] = {}  # events, per chat
        self._state = _State()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._round_robin = itertools.count()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self._outbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._delivery_threads = delivery_threads

    # -- life cycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For TELEGRAM_BASE_URL: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> FakeBotApi:
        serve = threading.Thread(
            target=self._server.serve_forever, name="fake-bot-api", daemon=True
        )
        serve.start()
        self._threads.append(serve)
        for number in range(self._delivery_threads):
            worker = threading.Thread(target=self._deliver_loop, name=f"fake-deliver-{number}")
            worker.daemon = True
            worker.start()
            self._threads.append(worker)
        return self

    def stop(self) -> None:
        for _ in range(self._delivery_threads):
            self._outbox.put(None)
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the scripted user ---------------------------------------------------------------------
    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> Posted:
        message = self._user_message(user_id, chat_id)
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._post_update({"message": message}, message["chat"]["id"])

    def send_document(
        self, user_id: int, filename: str, content: bytes, mime: str = "application/x-yaml"
    ) -> Posted:
        file_id = f"file-{next(self._ids)}"
        with self._cond:
            self._state.files[file_id] = (content, filename)
        message = self._user_message(user_id, None)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(content),
        }
        return self._post_update({"message": message}, user_id)

    def press(self, user_id: int, callback_data: str, chat_id: int | None = None) -> Posted:
        """Press the newest button carrying ``callback_data`` in the chat."""
        chat = user_id if chat_id is None else chat_id
        with self._cond:
            message = self._message_with_button(chat, lambda _label, data: data == callback_data)
        return self._press(user_id, chat, message, callback_data)

    def press_label(self, user_id: int, label: str, chat_id: int | None = None) -> Posted:
        """Press the newest button whose label contains ``label``."""
        chat = user_id if chat_id is None else chat_id
        with self._cond:
            message = self._message_with_button(chat, lambda text, _data: label in text)
        data = next(d for text, d in _buttons_of(message) if label in text)
        return self._press(user_id, chat, message, data)

    def _press(self, user_id: int, chat: int, message: dict[str, Any], data: str) -> Posted:
        query_id = str(next(self._ids))
        with self._cond:
            self._state.queries[query_id] = chat
        query = {
            "id": query_id,
            "from": _user(user_id),
            "message": message,
            "chat_instance": f"ci{chat}",
            "data": data,
        }
        return self._post_update({"callback_query": query}, chat)

    def _message_with_button(self, chat: int, match: Callable[[str, str], bool]) -> dict[str, Any]:
        candidates = [m for (c, _), m in self._state.messages.items() if c == chat]
        for message in sorted(candidates, key=lambda m: int(m["message_id"]), reverse=True):
            if any(match(text, data) for text, data in _buttons_of(message)):
                return json.loads(json.dumps(message))  # type: ignore[no-any-return]
        raise LookupError(f"no button matching in chat {chat}")

    def _user_message(self, user_id: int, chat_id: int | None) -> dict[str, Any]:
        chat: dict[str, Any] = (
            {"id": user_id, "type": "private", "first_name": f"User{user_id}"}
            if chat_id is None or chat_id == user_id
            else {"id": chat_id, "type": "group", "title": "Groupe"}
        )
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": _user(user_id),
        }

    def _post_update(self, body: dict[str, Any], chat_id: int) -> Posted:
        with self._cond:
            update = {"update_id": next(self._update_ids), **body}
            mark = len(self._state.events.get(chat_id, []))
            posted = Posted(update["update_id"], chat_id, time.monotonic(), mark)
            if self._state.webhook_targets or self._state.webhook_url:
                self._outbox.put(update)
            else:
                self._state.updates.append(update)
                self._cond.notify_all()
        return posted

    # -- webhook delivery ----------------------------------------------------------------------
    def deliver_to(self, urls: list[str], secret: str) -> None:
        """Deliver updates by POSTing them to ``urls`` in turn (a round-robin dispatcher)."""
        with self._cond:
            self._state.webhook_targets = list(urls)
            self._state.webhook_secret = secret

    def _deliver_loop(self) -> None:
        connections: dict[str, http.client.HTTPConnection] = {}
        while (update := self._outbox.get()) is not None:
            with self._cond:
                targets = self._state.webhook_targets or [self._state.webhook_url]
                secret = self._state.webhook_secret
            url = targets[next(self._round_robin) % len(targets)]
            try:
                status = _post_json(connections, url, update, {SECRET_HEADER: secret})
            except OSError as exc:
                status, reason = 0, f"{type(exc).__name__}: {exc}"
            else:
                reason = f"HTTP {status}"
            if status != 200:
                with self._cond:
                    self._state.delivery_errors.append(f"update {update['update_id']}: {reason}")
                    self._cond.notify_all()

    @property
    def delivery_errors(self) -> list[str]:
        with self._cond:
            return list(self._state.delivery_errors)

    # -- what the bot did ----------------------------------------------------------------------
    def events(self, chat_id: int, since: int = 0) -> list[Event]:
        with self._cond:
            return list(self._state.events.get(chat_id, [])[since:])

    def messages(self, chat_id: int, since: int = 0) -> list[Event]:
        """Messages and documents sent to the chat (not edits nor actions)."""
        kept = ("sendMessage", "sendDocument")
        return [e for e in self.events(chat_id, since) if e.method in kept]

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._state.calls if method is None or c.method == method]

    def mark(self, chat_id: int) -> int:
        with self._cond:
            return len(self._state.events.get(chat_id, []))

    def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[Event], bool],
        timeout: float = 10.0,
        since: int | Posted = 0,
    ) -> Event:
        """The first event of the chat (from ``since``) matching ``predicate``; waits for it."""
        start = since.mark if isinstance(since, Posted) else since
        deadline = time.monotonic() + timeout
        with self._cond:
            condition = self._chat_condition(chat_id)
            while True:
                for event in self._state.events.get(chat_id, [])[start:]:
                    if predicate(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [
                        f"{e.method}: {e.text[:80]!r}"
                        for e in self._state.events.get(chat_id, [])[start:]
                    ]
                    raise TimeoutError(f"chat {chat_id}: nothing matched in {timeout} s; {seen}")
                condition.wait(left)

    def _chat_condition(self, chat_id: int) -> threading.Condition:
        """The condition waiters of one chat sleep on (the lock is held)."""
        condition = self._chat_conds.get(chat_id)
        if condition is None:
            condition = self._chat_conds[chat_id] = threading.Condition(self._lock)
        return condition

    def wait_for_call(
        self,
        method: str,
        timeout: float = 10.0,
        after: float = 0.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> Call:
        """The first ``method`` call made at ``after`` or later (and matching ``predicate``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._state.calls:
                    if (
                        call.method == method
                        and call.at >= after
                        and (predicate is None or predicate(call))
                    ):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {method} call in {timeout} s")
                self._cond.wait(left)

    def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> Call:
        """Wait until the bot confirmed ``update_id`` (a getUpdates with a greater offset)."""
        return self.wait_for_call(
            "getUpdates", timeout, predicate=lambda c: int(c.params.get("offset") or 0) > update_id
        )

    def fail(self, method: str, status: int = 0, description: str = "") -> None:
        """Answer ``method`` with this Bot API error from now on (status 0: answer normally)."""
        with self._cond:
            if status:
                self._state.failures[method] = (status, description)
            else:
                self._state.failures.pop(method, None)

    def delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after ``seconds`` (0 to stop delaying)."""
        with self._cond:
            self._state.delays[method] = seconds

    @property
    def pending_updates(self) -> int:
        with self._cond:
            return len(self._state.updates)

    # -- the API -------------------------------------------------------------------------------
    def handle_api(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            self._state.calls.append(Call(method, params, time.monotonic()))
            self._cond.notify_all()
            delay = self._state.delays.get(method, 0.0)
            failure = self._state.failures.get(method)
        if delay:
            time.sleep(delay)
        if failure is not None:
            return failure[0], _error(*failure)
        if method == "getUpdates":
            return self._get_updates(params)
        with self._cond:
            result = self._dispatch(method, params)
        if isinstance(result, tuple):
            return result
        return 200, {"ok": True, "result": result}

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {**_bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}  # fmt: skip
        if method in ("setWebhook", "deleteWebhook", "getWebhookInfo"):
            return self._webhook_method(method, params)
        if method == "getFile":
            return self._get_file(str(params.get("file_id", "")))
        if "chat_id" in params:
            return self._chat_method(method, _as_int(params["chat_id"]), params)
        if method == "answerCallbackQuery":
            chat_id = self._state.queries.get(str(params.get("callback_query_id")))
            if chat_id is not None:
                self._record(method, chat_id, params)
        return True

    def _webhook_method(self, method: str, params: dict[str, Any]) -> Any:
        if method == "setWebhook":
            self._state.webhook_url = str(params.get("url", ""))
            self._state.webhook_secret = str(params.get("secret_token", ""))
            return True
        if method == "deleteWebhook":
            self._state.webhook_url = ""
            if params.get("drop_pending_updates") in (True, "true", "True"):
                self._state.updates.clear()
            return True
        return {"url": self._state.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._state.updates)}  # fmt: skip

    def _chat_method(self, method: str, chat_id: int, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            message = self._new_message(chat_id, {"text": params.get("text", "")}, params)
            self._record(method, chat_id, params, message["message_id"])
            return message
        if method == "sendDocument":
            return self._send_document(chat_id, params)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, chat_id, _as_int(params.get("message_id")), params)
        if method == "deleteMessage":
            message_id = _as_int(params.get("message_id"))
            self._state.messages.pop((chat_id, message_id), None)
            self._record(method, chat_id, params, message_id)
            return True
        self._record(method, chat_id, params)  # sendChatAction and the others
        return True

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            if self._state.webhook_url:
                return 409, _error(409, "Conflict: can't use getUpdates while webhook is active")
            if offset:
                self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
            while not self._state.updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
                self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
            return 200, {"ok": True, "result": self._state.updates[:limit]}

    def _new_message(
        self, chat_id: int, content: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": _bot_user(),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._state.messages[(chat_id, message["message_id"])] = message
        return message

    def _send_document(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        upload = params.get("document")
        if not isinstance(upload, SentDocument):
            raise _ApiError(400, "Bad Request: there is no document in the request")
        file_id = f"doc-{next(self._ids)}"
        self._state.files[file_id] = (upload.content, upload.filename)
        content: dict[str, Any] = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": upload.filename,
                "mime_type": upload.mime,
                "file_size": len(upload.content),
            }
        }
        if params.get("caption"):
            content["caption"] = params["caption"]
        message = self._new_message(chat_id, content, params)
        self._record("sendDocument", chat_id, params, message["message_id"], upload)
        return message

    def _edit(
        self, method: str, chat_id: int, message_id: int, params: dict[str, Any]
    ) -> dict[str, Any]:
        message = self._state.messages.get((chat_id, message_id))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if method == "editMessageText":
            message["text"] = params.get("text", "")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        self._record(method, chat_id, params, message_id)
        return message

    def _get_file(self, file_id: str) -> dict[str, Any]:
        if file_id not in self._state.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        content, name = self._state.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content),
                "file_path": f"documents/{file_id}/{name}"}  # fmt: skip

    def file_content(self, file_path: str) -> bytes | None:
        file_id = file_path.split("/")[1] if file_path.count("/") >= 2 else ""
        with self._cond:
            entry = self._state.files.get(file_id)
        return entry[0] if entry else None

    def _record(
        self,
        method: str,
        chat_id: int | None,
        params: dict[str, Any],
        message_id: int | None = None,
        document: SentDocument | None = None,
    ) -> None:
        kept = {k: v for k, v in params.items() if not isinstance(v, SentDocument)}
        event = Event(method, chat_id, kept, time.monotonic(), message_id, document)
        chat = chat_id if chat_id is not None else 0
        self._state.events.setdefault(chat, []).append(event)
        self._chat_condition(chat).notify_all()


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": status, "description": description}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "fr"}


def _bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Assistant CaRE", "username": BOT_USERNAME}


def _buttons_of(message: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            yield button.get("text", ""), button.get("callback_data", "")


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _decode_value(name: str, value: str) -> Any:
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    params: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = SentDocument(filename, data, part.get_content_type())
        else:
            params[name] = _decode_value(name, data.decode("utf-8"))
    return params


def parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Decode a Bot API request: query string, JSON, urlencoded form or multipart."""
    params: dict[str, Any] = {k: _decode_value(k, v) for k, v in parse_qsl(query)}
    if content_type.startswith("multipart/form-data"):
        params |= _parse_multipart(content_type, body)
    elif content_type.startswith("application/json") and body:
        params |= json.loads(body)
    elif body:
        params |= {k: _decode_value(k, v) for k, v in parse_qsl(body.decode("utf-8"))}
    return params


def _post_json(
    connections: dict[str, http.client.HTTPConnection],
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> int:
    """POST on a kept-alive connection per target; one new connection when it was closed."""
    parts = urlsplit(url)
    data = json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **headers}
    for attempt in range(2):
        connection = connections.get(parts.netloc)
        if connection is None:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            connections[parts.netloc] = connection
        try:
            connection.request("POST", parts.path or "/", data, all_headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, ConnectionError):
            connection.close()
            del connections[parts.netloc]
            if attempt:
                raise
    return 0  # pragma: no cover - the loop returns or raises


def _make_handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK wait

        def log_message(self, format: str, *args: Any) -> None:
            """Silent."""

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            # One write for the status line, headers and body (no Nagle / delayed-ACK stall).
            head = (
                f"{self.protocol_version} {status} {HTTPStatus(status).phrase}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            self.wfile.write(head.encode("latin-1") + body)

        def _api(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            prefix = f"/bot{api.token}/"
            if url.path.startswith(f"/file/bot{api.token}/"):
                content = api.file_content(url.path.removeprefix(f"/file/bot{api.token}/"))
                if content is None:
                    self._reply(404, b"not found", "text/plain")
                else:
                    self._reply(200, content, "application/octet-stream")
                return
            if not url.path.startswith(prefix):
                self._reply(
                    401, json.dumps(_error(401, "Unauthorized")).encode(), "application/json"
                )
                return
            method = url.path.removeprefix(prefix)
            try:
                params = parse_params(self.headers.get("Content-Type", ""), body, url.query)
                status, answer = api.handle_api(method, params)
            except _ApiError as exc:
                status, answer = exc.status, _error(exc.status, exc.description)
            self._reply(status, json.dumps(answer).encode(), "application/json")

        def do_GET(self) -> None:
            self._api()

        def do_POST(self) -> None:
            self._api()

    return Handler
