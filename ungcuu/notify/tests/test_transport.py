"""Sending over Apprise: the connection to a chat service is kept between messages, and
nothing of one message (a cookie) reaches the next."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from ungcuu.notify import transport


class ChatService:
    """An HTTP/1.1 service that keeps connections open, notes each message's client
    port and cookie header, and sets a cookie in every answer."""

    def __init__(self) -> None:
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append((self.client_address[1], self.headers.get("Cookie")))
                self.send_response(200)
                self.send_header("Set-Cookie", "session=abc; Path=/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_messages_to_one_service_share_a_connection_and_never_carry_a_cookie():
    service = ChatService()
    try:
        for n in range(3):
            transport.send(service.url, title="Sự cố", body=f"Tin {n}", key=f"k{n}")
    finally:
        service.stop()
    ports = {port for port, _cookie in service.seen}
    assert len(service.seen) == 3 and len(ports) == 1
    assert [cookie for _port, cookie in service.seen] == [None, None, None]


def test_other_code_still_gets_a_new_session_per_call():
    """Only the sending threads use the kept session."""
    service = ChatService()
    try:
        base = service.url.replace("json://", "http://")
        for _ in range(2):
            assert requests.post(base, data=b"x", timeout=5).status_code == 200
    finally:
        service.stop()
    assert len({port for port, _cookie in service.seen}) == 2


def test_a_channels_longest_body_is_read_once_per_kind_of_channel(monkeypatch):
    """A hub has thousands of channels: their limits cost one look per scheme."""
    looked = []
    plain = transport._plugin
    monkeypatch.setattr(transport, "_body_limits", {})
    monkeypatch.setattr(transport, "_plugin", lambda url: looked.append(url) or plain(url))
    limits = {transport.body_limit(f"zalo://123456:ABCdef/chat{n}") for n in range(50)}
    assert limits == {2000} and len(looked) == 1
    assert transport.body_limit("httpsms://KHOA@0912345678/0987654321") == 160
    assert transport.body_limit("not a url") == 32768  # refused: nothing kept
    assert len(looked) == 3
