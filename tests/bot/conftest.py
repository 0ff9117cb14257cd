"""Handler tests: the real PTB ``Application`` talking to a recording ``BaseRequest``.

``RecordingRequest`` plays the Bot API the way Telegram does for what the bot uses: it answers
``getMe``, ``sendMessage``, ``editMessageText``, ``sendDocument``, ``getFile`` (and the file
download)… and refuses what Telegram refuses (malformed HTML, texts over 4,096 characters,
callback data over 64 bytes), so an escaping or splitting bug fails a test. Every call is recorded
with its decoded parameters; failures (``Forbidden``, ``BadRequest``, ``RetryAfter``, timeouts)
can be scripted per method.

``BotHarness`` builds the application with ``build_application`` on a fresh SQLite store (the
knowledge index is built once per session), runs ``on_startup`` like polling does, and feeds
``Update`` objects through ``process_update``.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from agent.flows.base import Flow
from agent.store import SqliteStore
from bot import container
from bot.container import Services, build_flows
from bot.settings import Settings
from bot.telegram.app import TelegramApp, build_application, on_startup, runtime_of
from bot.telegram.runtime import BotRuntime
from retrieval import KnowledgeIndex
from tests.conftest import KNOWLEDGE_DIR

TOKEN = "123456789:AAH4ndl3r-T3sts_0123456789abcdefghijkl"
BOT_ID = 123456789
BOT_USERNAME = "CareTestBot"
ADMIN = 1001
USER = 2002
OTHER = 2003
STRANGER = 3003
GROUP = -100777

SUPPORTED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")


class BotApiError(Exception):
    """What the fake Bot API answers instead of a result (status code + description)."""

    def __init__(self, status: int, description: str, retry_after: float | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def parse_html(text: str) -> str:
    """The plain text Telegram would show for an HTML-mode text; BotApiError like Telegram."""
    plain: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if match is None or match.group(2).lower() not in SUPPORTED_TAGS:
                raise BotApiError(
                    400,
                    "Bad Request: can't parse entities: Unsupported start tag at byte offset "
                    f"{position}",
                )
            closing, name = match.group(1), match.group(2).lower()
            if closing:
                if not stack or stack.pop() != name:
                    raise BotApiError(
                        400, f"Bad Request: can't parse entities: Unexpected end tag {name}"
                    )
            else:
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise BotApiError(
                    400, "Bad Request: can't parse entities: Unsupported HTML entity"
                )
            plain.append(html.unescape(match.group(0)))
            position = match.end()
        else:
            plain.append(char)
            position += 1
    if stack:
        raise BotApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag {stack[-1]}"
        )
    return "".join(plain)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One Bot API request as the bot made it, and what the fake answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes, str]] = field(default_factory=dict)
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def html(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def plain(self) -> str:
        """The text the user sees (tags removed, entities decoded)."""
        if self.params.get("parse_mode") == "HTML":
            return parse_html(self.html)
        return self.html

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def labels(self) -> list[str]:
        return [str(button["text"]) for button in self.buttons]

    def document(self) -> tuple[str, bytes, str]:
        (name, content, mime) = self.files["document"]
        return name or "", content, mime


@dataclass
class Failure:
    method: str
    error: BaseException | BotApiError
    times: int = 1
    when: Callable[[dict[str, Any]], bool] | None = None


class RecordingRequest(BaseRequest):
    """A Bot API that records every call and answers like Telegram (no network)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, content)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.answered: set[str] = set()
        self._message_ids = itertools.count(100_000)

    # -- scripting ------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        error: BaseException | BotApiError,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        self.failures.append(Failure(method, error, times, when))

    def add_file(self, file_id: str, file_path: str, content: bytes) -> None:
        self.files[file_id] = (file_path, content)

    def mark(self) -> int:
        return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        return self.calls[mark:]

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.ok
            and (method is None or call.method == method)
            and (chat_id is None or call.chat_id == chat_id)
        ]

    # -- BaseRequest ----------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if method == "GET":
            return self._download(url)
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str | None, bytes, str]] = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mime) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                files[name] = (filename, data, mime)
        call = Call(api_method, params, files)
        self.calls.append(call)
        try:
            self._scripted_failure(api_method, params)
            call.result = self._answer(api_method, params, files)
        except BotApiError as exc:
            call.error = exc.description
            body: dict[str, Any] = {"ok": False, "error_code": exc.status}
            body["description"] = exc.description
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return exc.status, json.dumps(body).encode()
        except TelegramError as exc:
            call.error = type(exc).__name__
            raise
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    def _scripted_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self.failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.when is not None and not failure.when(params):
                continue
            failure.times -= 1
            raise failure.error

    def _download(self, url: str) -> tuple[int, bytes]:
        for file_path, content in self.files.values():
            if url.endswith("/" + file_path):
                self.calls.append(Call("download", {"url": url}, result=len(content)))
                return 200, content
        return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'

    # -- answers --------------------------------------------------------------------------
    def _answer(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str | None, bytes, str]]
    ) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Assistant CaRE",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "answerCallbackQuery":
            query_id = str(params["callback_query_id"])
            if query_id in self.answered:  # Telegram accepts one answer per query
                raise BotApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID "
                    "is invalid",
                )
            if len(str(params.get("text") or "")) > 200:
                raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            self.answered.add(query_id)
            return True
        if method in ("sendChatAction", "deleteMessage"):
            return True
        if method in ("setMyCommands", "deleteMyCommands"):
            self._check_commands(params.get("commands") or [])
            return True
        if method == "sendMessage":
            return self._new_message(params, text=self._text(params, "text", 4096))
        if method == "sendDocument":
            name, content, mime = files["document"]
            message = self._new_message(params, caption=self._text(params, "caption", 1024, True))
            message["document"] = {
                "file_id": f"sent-doc-{message['message_id']}",
                "file_unique_id": f"u{message['message_id']}",
                "file_name": name,
                "mime_type": mime,
                "file_size": len(content),
            }
            return message
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, params)
        if method == "getFile":
            file_id = str(params["file_id"])
            if file_id not in self.files:
                raise BotApiError(400, "Bad Request: invalid file_id")
            file_path, content = self.files[file_id]
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(content),
                "file_path": file_path,
            }
        if method == "getUpdates":
            return []
        raise BotApiError(404, "Not Found: method not faked")

    def _text(self, params: dict[str, Any], key: str, limit: int, optional: bool = False) -> str:
        raw = str(params.get(key) or "")
        if not raw.strip() and not optional:
            raise BotApiError(400, "Bad Request: message text is empty")
        plain = parse_html(raw) if params.get("parse_mode") == "HTML" else raw
        if utf16_length(plain) > limit:
            what = "message is too long" if key == "text" else "message caption is too long"
            raise BotApiError(400, f"Bad Request: {what}")
        self._check_markup(params.get("reply_markup"))
        return plain

    @staticmethod
    def _check_markup(markup: dict[str, Any] | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not str(button.get("text") or "").strip():
                    raise BotApiError(400, "Bad Request: text buttons are unallowed")

    @staticmethod
    def _check_commands(commands: list[dict[str, Any]]) -> None:
        for command in commands:
            name, description = str(command["command"]), str(command["description"])
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")

    def chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self.chats:
            if chat_id < 0:
                self.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": "Groupe"}
            else:
                self.chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "U"}
        return self.chats[chat_id]

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Assistant CaRE"},
            **{key: value for key, value in content.items() if value},
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BotApiError(400, "Bad Request: message to edit not found")
        message = dict(self.messages[key])
        if method == "editMessageText":
            text = self._text(params, "text", 4096)
            if text == message.get("text") and params.get("reply_markup") == message.get(
                "reply_markup"
            ):
                raise BotApiError(400, "Bad Request: message is not modified")
            message["text"] = text
        else:
            self._check_markup(params.get("reply_markup"))
            if params.get("reply_markup") == message.get("reply_markup"):
                raise BotApiError(400, "Bad Request: message is not modified")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        self.messages[key] = message
        return message


