"""A province's hub and a center's node as real processes, and the link between them.

- ``LinkProxy``: a TCP proxy on 127.0.0.1 that a test can cut at once, after so many
  bytes of a request or an answer, or make silent (a link that drops every packet).
- ``UngcuuServer``: a real ``ungcuu serve`` in its own process group and data dir, that a
  test can stop, kill -9 (all its processes at once, as a power cut) and start again on
  the same data and port; ``run_command`` runs any ``ungcuu`` command beside it.
- ``api``: one JSON request, with a timeout; errors of the link are raised as they come.

Linux only (process groups, /proc), like the production target.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import fcntl
import gzip
import http.client
import json as jsonlib
import os
import queue
import secrets
import selectors
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HOST = "127.0.0.1"
# A loaded 2-core machine running both test suites at once: a first start (every
# migration) has been seen to take 30 s there.
START_TIMEOUT = 240.0
STOP_TIMEOUT = 30.0
COMMAND_TIMEOUT = 300.0

UP = "up"  # from the proxy's client (the node) to its target (the hub)
DOWN = "down"  # the answers, back to the client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float = 60.0, every: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


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


# --- a server process ------------------------------------------------------------------------

# What the test run's own environment must not pass on to a server: the suite's database
# and Redis, and any UNGCUU_* setting (a server gets only what its test gives it).
_DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
# What a seed leaves out: per-install secrets and addresses, logs, the task queue, caches.
_NOT_SEEDED = {"secret_key", "site.json", "cache", "backups", "tasks.sqlite3"}


class ServerError(RuntimeError):
    pass


class UngcuuServer:
    """A real ``ungcuu serve`` on 127.0.0.1, in its own process group and data dir.

    Without ``data_dir`` a temporary one is made and removed by ``close()``. ``env`` is
    added to a clean environment (a value of None removes a name). ``seed``: a directory
    made by ``save_seed`` copied into an empty data dir before the first start, so that
    start does not run every migration again. The log of every start is ``serve.log``
    in the data dir.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        env: dict[str, str | None] | None = None,
        name: str = "ungcuu",
        port: int | None = None,
        workers: int = 1,
        threads: int = 1,
        task_worker: bool = True,
        seed: Path | str | None = None,
    ) -> None:
        self.name = name
        self._owned = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix=f"ungcuu-{name}-")).resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.workers, self.threads, self.task_worker = workers, threads, task_worker
        self.env = _clean_env(self.data_dir, env or {})
        self.log_path = self.data_dir / "serve.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        if seed is not None:
            try:
                seed_into(Path(seed), self.data_dir, sqlite="DATABASE_URL" not in self.env)
            except BaseException:
                self.close()
                raise

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, *, wait: bool = True, timeout: float = START_TIMEOUT) -> UngcuuServer:
        """Start ``ungcuu serve`` (migrations first); by default wait until it answers."""
        if self.alive:
            raise ServerError(f"{self.name} is already running")
        _become_subreaper()
        self.starts += 1
        cmd = [
            sys.executable,
            "-m",
            "ungcuu",
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        if not self.task_worker:
            cmd.append("--no-worker")
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== start {self.starts}: port {self.port} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                cmd,
                env=self.env,
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, killed as a whole
            )
        _RUNNING.add(self)
        if wait:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until GET /healthz answers 200; raise with the log if it dies or never does."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive:
                code = self.proc.returncode if self.proc else None
                raise ServerError(f"{self.name} is not running (exit {code}):\n{self.log_tail()}")
            try:
                status, _ = api(self, "GET", "/healthz", timeout=5)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() >= deadline:
                raise ServerError(
                    f"{self.name}: /healthz did not answer 200 in {timeout:.0f} s:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.2)

    def pids(self) -> list[int]:
        """The server's live processes (serve, its web workers, its task worker)."""
        return _group_pids(self.proc.pid) if self.proc else []

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to every process of the server; SIGKILL for what is left after ``timeout``."""
        proc = self.proc
        if proc is None:
            return
        try:
            members = set(self.pids())
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
            self._end_group(members)
        finally:
            _RUNNING.discard(self)

    def kill9(self) -> None:
        """SIGKILL the whole process group at once: the server crashes mid-whatever."""
        proc = self.proc
        if proc is None:
            raise ServerError(f"{self.name} was never started")
        members = set(self.pids())
        _signal_group(proc.pid, signal.SIGKILL)
        try:
            self._end_group(members)
        finally:
            _RUNNING.discard(self)

    def restart(self, *, wait: bool = True, timeout: float = START_TIMEOUT) -> UngcuuServer:
        """Stop it if it runs, and start it again on the same data dir and port."""
        self.stop()
        return self.start(wait=wait, timeout=timeout)

    def _end_group(self, members: set[int]) -> None:
        """SIGKILL what is left of the group, reap it, and wait until none of it runs."""
        proc = self.proc
        assert proc is not None
        deadline = time.monotonic() + STOP_TIMEOUT
        while True:
            left = set(_group_pids(proc.pid))
            if left:
                _signal_group(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.1)
            members |= left
            for pid in list(members):
                if pid != proc.pid and _reap(pid):
                    members.discard(pid)
            if proc.poll() is not None and not left:
                return
            if time.monotonic() >= deadline:
                raise ServerError(f"{self.name}: processes {sorted(left)} would not end")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - chars))
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def run_command(
        self, *args: str, timeout: float = COMMAND_TIMEOUT, check: bool = True, input=None
    ) -> subprocess.CompletedProcess:
        """Run ``ungcuu ARGS`` with this server's environment (data dir, database)."""
        done = subprocess.run(
            [sys.executable, "-m", "ungcuu", *args],
            env=self.env,
            cwd=self.data_dir,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise ServerError(
                f"`ungcuu {' '.join(args)}` exited {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def shell(self, code: str, **kwargs) -> str:
        """Run Python in ``ungcuu shell`` and return what it printed."""
        return self.run_command("shell", "--no-imports", "-c", code, **kwargs).stdout

    def save_seed(self, dest: Path | str) -> Path:
        """Copy this data dir (a consistent copy of the SQLite database, static files,
        uploads) to ``dest`` for ``UngcuuServer(seed=dest)``; the server may be running."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        for item in self.data_dir.iterdir():
            if _seeded(item.name) and item.name != "ungcuu.sqlite3":
                _copy(item, dest / item.name)
        database = self.data_dir / "ungcuu.sqlite3"
        if database.exists():
            _sqlite_copy(database, dest / "ungcuu.sqlite3")
        return dest

    def close(self) -> None:
        """Stop the server and remove the data dir it made."""
        try:
            self.stop()
        finally:
            if self._owned:
                shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> UngcuuServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<UngcuuServer {self.name} {self.url} {self.data_dir}>"


def _clean_env(data_dir: Path, extra: dict[str, str | None]) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _DROPPED and not name.startswith("UNGCUU_")
    }
    env.update(
        UNGCUU_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="ungcuu.settings",
        PYTHONUNBUFFERED="1",  # a kill -9 loses nothing of the log
        UNGCUU_BACKUP_TIME="off",
    )
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def _seeded(name: str) -> bool:
    return (
        name not in _NOT_SEEDED
        and not name.endswith((".log", "-wal", "-shm", "-journal"))
        and not name.startswith("tasks.sqlite3")
    )


def _copy(source: Path, dest: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, dest, dirs_exist_ok=True)  # copy2: collectstatic sees no change
    else:
        shutil.copy2(source, dest)


def _sqlite_copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def seed_into(seed: Path, data_dir: Path, *, sqlite: bool = True) -> None:
    """Copy a seed into a data dir that has no database yet."""
    if (data_dir / "ungcuu.sqlite3").exists():
        raise ServerError(f"{data_dir} already has a database: not seeded")
    for item in seed.iterdir():
        if item.name == "ungcuu.sqlite3" and not sqlite:
            continue
        _copy(item, data_dir / item.name)


_SEEDS: dict[str, Path] = {}
_SEED_LOCK = threading.Lock()


def migrated_seed() -> Path:
    """A seed with every migration applied and the static files collected, made once per
    test process (about as long as one first start) and removed when it ends."""
    with _SEED_LOCK:
        if "migrated" not in _SEEDS:
            dest = Path(tempfile.mkdtemp(prefix="ungcuu-seed-"))
            atexit.register(shutil.rmtree, dest, ignore_errors=True)
            with UngcuuServer(name="seed") as maker:
                maker.run_command("migrate", "--verbosity", "0")
                maker.run_command("collectstatic", "--noinput", "--verbosity", "0")
                maker.save_seed(dest)
            _SEEDS["migrated"] = dest
        return _SEEDS["migrated"]


# --- processes --------------------------------------------------------------------------------

_RUNNING: set[UngcuuServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        with contextlib.suppress(Exception):
            server.stop(timeout=5)


def _stat(pid: int | str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode(errors="replace")
    except OSError:
        return None
    return data[data.rindex(")") + 2 :].split()  # from the state (3rd field) on


def _group_pids(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(entry)
            if fields and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                pids.append(int(entry))
    return pids


def process_alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _reap(pid: int) -> bool:
    """Collect a dead process of the group that was handed to this one (the subreaper);
    True when there is nothing more to wait for."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not (yet, or any more) a child of this process
        fields = _stat(pid)
        return fields is None or fields[0] in ("Z", "X") and _parent(pid) != os.getpid()
    return done == pid


def _parent(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


_SUBREAPER = False


def _become_subreaper() -> None:
    """Processes of a killed server come to this one, which reaps them, instead of to an
    init that might leave them as zombies (PR_SET_CHILD_SUBREAPER, Linux)."""
    global _SUBREAPER
    if _SUBREAPER:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    _SUBREAPER = True


# --- PostgreSQL for a server -------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(server_url: str, prefix: str = "ungcuu_sync") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url``, dropped after."""
    import psycopg

    parts = urlsplit(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def suite_database_env() -> Iterator[dict[str, str]]:
    """The environment that puts a server on the engine the test run uses: nothing for
    SQLite (the server's own file), a new database on the same PostgreSQL otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield {}
        return
    with postgres_database(url) as database_url:
        yield {"DATABASE_URL": database_url}


# --- one request -----------------------------------------------------------------------------


def api(
    server: UngcuuServer | LinkProxy | str,
    method: str,
    path: str,
    token: str | None = None,
    json: Any = None,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    """One request to ``server`` (or a proxy, or a base URL); the answer as (status, body),
    the body parsed when it is JSON (gunzipped first when it came compressed). A broken
    link raises (OSError, http.client.HTTPException) as it comes."""
    parts = urlsplit(server if isinstance(server, str) else server.url)
    send = dict(headers or {})
    send.setdefault("Accept", "application/json")
    send.setdefault("Connection", "close")
    if token:
        send.setdefault("Authorization", f"Bearer {token}")
    if json is not None:
        data = jsonlib.dumps(json, ensure_ascii=False).encode()
        send.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(parts.hostname or HOST, parts.port or 80, timeout=timeout)
    try:
        conn.request(method, (parts.path.rstrip("/") or "") + path, body=data, headers=send)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    if response.getheader("Content-Encoding", "") == "gzip":
        raw = gzip.decompress(raw)
    kind = response.getheader("Content-Type", "")
    if not raw:
        return response.status, None
    if "json" in kind:
        return response.status, jsonlib.loads(raw)
    return response.status, raw.decode(errors="replace")
