"""The link between a node and its hub, as a proxy a test can break."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import queue
import selectors
import socket
import struct
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ungcuu.sync.tests.harness.common import DOWN, HOST, UP

if TYPE_CHECKING:
    from ungcuu.sync.tests.harness.server import UngcuuServer

# --- the link -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkStats:
    up: int  # bytes handed to the target (counted just after, so wait_bytes() for them)
    down: int  # bytes handed back to the clients
    accepted: int  # connections taken from clients (refused ones included)
    open: int  # connections open now
    refused: int  # connections closed at once because the link was cut
    failed: int  # connections whose target did not answer (nothing listening)
    cuts: int  # how many times the link was cut (cut(), or a cut_after_bytes that fired)


@dataclass
class _Trigger:
    direction: str
    remaining: int
    how: str
    after: bytes
    started: bool  # the marker has passed (always, without a marker)
    fired: bool = False


class _Conn:
    """One client connection and its connection to the target."""

    def __init__(self, client: socket.socket) -> None:
        self.client = client
        self.target: socket.socket | None = None
        self.connecting = False
        self.buffer = {UP: bytearray(), DOWN: bytearray()}
        self.eof = {UP: False, DOWN: False}  # the sending side of that direction is done
        self.shut = {UP: False, DOWN: False}  # and its end was passed on
        self.tail = {UP: b"", DOWN: b""}  # the last bytes seen, to find a marker across reads
        self.cut_when_sent: str | None = None  # the direction a trigger is waiting on
        self.masks: dict[socket.socket, int] = {}

    def source(self, direction: str) -> socket.socket | None:
        return self.client if direction == UP else self.target

    def sink(self, direction: str) -> socket.socket | None:
        return self.target if direction == UP else self.client


_BUFFER_LIMIT = 256 * 1024
_READ_SIZE = 64 * 1024
_HOW = ("reset", "close", "hang")


def _unsent(sock: socket.socket) -> int:
    """Bytes the kernel still holds for the peer (a reset would throw them away)."""
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return struct.unpack("i", raw)[0]
    except OSError:
        return 0


class LinkProxy:
    """A TCP proxy on 127.0.0.1:<free port> to ``target``, whose link a test can break.

    ``cut(how)``: "reset" (default) resets every open connection and every new one until
    ``heal()``; "close" ends them with a normal close instead; "hang" forwards nothing
    either way, as a link that drops every packet: clients wait for their timeouts. On
    ``heal()`` after a hang, a connection opened before it goes on with what was sent
    meanwhile (late, as TCP resends it: even a request whose client gave up arrives);
    one opened during it reaches the target only if its client is still waiting.
    One thread does all the work; ``close()`` ends it and every connection.
    """

    def __init__(self, target_host: str, target_port: int, *, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((HOST, port))
        self._listener.listen(128)
        self._listener.setblocking(False)
        self.host, self.port = self._listener.getsockname()
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._commands: queue.Queue = queue.Queue()
        self._conns: set[_Conn] = set()
        self._state = "linked"  # linked | reset | close | hang
        self._frozen: set[str] = set()  # directions no longer read (a trigger fired)
        self._trigger: _Trigger | None = None
        self._armed: _Trigger | None = None  # the last one armed, for wait_cut
        self._cleaned = False
        self._changed = threading.Condition()
        self._counts = dict(up=0, down=0, accepted=0, refused=0, failed=0, cuts=0)
        self.errors: list[str] = []  # unexpected errors in the proxy's thread
        self._running = True
        self._thread = threading.Thread(
            target=self._loop, name=f"link-proxy-{self.port}", daemon=True
        )
        self._thread.start()

    @classmethod
    def to(cls, server: UngcuuServer | str, **kwargs) -> LinkProxy:
        """A proxy to a server (or a URL)."""
        parts = urlsplit(server if isinstance(server, str) else server.url)
        return cls(parts.hostname or HOST, parts.port or 80, **kwargs)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- what a test calls (from any thread) --------------------------------------------

    def cut(self, how: str = "reset") -> None:
        """Break the link now; it stays broken until ``heal()``."""
        if how not in _HOW:
            raise ValueError(f"how must be one of {_HOW}")
        self._call(lambda: self._cut(how))

    def heal(self) -> None:
        """Mend the link (and drop a ``cut_after_bytes`` that has not fired)."""
        self._call(self._heal)

    def cut_after_bytes(
        self, n: int, direction: str = UP, *, how: str = "reset", after: bytes = b""
    ) -> None:
        """Let ``n`` more bytes through in ``direction`` (all connections together), then
        cut as ``cut(how)`` does. With ``after``, counting starts once those bytes have
        passed (``after=b"\\r\\n\\r\\n"``: ``n`` bytes into the next body)."""
        if direction not in (UP, DOWN):
            raise ValueError("direction must be 'up' or 'down'")
        if how not in _HOW or n < 0:
            raise ValueError("bad cut")
        trigger = _Trigger(direction, n, how, after, started=not after)
        self._call(lambda: self._arm(trigger))

    def wait_cut(self, timeout: float = 60.0) -> bool:
        """Wait until the armed ``cut_after_bytes`` has fired."""
        with self._changed:
            armed = self._armed
            if armed is None:
                return False
            self._changed.wait_for(
                lambda: armed.fired or self._trigger is not armed or not self._running, timeout
            )
            return armed.fired

    def wait_bytes(self, n: int, direction: str = UP, timeout: float = 60.0) -> bool:
        """Wait until ``n`` bytes in all have gone through in ``direction``."""
        with self._changed:
            return self._changed.wait_for(lambda: self._counts[direction] >= n, timeout)

    @property
    def stats(self) -> LinkStats:
        with self._changed:
            return LinkStats(open=len(self._conns), **self._counts)

    @property
    def is_cut(self) -> bool:
        return self._state != "linked"

    def close(self) -> None:
        """Close every connection and the port; the proxy's thread ends."""
        if self._thread.is_alive():
            with contextlib.suppress(TimeoutError, RuntimeError):
                self._call(self._stop, timeout=10)
            self._thread.join(timeout=10)
        if self._thread.is_alive():
            raise RuntimeError("the proxy's thread would not stop")

    def __enter__(self) -> LinkProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, action: Callable[[], None], timeout: float = 30.0) -> None:
        if not self._thread.is_alive():
            raise RuntimeError(f"the proxy is closed {self.errors[-1:]}")
        done = threading.Event()
        self._commands.put((action, done))
        with contextlib.suppress(OSError):
            self._wake_write.send(b"!")
        deadline = time.monotonic() + timeout
        while not done.wait(0.05):
            if not self._thread.is_alive():
                raise RuntimeError(f"the proxy is closed {self.errors[-1:]}")
            if time.monotonic() >= deadline:
                raise TimeoutError("the proxy's thread did not answer")

    # --- the proxy's thread ---------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while self._running:
                waiting = any(c.cut_when_sent for c in self._conns)
                for key, events in self._selector.select(0.01 if waiting else None):
                    if key.fileobj is self._wake_read:
                        self._run_commands()
                    elif key.fileobj is self._listener:
                        self._accept()
                    else:
                        conn, _ = key.data
                        if conn in self._conns:
                            self._serve(conn, key.fileobj, events)
                    if not self._running:
                        break
                self._fire_when_sent()
        except Exception as exc:  # noqa: BLE001 - kept for the test to show
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self._running = False
            self._cleanup()
            self._run_commands()  # nobody waits on a stopped proxy
            self._wake_write.close()

    def _cleanup(self) -> None:
        if self._cleaned:
            return
        self._cleaned = True
        for conn in list(self._conns):
            self._drop(conn, "reset")
        for sock in (self._listener, self._wake_read):
            with contextlib.suppress(Exception):
                self._selector.unregister(sock)
            sock.close()
        with contextlib.suppress(Exception):
            self._selector.close()
        with self._changed:
            self._changed.notify_all()

    def _run_commands(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_read.recv(4096):
                pass
        while True:
            try:
                action, done = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                if self._running:
                    action()
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                done.set()

    def _stop(self) -> None:
        self._running = False

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _cut(self, how: str) -> None:
        self._trigger = None
        self._state = how
        with self._changed:
            self._counts["cuts"] += 1
            self._changed.notify_all()
        if how == "hang":
            self._update_all()
            return
        for conn in list(self._conns):
            self._drop(conn, how)

    def _heal(self) -> None:
        self._state = "linked"
        self._frozen.clear()
        self._trigger = None
        for conn in list(self._conns):
            conn.cut_when_sent = None
            if conn.target is None:
                # Opened while the link was silent: it never reached the other side. Its
                # client may have given up meanwhile; then it never existed.
                if _peer_closed(conn.client):
                    self._drop(conn, "reset")
                else:
                    self._connect(conn)
        self._update_all()
        self._notify()

    def _arm(self, trigger: _Trigger) -> None:
        self._frozen.clear()
        for conn in self._conns:
            conn.cut_when_sent = None
            conn.tail = {UP: b"", DOWN: b""}
        self._trigger = self._armed = trigger
        self._update_all()
        self._notify()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            client.setblocking(False)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._changed:
                self._counts["accepted"] += 1
            if self._state in ("reset", "close"):
                with self._changed:
                    self._counts["refused"] += 1
                _close(client, self._state)
                continue
            conn = _Conn(client)
            self._conns.add(conn)
            if self._state == "linked":
                self._connect(conn)
            self._update(conn)

    def _connect(self, conn: _Conn) -> None:
        target = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target.setblocking(False)
        target.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.target = target
        conn.connecting = True
        error = target.connect_ex(self.target)
        if error not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK):
            self._target_failed(conn)

    def _target_failed(self, conn: _Conn) -> None:
        with self._changed:
            self._counts["failed"] += 1
        self._drop(conn, "reset")

    def _serve(self, conn: _Conn, sock, events: int) -> None:
        events &= conn.masks.get(sock, 0)  # not what was asked for before a freeze or a hang
        try:
            if sock is conn.target and conn.connecting:
                if events & selectors.EVENT_WRITE:
                    if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        self._target_failed(conn)
                        return
                    conn.connecting = False
                self._update(conn)
                return
            if events & selectors.EVENT_WRITE:
                self._send(conn, UP if sock is conn.target else DOWN)
            if conn in self._conns and events & selectors.EVENT_READ:
                self._receive(conn, UP if sock is conn.client else DOWN)
        except OSError:
            self._drop(conn, "reset")  # one side reset: so is the other
            return
        if conn in self._conns:
            self._finish(conn)

    def _receive(self, conn: _Conn, direction: str) -> None:
        source = conn.source(direction)
        try:
            data = source.recv(_READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        if not data:
            conn.eof[direction] = True
            return
        trigger = self._trigger
        if trigger and not trigger.fired and trigger.direction == direction:
            data = self._count(conn, trigger, data)
        conn.buffer[direction] += data
        self._send(conn, direction)

    def _count(self, conn: _Conn, trigger: _Trigger, data: bytes) -> bytes:
        """The part of ``data`` the armed cut lets through."""
        direction = trigger.direction
        start = 0
        if not trigger.started:
            seen = conn.tail[direction] + data
            found = seen.find(trigger.after)
            if found < 0:
                conn.tail[direction] = seen[len(seen) - (len(trigger.after) - 1) :]
                return data
            trigger.started = True
            start = found + len(trigger.after) - len(conn.tail[direction])
        room = len(data) - start
        if room < trigger.remaining:
            trigger.remaining -= room
            return data
        passed = start + trigger.remaining
        trigger.remaining = 0
        # Exactly n bytes go on; nothing more is read that way; once they have left,
        # the link is cut.
        self._frozen.add(direction)
        conn.cut_when_sent = direction
        self._update_all()
        return data[:passed]

    def _send(self, conn: _Conn, direction: str) -> None:
        buffer = conn.buffer[direction]
        sink = conn.sink(direction)
        if not buffer or sink is None or conn.connecting or self._state == "hang":
            return
        try:
            sent = sink.send(buffer)
        except (BlockingIOError, InterruptedError):
            return
        del buffer[:sent]
        with self._changed:
            self._counts[direction] += sent
            self._changed.notify_all()

    def _finish(self, conn: _Conn) -> None:
        """Pass on each side's end once its bytes are through; close when both are."""
        for direction in (UP, DOWN):
            sink = conn.sink(direction)
            if (
                conn.eof[direction]
                and not conn.buffer[direction]
                and not conn.shut[direction]
                and sink is not None
                and not conn.connecting
            ):
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)
                conn.shut[direction] = True
        if conn.shut[UP] and conn.shut[DOWN]:
            self._drop(conn, "close")
            return
        self._update(conn)

    def _fire_when_sent(self) -> None:
        for conn in list(self._conns):
            direction = conn.cut_when_sent
            if direction is None or conn.buffer[direction]:
                continue
            sink = conn.sink(direction)
            if sink is not None and _unsent(sink):
                continue  # the kernel still has some of them; a reset would lose them
            conn.cut_when_sent = None
            self._fire()
            return

    def _fire(self) -> None:
        trigger = self._trigger
        if trigger:
            trigger.fired = True  # before _cut() wakes wait_cut()
        self._cut(trigger.how if trigger else "reset")

    def _wanted(self, conn: _Conn) -> dict[socket.socket, int]:
        masks: dict[socket.socket, int] = {conn.client: 0}
        if conn.target is not None:
            masks[conn.target] = 0
        if conn.connecting:
            masks[conn.target] = selectors.EVENT_WRITE
            return masks
        if self._state == "hang" or conn.target is None:
            return masks
        for direction in (UP, DOWN):
            source, sink = conn.source(direction), conn.sink(direction)
            if (
                not conn.eof[direction]
                and direction not in self._frozen
                and len(conn.buffer[direction]) < _BUFFER_LIMIT
            ):
                masks[source] |= selectors.EVENT_READ
            if conn.buffer[direction]:
                masks[sink] |= selectors.EVENT_WRITE
        return masks

    def _update(self, conn: _Conn) -> None:
        for sock, mask in self._wanted(conn).items():
            had = conn.masks.get(sock, 0)
            if mask == had:
                continue
            if not had:
                self._selector.register(sock, mask, (conn, sock))
            elif not mask:
                self._selector.unregister(sock)
            else:
                self._selector.modify(sock, mask, (conn, sock))
            conn.masks[sock] = mask

    def _update_all(self) -> None:
        for conn in list(self._conns):
            self._update(conn)

    def _drop(self, conn: _Conn, how: str) -> None:
        waited_on = conn.cut_when_sent  # the connection a cut waits on broke first
        conn.cut_when_sent = None
        self._conns.discard(conn)
        for sock in (conn.client, conn.target):
            if sock is None:
                continue
            if conn.masks.get(sock):
                with contextlib.suppress(Exception):
                    self._selector.unregister(sock)
            _close(sock, how)
        conn.masks.clear()
        if waited_on and self._running:
            self._fire()
        self._notify()


def _peer_closed(sock: socket.socket) -> bool:
    try:
        state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    except (OSError, AttributeError):
        return False
    return state != 1  # TCP_ESTABLISHED


def _close(sock: socket.socket, how: str) -> None:
    with contextlib.suppress(OSError):
        if how == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
