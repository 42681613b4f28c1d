"""A local HTTP receiver standing in for webhook, Zalo and SMS-modem endpoints.

It listens on 127.0.0.1 on a free port and records every request. Per path it
answers like the service it stands in for, answers with an error, or hangs."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What the real services answer when they accept a message (Apprise checks these).
SMSEAGLE_PATH = "/jsonrpc/sms"
_SMSEAGLE_OK = {"result": {"message_id": 4753, "status": "ok"}}
_ZALO_OK = {"ok": True, "result": {"message_id": "m1"}}


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")

    @property
    def text(self) -> str:
        """The message text, whichever service the request was meant for."""
        if "message" in self.body and isinstance(self.body["message"], str):
            return self.body["message"]  # json:// (Apprise's custom JSON)
        if "text" in self.body:
            return self.body["text"]  # Zalo Bot API
        params = self.body.get("params") or {}
        return params.get("message", "")  # SMSEagle JSON-RPC


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._failing: dict[str, int] = {}
        self._hanging: set[str] = set()
        self._held: dict[str, int] = {}
        self.release = threading.Event()
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- set-up ------------------------------------------------------------------

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        """An Apprise json:// URL reaching this receiver at ``path``."""
        return f"json://127.0.0.1:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, path: str, status: int = 500) -> None:
        """Answer requests to ``path`` with ``status`` (recorded all the same)."""
        self._failing[path] = status

    def hang(self, path: str) -> None:
        """Never answer requests to ``path`` (until ``release`` is set)."""
        self._hanging.add(path)

    def hold(self, path: str, times: int = 1) -> None:
        """Record the next ``times`` requests to ``path`` at once, answer them only once
        ``release`` is set: the message has arrived, the sender does not know it yet."""
        self._held[path] = times

    # --- what arrived ------------------------------------------------------------

    def at(self, path: str) -> list[Received]:
        return [r for r in list(self.received) if r.path == path]

    def wait_for(self, count: int, *, path: str | None = None, timeout: float = 10) -> bool:
        """Wait (bounded) until ``count`` requests arrived (at ``path``)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                got = len(self.at(path)) if path else len(self.received)
                if got >= count:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)

    # --- the handler -------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            body = {"raw": raw.decode("utf-8", "replace")}
        path = request.path.split("?", 1)[0]
        headers = {name.lower(): value for name, value in request.headers.items()}
        with self._changed:
            self.received.append(Received(path=path, headers=headers, body=body))
            held = self._held.get(path, 0) > 0
            if held:
                self._held[path] -= 1
            self._changed.notify_all()
        if path in self._hanging or held:
            self.release.wait(60)
        status = self._failing.get(path, 200)
        if path == SMSEAGLE_PATH:
            answer = _SMSEAGLE_OK
        elif path.endswith("/sendMessage"):
            answer = _ZALO_OK
        else:
            answer = {"ok": status == 200}
        payload = json.dumps(answer).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except OSError:  # the sender gave up (a hang test, a killed worker)
            pass
