"""A local SMTP server standing in for a mail server: it listens on 127.0.0.1 on a free
port, keeps every message it accepts, and can refuse them (a mailbox that is full)."""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage


@dataclass(frozen=True)
class Mail:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""

    def attachments(self) -> dict[str, bytes]:
        return {p.get_filename(): p.get_content() for p in self.message.iter_attachments()}


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: SMTPServer = self.server.owner  # type: ignore[attr-defined]
        self._say("220 localhost ESMTP")
        to: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-localhost")
                self._say("250 8BITMIME")
            elif verb == "MAIL":
                to = []
                self._say("250 OK")
            elif verb == "RCPT":
                to.append(command.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                raw = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    raw.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with server.lock:
                    server.attempts += 1
                    refused = server.refusing
                    if not refused:
                        message = email.message_from_bytes(b"".join(raw), policy=policy.default)
                        server.mails.append(Mail(to=list(to), message=message))
                self._say("452 Mailbox full" if refused else "250 Queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("250 OK")

    def _say(self, text: str) -> None:
        self.wfile.write((text + "\r\n").encode())
        self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPServer:
    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.attempts = 0
        self.refusing = False
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> SMTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, sender: str = "ttpvhcc@bachngoc.gov.vn") -> str:
        """The Apprise URL of the mailbox reports are sent from (no TLS on the loopback)."""
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from={sender}"

    def to(self, address: str) -> list[Mail]:
        return [m for m in list(self.mails) if address in m.to]