def user_json(user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"Prénom{user_id}",
        "last_name": "Référent",
        "username": f"ref{user_id}",
        "language_code": "fr",
    }


# Update ids, like Telegram's, are never reused: not by a second application on the same store
# (a restart), not by another test. An update processed twice is a duplicate the bot drops.
_UPDATE_IDS = itertools.count(1)


class BotHarness:
    """One running application, its fake Bot API and its store; updates in, calls out."""

    def __init__(self, application: TelegramApp, request: RecordingRequest, store: SqliteStore):
        self.app = application
        self.api = request
        self.store = store
        self._update_ids = _UPDATE_IDS
        self._message_ids = itertools.count(1)

    @property
    def runtime(self) -> BotRuntime:
        return runtime_of(self.app)

    # -- updates --------------------------------------------------------------------------
    def _chat(self, user: int, chat: int | None) -> dict[str, Any]:
        if chat is None or chat == user:
            return {"id": user, "type": "private", "first_name": f"Prénom{user}"}
        return self.api.chat(chat)

    def message_update(self, user: int, chat: int | None = None, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user, chat),
            "from": user_json(user),
            **fields,
        }
        text = fields.get("text")
        if isinstance(text, str) and text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(
        self, user: int, data: str, message: dict[str, Any] | None
    ) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": str(next(self._update_ids) * 7),
            "from": user_json(user),
            "chat_instance": "instance",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return {"update_id": next(self._update_ids), "callback_query": query}

    async def process(self, update: dict[str, Any]) -> list[Call]:
        mark = self.api.mark()
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.api.since(mark)

    async def send(
        self, text: str, user: int = USER, chat: int | None = None, **fields: Any
    ) -> list[Call]:
        return await self.process(self.message_update(user, chat, text=text, **fields))

    async def send_file(
        self,
        filename: str,
        content: bytes,
        user: int = USER,
        chat: int | None = None,
        size: int | None = None,
        caption: str | None = None,
    ) -> list[Call]:
        file_id = f"in-{len(self.api.files)}"
        self.api.add_file(file_id, f"documents/{file_id}-{filename}", content)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": filename,
            "file_size": len(content) if size is None else size,
        }
        fields: dict[str, Any] = {"document": document}
        if caption:
            fields["caption"] = caption
        return await self.process(self.message_update(user, chat, **fields))

    def find_button(
        self, label: str | None = None, data: str | None = None, chat: int = USER
    ) -> tuple[dict[str, Any], str]:
        """The latest message of ``chat`` showing the button, and the button's callback data."""
        for (chat_id, _), message in reversed(self.api.messages.items()):
            if chat_id != chat:
                continue
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if (label is not None and button["text"] == label) or (
                        data is not None and button.get("callback_data") == data
                    ):
                        return message, str(button["callback_data"])
        raise AssertionError(f"no button {label or data!r} in chat {chat}")

    async def press(
        self,
        label: str | None = None,
        data: str | None = None,
        user: int = USER,
        chat: int | None = None,
    ) -> list[Call]:
        """Press a button the bot showed in ``chat`` (by label or callback data)."""
        message, callback = self.find_button(label, data, chat if chat is not None else user)
        return await self.process(self.callback_update(user, callback, message))


