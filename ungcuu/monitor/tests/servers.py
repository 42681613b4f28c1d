"""Real local servers the probes check in the tests: an HTTP server that is stopped and
started again on the same port, a TCP listener, a NUT text-protocol responder and a small
SNMP agent answering the Printer-MIB. Nothing here fakes a probe's result."""

from __future__ import annotations

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebServer:
    """An HTTP server on 127.0.0.1 that the test stops and starts; it counts requests."""

    def __init__(self, body: str = "Cổng dịch vụ công – hoạt động", status: int = 200):
        self.port = free_port()
        self.body = body
        self.status = status
        self.hits = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> WebServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                with outer._lock:
                    outer.hits += 1
                payload = outer.body.encode("utf-8")
                self.send_response(outer.status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class TcpListener:
    def __init__(self):
        self.port = free_port()
        self._sock: socket.socket | None = None

    def start(self) -> TcpListener:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(16)
        return self

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class NutServer:
    """Answers ``LIST VAR <ups>`` as upsd does, with the status the test sets."""

    def __init__(self, ups: str = "ups", status: str = "OL", charge: str = "100"):
        self.ups = ups
        self.status = status
        self.charge = charge
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                for raw in self.rfile:
                    line = raw.decode("ascii", "replace").strip()
                    if line == "LOGOUT":
                        self.wfile.write(b"OK Goodbye\n")
                        return
                    parts = line.split()
                    if parts[:2] != ["LIST", "VAR"] or len(parts) != 3:
                        self.wfile.write(b"ERR INVALID-ARGUMENT\n")
                        continue
                    if parts[2] != outer.ups:
                        self.wfile.write(b"ERR UNKNOWN-UPS\n")
                        continue
                    name = parts[2]
                    self.wfile.write(
                        (
                            f"BEGIN LIST VAR {name}\n"
                            f'VAR {name} battery.charge "{outer.charge}"\n'
                            f'VAR {name} device.model "Smart-UPS 1000"\n'
                            f'VAR {name} ups.status "{outer.status}"\n'
                            f"END LIST VAR {name}\n"
                        ).encode("ascii")
                    )

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def start(self) -> NutServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


PRT_SUPPLY = "1.3.6.1.2.1.43.11.1.1"
PRT_INPUT = "1.3.6.1.2.1.43.8.2.1"


class PrinterAgent:
    """A UDP SNMP v2c agent answering GETNEXT over a printer's Printer-MIB rows."""

    def __init__(self, community: str = "public"):
        self.community = community
        self.toner = (80, 100)  # level, max capacity
        self.paper = 250  # tray 1's current level
        self.requests = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()

    def table(self) -> dict[tuple[int, ...], object]:
        from pysnmp.proto import rfc1902

        def oid(text: str) -> tuple[int, ...]:
            return tuple(int(part) for part in text.split("."))

        level, top = self.toner
        return {
            oid(f"{PRT_SUPPLY}.6.1.1"): rfc1902.OctetString("Hộp mực đen".encode()),
            oid(f"{PRT_SUPPLY}.8.1.1"): rfc1902.Integer32(top),
            oid(f"{PRT_SUPPLY}.9.1.1"): rfc1902.Integer32(level),
            oid(f"{PRT_INPUT}.10.1.1"): rfc1902.Integer32(self.paper),
            oid(f"{PRT_INPUT}.11.1.1"): rfc1902.Integer32(0 if self.paper else 16),
            oid(f"{PRT_INPUT}.13.1.1"): rfc1902.OctetString(b"Khay 1"),
        }

    def start(self) -> PrinterAgent:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _serve(self) -> None:
        from pyasn1.codec.ber import decoder, encoder
        from pysnmp.proto import api, rfc1902, rfc1905

        module = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
        while not self._stop.is_set():
            try:
                data, address = self._sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                message, _rest = decoder.decode(data, asn1Spec=module.Message())
            except Exception:
                continue
            if str(module.apiMessage.get_community(message)) != self.community:
                continue  # a wrong community gets no answer, as on a real printer
            self.requests += 1
            request = module.apiMessage.get_pdu(message)
            response = module.apiMessage.get_response(message)
            pdu = module.apiMessage.get_pdu(response)
            table = self.table()
            keys = sorted(table)
            answers = []
            for name, _value in module.apiPDU.get_varbinds(request):
                asked = tuple(name)
                following = next((k for k in keys if k > asked), None)
                if following is None:
                    answers.append((name, rfc1905.endOfMibView))
                else:
                    answers.append((rfc1902.ObjectName(following), table[following]))
            module.apiPDU.set_varbinds(pdu, answers)
            self._sock.sendto(encoder.encode(response), address)
        self._sock.close()
