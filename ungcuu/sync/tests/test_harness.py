"""The link proxy and the server processes that the hub-and-node tests are built on."""

from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ungcuu.sync.tests.harness import (
    HOST,
    LinkProxy,
    UngcuuServer,
    api,
    free_port,
    migrated_seed,
    process_alive,
    wait_until,
)

CHUNK = 64 * 1024
BIG = 1_000_000
LINK_ERRORS = (OSError, http.client.HTTPException)


class Origin:
    """A small HTTP server in this process, standing for the hub behind the link."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.bodies: queue.Queue[int] = queue.Queue()  # body bytes each POST received
        self.release = threading.Event()
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                origin.paths.append(self.path)
                if self.path == "/hello":
                    hello = json.dumps({"hello": "xin chào"}, ensure_ascii=False)
                    self._answer(hello.encode(), "application/json")
                elif self.path == "/big":
                    self._answer(b"a" * BIG, "application/octet-stream")
                elif self.path == "/stream":
                    self.send_response(200)
                    self.send_header("Content-Length", str(2 * CHUNK))
                    self.end_headers()
                    self.wfile.write(b"1" * CHUNK)
                    self.wfile.flush()
                    origin.release.wait(60)
                    try:
                        self.wfile.write(b"2" * CHUNK)
                    except OSError:
                        pass

            def do_POST(self) -> None:
                origin.paths.append(self.path)
                expected, received = int(self.headers["Content-Length"]), 0
                try:
                    while received < expected:
                        data = self.rfile.read1(min(4096, expected - received))
                        if not data:
                            break
                        received += len(data)
                except OSError:
                    pass
                origin.bodies.put(received)
                if received == expected:
                    body = json.dumps({"received": received}).encode()
                    self._answer(body, "application/json")
                else:
                    self.close_connection = True

            def _answer(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # a connection the link cut: expected here

        self.server = Server((HOST, 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def origin():
    server = Origin()
    yield server
    server.stop()


@pytest.fixture
def link(origin):
    with LinkProxy(HOST, origin.port) as proxy:
        yield proxy


def raw_get(port: int, path: str) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=60)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n".encode())
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while data := sock.recv(CHUNK):
        chunks.append(data)
    sock.close()
    return b"".join(chunks)


# --- the link --------------------------------------------------------------------------------


def test_requests_and_answers_pass_through_the_link_unchanged(origin, link):
    payload = {"text": "Mất mạng cả tầng " * 5000}

    assert api(link, "GET", "/hello") == (200, {"hello": "xin chào"})
    status, body = api(link, "POST", "/echo", json=payload)
    status_big, big = api(link, "GET", "/big")

    sent = len(json.dumps(payload, ensure_ascii=False).encode())
    assert (status, body) == (200, {"received": sent})
    assert (status_big, big) == (200, "a" * BIG)
    assert link.wait_bytes(sent, "up") and link.wait_bytes(BIG, "down")
    stats = link.stats
    assert (stats.accepted, stats.refused, stats.cuts) == (3, 0, 0)
    assert wait_until(lambda: link.stats.open == 0, timeout=30)


def test_a_cut_breaks_a_connection_in_the_middle_of_an_answer(origin, link):
    conn = http.client.HTTPConnection(HOST, link.port, timeout=60)
    conn.request("GET", "/stream")
    response = conn.getresponse()
    assert response.read(CHUNK) == b"1" * CHUNK

    link.cut()
    origin.release.set()

    with pytest.raises(LINK_ERRORS):
        response.read()
    conn.close()
    assert (link.stats.cuts, link.stats.open) == (1, 0)


def test_while_cut_no_new_connection_gets_through_and_heal_lets_them_through(origin, link):
    link.cut()

    with pytest.raises(LINK_ERRORS):
        api(link, "GET", "/hello")
    assert link.stats.refused == 1
    assert origin.paths == []

    link.heal()

    assert api(link, "GET", "/hello") == (200, {"hello": "xin chào"})
    assert origin.paths == ["/hello"]


def test_a_silent_link_holds_a_new_request_until_healed_and_drops_one_given_up(origin, link):
    link.cut("hang")

    with pytest.raises(TimeoutError):
        api(link, "GET", "/hello", timeout=1)  # the client gives up on a silent link
    waiting = raw_get(link.port, "/hello")
    assert origin.paths == []

    link.heal()

    answer = read_all(waiting)
    assert answer.startswith(b"HTTP/1.1 200") and "xin chào".encode() in answer
    assert origin.paths == ["/hello"]  # the request given up never arrived


def test_a_connection_open_across_a_silent_spell_goes_on_after_it(origin, link):
    conn = http.client.HTTPConnection(HOST, link.port, timeout=60)
    conn.request("GET", "/hello")
    assert json.loads(conn.getresponse().read()) == {"hello": "xin chào"}

    link.cut("hang")
    conn.request("GET", "/hello")  # sent into the silence, on the same connection
    link.heal()

    response = conn.getresponse()
    assert (response.status, json.loads(response.read())) == (200, {"hello": "xin chào"})
    conn.close()
    assert origin.paths == ["/hello", "/hello"]


def test_cut_after_bytes_up_cuts_inside_a_request_body(origin, link):
    link.cut_after_bytes(1000, "up", after=b"\r\n\r\n")

    with pytest.raises(LINK_ERRORS):
        api(link, "POST", "/echo", data=b"x" * 200_000)

    assert link.wait_cut(timeout=60)
    assert origin.bodies.get(timeout=60) == 1000  # exactly the bytes let through
    assert link.is_cut
    link.heal()
    assert api(link, "POST", "/echo", data=b"y" * 10) == (200, {"received": 10})


def test_cut_after_bytes_down_cuts_inside_an_answer(origin, link):
    link.cut_after_bytes(100_000, "down", after=b"\r\n\r\n")  # past one read
    conn = http.client.HTTPConnection(HOST, link.port, timeout=60)
    conn.request("GET", "/big")
    response = conn.getresponse()
    got = 0

    with pytest.raises(LINK_ERRORS):
        while data := response.read1(CHUNK):
            got += len(data)
        response.read(1)  # the answer ended short: IncompleteRead at the latest

    conn.close()
    assert response.status == 200
    assert got == 100_000
    assert link.wait_cut(timeout=60)


def test_closing_the_proxy_ends_its_connections_and_its_thread(origin):
    proxy = LinkProxy(HOST, origin.port)
    conn = http.client.HTTPConnection(HOST, proxy.port, timeout=60)
    conn.request("GET", "/stream")
    response = conn.getresponse()
    assert response.read(CHUNK) == b"1" * CHUNK

    proxy.close()
    origin.release.set()

    with pytest.raises(LINK_ERRORS):
        response.read()
    conn.close()
    assert not [t for t in threading.enumerate() if t.name == f"link-proxy-{proxy.port}"]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, proxy.port), timeout=30).close()
    proxy.close()  # twice is harmless


def test_a_target_with_nothing_listening_resets_each_connection():
    with LinkProxy(HOST, free_port()) as proxy:
        with pytest.raises(LINK_ERRORS):
            api(proxy, "GET", "/healthz")
        assert proxy.stats.failed == 1


# --- a real server ----------------------------------------------------------------------------

MAKE_ADMIN = """
from ungcuu.core.testing import make_user
from ungcuu.org.models import Role
from ungcuu.org.services import token_issue
user = make_user("harness.admin", Role.ADMIN, is_staff=True, is_superuser=True)
print(token_issue(user=user, label="harness"))
"""


@pytest.mark.slow
def test_a_server_killed_with_kill_9_serves_its_data_again_on_the_same_port():
    # Migrated once for the whole run (the hub-and-node tests start from the same seed).
    with UngcuuServer(name="hub", seed=migrated_seed()) as server:
        server.start()
        token = server.shell(MAKE_ADMIN).split()[-1]
        status, health = api(server, "GET", "/healthz")
        assert (status, health["status"]) == (200, "ok")
        with LinkProxy.to(server) as link:
            assert api(link, "GET", "/healthz")[0] == 200
        first = server.pids()
        port, data_dir = server.port, server.data_dir

        server.kill9()

        assert first and not any(process_alive(pid) for pid in first)
        with pytest.raises(LINK_ERRORS):
            api(server, "GET", "/healthz", timeout=10)

        server.restart()

        assert server.port == port
        status, catalog = api(server, "GET", "/api/v1/catalog", token=token)
        assert status == 200 and catalog  # the token written before the crash still works
        second = server.pids()

    assert not data_dir.exists()
    assert not any(process_alive(pid) for pid in first + second)
