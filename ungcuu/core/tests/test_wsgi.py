"""The WSGI application the server runs (``ungcuu.wsgi``): a whole response goes back as
one piece, a file still streams, and each request still ends as Django ends it."""

from __future__ import annotations

import io

import pytest
from django.core.signals import request_finished

from ungcuu.wsgi import application

pytestmark = pytest.mark.django_db


def _call(path: str, **extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    return application(environ, start_response), started


def test_a_whole_response_is_one_piece_and_the_request_ends_once():
    finished = []
    receiver = lambda **_kw: finished.append(1)  # noqa: E731
    request_finished.connect(receiver)
    try:
        body, started = _call("/manifest.webmanifest")
    finally:
        request_finished.disconnect(receiver)
    assert started["status"].startswith("200")
    assert isinstance(body, list) and len(body) == 1
    assert b'"start_url"' in body[0]
    assert finished == [1]  # Django's end of request ran (connections, caches) before return


def test_a_file_is_still_streamed(monkeypatch):
    from django.http import FileResponse
    from django.urls import path

    import ungcuu.urls

    def download(request):
        return FileResponse(io.BytesIO(b"x" * 200_000), filename="a.bin")

    monkeypatch.setattr(
        ungcuu.urls, "urlpatterns", [path("stream-test", download), *ungcuu.urls.urlpatterns]
    )
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        body, started = _call("/stream-test")
        assert not isinstance(body, list)
        assert b"".join(body) == b"x" * 200_000
        body.close()
    finally:
        monkeypatch.undo()
        clear_url_caches()


def _raw(port: int, method: str, path: str) -> bytes:
    """Everything the server writes back to one request on a connection it then closes."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow
def test_the_real_server_answers_head_like_get_without_the_body():
    # A load balancer's or a monitor's health check often asks HEAD: it gets the same
    # status and headers as GET, and no body after them.
    from ungcuu.sync.tests.harness import UngcuuServer, migrated_seed

    with UngcuuServer(name="head", seed=migrated_seed(), task_worker=False) as server:
        server.start()
        for path in ("/healthz", "/offline/", "/manifest.webmanifest", "/login/"):
            got = _raw(server.port, "GET", path)
            head = _raw(server.port, "HEAD", path)
            get_head, _sep, get_body = got.partition(b"\r\n\r\n")
            head_head, _sep, head_body = head.partition(b"\r\n\r\n")
            assert get_head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK", path
            assert head_head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK", path
            assert get_body and head_body == b"", path
