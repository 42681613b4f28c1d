from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ungcuu.core.errors import ServiceError
from ungcuu.notify import transport


@pytest.fixture
def gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append(
                (self.path, self.headers.get("Authorization"), json.loads(self.rfile.read(length)))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()


def test_a_carrier_brandname_gateway_gets_the_sms_as_json(gateway):
    port, received = gateway
    url = f"brandname://tk:mk@127.0.0.1:{port}/sms/send?from=UBND-BACHNGOC&to=0912345678,0987654321"

    assert transport.check_url(url) == url
    assert transport.is_sms(url)
    transport.send(url, title="", body="BÁO SỰ CỐ: Mất điện, Xã Bạch Ngọc", key="k1")

    path, auth, payload = received[0]
    assert path == "/sms/send"
    assert auth.startswith("Basic ")
    assert payload == {
        "brandname": "UBND-BACHNGOC",
        "phones": ["0912345678", "0987654321"],
        "message": "BÁO SỰ CỐ: Mất điện, Xã Bạch Ngọc",
    }


def test_field_names_follow_the_carriers_api(gateway):
    port, received = gateway
    url = (
        f"brandname://127.0.0.1:{port}/api?from=TTHCC&to=0912345678"
        "&brand_field=sender&phones_field=to&message_field=content"
    )
    transport.send(url, title="", body="Mất mạng", key="k2")
    assert received[0][2] == {"sender": "TTHCC", "to": ["0912345678"], "content": "Mất mạng"}


def test_a_gateway_that_refuses_is_a_failed_attempt():
    with pytest.raises(transport.TransportError):
        transport.send(
            "brandname://127.0.0.1:9/api?from=X&to=0912345678", title="", body="x", key="k3"
        )


def test_an_unknown_scheme_is_refused_in_vietnamese():
    with pytest.raises(ServiceError) as refused:
        transport.check_url("sms-cua-toi://abc")
    assert "Địa chỉ kênh không hợp lệ" in refused.value.message
