"""A loopback OpenAI-compatible chat server for tests: a few lines of HTTP, scripted replies.

    with StubLLMServer() as server:
        server.reply = "Le programme CaRE … [1]."      # or server.behaviour = "hang" / "500" / …
        ChatOpenAI(base_url=server.base_url, …)

Behaviours: ``ok`` (``reply``, a string or a function of the request body), ``no_citation``,
``invented_citation``, ``hang`` (never answers until shutdown), ``500`` (or any status code:
``404``, ``401``…), ``garbage`` (200 with
a non-JSON body), ``empty`` (200 with empty content), ``too_long``. ``refused_url()`` gives a
URL where nothing listens (connection refused). Every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]

NO_CITATION = "Le programme CaRE finance la formation continue des médecins libéraux."
INVENTED_CITATION = "Le programme CaRE finance la cybersécurité des établissements [7]."
TOO_LONG = "Le programme CaRE finance des actions de cybersécurité [1]. " * 200


class StubLLMServer:
    def __init__(self) -> None:
        self.behaviour = "ok"
        self.reply: Reply = "Le programme CaRE finance la cybersécurité des hôpitaux [1]."
        self.finish_reason = "stop"
        self.requests: list[dict[str, Any]] = []
        self._release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "stub-model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append(body)
                stub._answer(self, body)

            def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> StubLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, handler: Any, body: dict[str, Any]) -> None:
        behaviour = self.behaviour
        if behaviour == "hang":
            self._release.wait(30)
            return
        if behaviour.isdigit():  # "500", "404", "401"…: that HTTP status with an error body
            handler._send(
                int(behaviour), {"error": {"message": "stub error", "type": "stub_error"}}
            )
            return
        if behaviour == "garbage":
            handler._send(200, None, raw=b"<html>\x00\xff not json at all")
            return
        reply = self.reply
        canned = {
            "no_citation": NO_CITATION,
            "invented_citation": INVENTED_CITATION,
            "empty": "",
            "too_long": TOO_LONG,
        }
        if behaviour != "ok":
            content = canned[behaviour]
        else:
            content = reply if isinstance(reply, str) else reply(body)
        handler._send(200, completion(content, body.get("model", "stub"), self.finish_reason))


def completion(content: str, model: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def refused_url() -> str:
    """A loopback URL on a port that was free a moment ago: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def user_prompt(body: dict[str, Any]) -> str:
    """The last user message of a recorded request."""
    messages = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = messages[-1]["content"] if messages else ""
    return content if isinstance(content, str) else json.dumps(content)


def system_prompt(body: dict[str, Any]) -> str:
    messages = [m for m in body.get("messages", []) if m.get("role") == "system"]
    return messages[0]["content"] if messages else ""