def texts_of(calls: list[Call]) -> list[str]:
    """What the user sees from these calls: sent texts and edits, in order."""
    return [
        call.plain
        for call in calls
        if call.ok and call.method in ("sendMessage", "editMessageText")
    ]


def joined(calls: list[Call]) -> str:
    return "\n".join(texts_of(calls))


def toasts(calls: list[Call]) -> list[str]:
    return [
        str(call.params.get("text") or "")
        for call in calls
        if call.ok and call.method == "answerCallbackQuery"
    ]


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    """The real knowledge base with deterministic fake vectors (LangChain's
    DeterministicFakeEmbedding): handler tests exercise the whole hybrid path without loading an
    encoder; retrieval quality is tested in tests/retrieval and tests/agent (real embedder)."""
    return KnowledgeIndex.open(KNOWLEDGE_DIR, tmp_path_factory.mktemp("bot-data"), "fake")


@pytest.fixture(scope="session")
def flows(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> list[Flow]:
    """The real flows (stateless: their state lives in the session), built once."""
    settings = Settings(_env_file=None, care_data_dir=tmp_path_factory.mktemp("flows"))  # type: ignore[call-arg]
    return build_flows(settings, knowledge_index)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "care_data_dir": data_dir,
        "telegram_bot_token": TOKEN,
        "telegram_base_url": "https://bot-api.invalid/bot",
        "telegram_base_file_url": "https://bot-api.invalid/file/bot",
        "care_admins": [ADMIN],
        "care_allowed_users": [USER, OTHER],
        "care_rate_limit_per_minute": 1000,
        # whatever the environment says: SQLite in tmp, no LLM, the documented defaults
        "care_database_url": None,
        "care_llm_base_url": None,
        "care_group_mode": "mentions",
        "care_upload_max_kb": 200,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


MakeBot = Callable[..., Awaitable[BotHarness]]


@pytest.fixture
async def make_bot(
    knowledge_index: KnowledgeIndex,
    flows: list[Flow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[MakeBot]:
    """Build (and later shut down) applications through the real composition root.

    ``bot.container.build_services`` runs as in production, except that the knowledge index and
    the flows built once per session are reused. The same ``data_dir`` means the same store.
    """
    monkeypatch.setattr(container, "open_index", lambda settings, progress=None: knowledge_index)
    monkeypatch.setattr(container, "build_flows", lambda settings, index, llm=None: flows)
    started: list[tuple[BotHarness, Services]] = []

    async def make(
        data_dir: Path | None = None, startup: bool = True, **overrides: Any
    ) -> BotHarness:
        settings = make_settings(data_dir or tmp_path, **overrides)
        services = container.build_services(settings)
        assert isinstance(services.store, SqliteStore)
        request = RecordingRequest()
        application = build_application(
            settings, services, request=request, get_updates_request=request, typing_delay=0
        )
        await application.initialize()
        harness = BotHarness(application, request, services.store)
        started.append((harness, services))
        if startup:
            await on_startup(application)
        return harness

    yield make
    for harness, services in started:
        if harness.app.running:
            await harness.app.stop()
        await harness.app.shutdown()
        services.close()


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotHarness:
    return await make_bot()


@pytest.fixture
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Retries without waiting (the back-off schedule itself is tested apart)."""
    from bot.telegram import delivery

    monkeypatch.setattr(delivery, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    yield
