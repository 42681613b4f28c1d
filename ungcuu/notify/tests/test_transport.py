"""Sending over Apprise: the connection to a chat service is kept between messages, and
nothing of one message (a cookie) reaches the next."""

from __future__ import annotations

import threading
import time
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


def _senders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ungcuu-send" and t.is_alive()]


def test_a_channels_url_is_read_once_and_every_message_carries_its_own_key(monkeypatch):
    """A channel's URL is parsed once per process; each message still goes with its own
    Idempotency-Key, next to the headers the URL itself names."""
    from ungcuu.notify.tests.receiver import Receiver

    parsed = []
    plain = transport.url_to_dict
    monkeypatch.setattr(transport, "_parsed", {})
    monkeypatch.setattr(
        transport, "url_to_dict", lambda url, **kw: parsed.append(url) or plain(url, **kw)
    )
    receiver = Receiver().start()
    try:
        with_header = receiver.url("/hook") + "?+X-Center=BN"
        for n in range(5):
            transport.send(with_header, title="Sự cố", body=f"Tin {n}", key=f"key-{n}")
        transport.send(receiver.url("/other"), title="Sự cố", body="Tin", key="key-x")
        assert receiver.wait_for(6)
    finally:
        receiver.stop()
    assert parsed == [with_header, receiver.url("/other")]
    hook = receiver.at("/hook")
    assert [r.key for r in hook] == [f"key-{n}" for n in range(5)]
    assert {r.headers.get("x-center") for r in hook} == {"BN"}
    assert [r.text for r in hook] == [f"Tin {n}" for n in range(5)]
    other = receiver.at("/other")
    assert [r.key for r in other] == ["key-x"] and "x-center" not in other[0].headers


def test_a_url_apprise_cannot_use_is_refused_every_time():
    for _ in range(2):
        try:
            transport.send("khong-co://abc", title="", body="Tin", key="k")
        except transport.TransportError as exc:
            assert "không hợp lệ" in str(exc)
        else:
            raise AssertionError("sent over a URL Apprise cannot use")


def test_sending_threads_are_kept_and_one_that_hangs_is_never_given_another_message(
    monkeypatch,
):
    from ungcuu.notify.tests.receiver import Receiver

    ran_in = []  # the thread of each attempt
    plain_log = transport._ThreadLog

    def noting(thread):
        ran_in.append(threading.current_thread())
        return plain_log(thread)

    monkeypatch.setattr(transport, "_ThreadLog", noting)
    receiver = Receiver().start()
    receiver.hang("/hangs")
    try:
        transport.send(receiver.url("/works"), title="", body="Tin 0", key="w0")
        try:
            transport.send(receiver.url("/hangs"), title="", body="Treo", key="h", timeout=0.3)
        except transport.TransportError as exc:
            assert "không phản hồi" in str(exc)
        else:
            raise AssertionError("a channel that never answers was not given up")
        after_hang = set(_senders())
        started = time.monotonic()
        for n in range(1, 20):  # one after another: one kept thread does them all
            transport.send(receiver.url("/works"), title="", body=f"Tin {n}", key=f"w{n}")
        assert time.monotonic() - started < 5  # none waited on the stuck thread
        assert [r.key for r in receiver.at("/works")] == [f"w{n}" for n in range(20)]
        assert len(set(_senders()) - after_hang) <= 1
        took_over = set(ran_in[2:])
        assert len(took_over) == 1 and ran_in[1] not in took_over
        receiver.release.set()  # the channel answers at last: the stuck thread ends
        deadline = time.monotonic() + 10
        while all(t.is_alive() for t in after_hang) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not all(t.is_alive() for t in after_hang)
    finally:
        receiver.stop()
