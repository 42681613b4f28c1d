"""`ungcuu serve`: the production server (Granian; waitress as a pure-Python fallback)."""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ungcuu.core import site

WEB_NICE = int(os.environ.get("UNGCUU_WEB_NICE", 10))
# A center's node serves the handful of people of its LAN: two web workers answer them as
# fast as four, in far less of the office PC's memory (bench/node_memory.py).
NODE_WORKERS = 2
# A worker that stops by itself on these exit codes was asked to (Ctrl+C, `kill`).
_ASKED_TO_STOP = {0, -signal.SIGINT, -signal.SIGTERM}


def _lan_address() -> str | None:
    return site.lan_address()


class Command(BaseCommand):
    help = "Chạy UngCuu bằng máy chủ web chính thức (không phải runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("UNGCUU_HOST", "0.0.0.0"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("UNGCUU_PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("UNGCUU_WORKERS", 0)) or None,
            help=(
                f"Số tiến trình phục vụ (mặc định: {NODE_WORKERS} trên máy của Trung tâm "
                "đồng bộ với tỉnh; nơi khác 2 × số lõi, từ 2 đến 8)."
            ),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("UNGCUU_THREADS", 1)),
            help="Số luồng mỗi tiến trình (mặc định 1: đo được nhanh nhất, xem bench/).",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Không tự cập nhật cơ sở dữ liệu."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            default=os.environ.get("UNGCUU_NO_WORKER", "").lower() in ("1", "true", "yes"),
            help="Không chạy tiến trình nền (khi đã chạy `ungcuu run_huey` riêng).",
        )
        # The one-time work before serving, run by `ungcuu serve` in a process of its own.
        parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)

    def handle(
        self, *args, host, port, workers, threads, no_migrate, no_worker, prepare_only, **options
    ):
        if prepare_only:
            self._prepare(no_migrate)
            return
        # In a process of its own: what migrations and collectstatic load and leave behind
        # would otherwise stay in this process, and in every worker forked from it.
        prepared = subprocess.run(
            [sys.executable, "-m", "ungcuu", "serve", "--prepare-only"]
            + (["--no-migrate"] if no_migrate else []),
            env=dict(os.environ),
        )
        if prepared.returncode != 0:
            raise CommandError(
                "Không chuẩn bị được dữ liệu để chạy (xem lỗi ở trên); UngCuu chưa chạy."
            )
        workers = workers or _default_workers()
        # Serve the collected, compressed copies (for workers forked or spawned).
        os.environ["UNGCUU_STATIC_COLLECTED"] = "1"
        settings.WHITENOISE_USE_FINDERS = False
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(f"UngCuu đang chạy tại http://{shown_host}:{port}/")
        lan = _lan_address() if host in ("0.0.0.0", "::") else None
        if lan:
            self.stdout.write(f"Trong mạng nội bộ (điện thoại, máy khác): http://{lan}:{port}/")
        self.stdout.write(f"Dữ liệu: {settings.DATA_DIR}  ·  Dừng: Ctrl+C")
        self.stdout.flush()
        self._propose_base_url(lan, shown_host, port)
        _preload()
        self._worker: subprocess.Popen | _ForkedWorker | None = None
        self._stopping = threading.Event()
        if not no_worker:
            self._worker = self._start_worker()
            # Started before the web tier lowers its priority: on Linux the nice value
            # belongs to the thread, so a worker this thread starts again keeps the
            # normal priority too.
            threading.Thread(target=self._watch_worker, name="ungcuu-watch", daemon=True).start()
        if self._worker is not None and WEB_NICE and hasattr(os, "nice"):  # not on Windows
            # Messages first: when the machine is busy, the task worker sending alerts
            # gets the CPU before the web workers taking more reports (bench/README.md).
            os.nice(WEB_NICE)
        try:
            if os.environ.get("UNGCUU_SERVER", "granian") == "waitress":
                self._waitress(host, port, max(4, workers * threads))
            else:
                self._granian(host, port, workers, threads)
        finally:
            self._stopping.set()
            worker = self._worker
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _prepare(self, no_migrate: bool) -> None:
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from ungcuu.sync.node import prepare

        prepare(self.stdout)  # a center's node: filled from its hub before it serves

    def _propose_base_url(self, lan: str | None, shown_host: str, port: int) -> None:
        """Links and QR codes must open from phones: at first start the LAN address is
        stored in the data dir; an administrator's choice (or UNGCUU_BASE_URL) is kept."""
        try:
            used, written = site.base_url_propose(f"http://{lan or shown_host}:{port}")
        except site.BadAddress:
            used, written = site.base_url(), False
        how = {
            "env": "UNGCUU_BASE_URL",
            site.ADMIN: "quản trị viên đã chọn",
            site.PROPOSED: "đề xuất khi khởi động" + (" (vừa ghi)" if written else ""),
        }.get(site.base_url_source(), "mặc định")
        self.stdout.write(f"Địa chỉ trong liên kết và mã QR: {used}  ({how})")
        if site.is_loopback(used):
            self.stdout.write(
                "  Điện thoại không mở được địa chỉ này: quản trị viên đặt địa chỉ trong "
                "mạng nội bộ ở trang /site/address/ (hoặc đặt UNGCUU_BASE_URL)."
            )
        self.stdout.flush()

    def _start_worker(self) -> subprocess.Popen | _ForkedWorker:
        """The background worker (notifications, escalation timers) runs beside the
        web server: nothing else to start. Where the system can fork, it is a copy of
        this process, which has the whole application loaded already: the two share
        that memory instead of the worker loading its own."""
        if hasattr(os, "fork"):
            worker = _ForkedWorker()
        else:
            worker = subprocess.Popen(
                [sys.executable, "-m", "ungcuu", "run_huey", "--quiet"],
                env=dict(os.environ),
            )
        worker.started_at = time.monotonic()
        return worker

    def _watch_worker(self) -> None:
        """Start the worker again when it dies (killed, out of memory, a crash): the web
        tier keeps taking reports, and without a worker nobody would be told. The new
        worker first takes up what the dead one was sending (notify.tasks.recover)."""
        quick_deaths = 0
        while not self._stopping.wait(1.0):
            worker = self._worker
            code = worker.poll() if worker is not None else None
            if code is None:
                continue
            if code in _ASKED_TO_STOP or self._stopping.is_set():
                return
            started = getattr(worker, "started_at", 0.0)
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < 10 else 0
            # A worker that dies at once every time (a broken setting) is not started
            # in a tight loop: up to a minute between tries.
            delay = min(60.0, 2.0**quick_deaths - 1)
            self.stderr.write(
                f"Tiến trình nền đã dừng (mã {code}); khởi động lại sau {delay:.0f} giây."
            )
            if self._stopping.wait(delay):
                return
            self._worker = self._start_worker()

    def _granian(self, host: str, port: int, workers: int, threads: int) -> None:
        from django.db import connections
        from granian import Granian
        from granian.constants import Interfaces
        from granian.log import LogLevels

        # Workers open their own connections after the fork.
        connections.close_all()
        Granian(
            "ungcuu.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            respawn_failed_workers=True,
            # Granian warns that 2 × cores workers exceed the cores; measured faster here.
            log_level=LogLevels.error,
        ).serve()

    def _waitress(self, host: str, port: int, threads: int) -> None:
        from waitress import serve

        from ungcuu.wsgi import application

        serve(application, host=host, port=port, threads=threads, ident="UngCuu")


def _default_workers() -> int:
    from ungcuu.sync.conf import is_node

    if is_node():
        return NODE_WORKERS
    # A province's hub: 2 × cores, measured fastest (bench/incident_create.py).
    return min(8, max(2, 2 * (os.cpu_count() or 1)))


def _preload() -> None:
    """Load the whole application once, before the web workers and the task worker are
    forked from this process: they share these pages instead of each loading a copy.
    gc.freeze() keeps the collector of each copy from writing to every loaded object
    (which would make each process's copy of those pages its own again)."""
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation
    from django.utils.module_loading import autodiscover_modules

    import ungcuu.wsgi  # noqa: F401 - the WSGI application and its middleware

    get_resolver().url_patterns  # noqa: B018 - imports every view and the API
    autodiscover_modules("tasks")
    for code, _name in settings.LANGUAGES:  # the message catalogs and the URL reverse maps
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018
    connections.close_all()
    gc.collect()
    gc.freeze()


def _run_worker() -> None:
    _name_process(b"ungcuu-tasks")
    call_command("run_huey", "--quiet")


def _name_process(name: bytes) -> None:
    """The name `top` and `ps -o comm` show (Linux), so the task worker can be told apart."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(15, name[:15], 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


class _ForkedWorker:
    """The task worker as a fork of `ungcuu serve`, with the methods of a Popen."""

    def __init__(self, target: Callable[[], None] = _run_worker) -> None:
        from django.db import connections

        connections.close_all()  # the copy opens its own
        self._process = multiprocessing.get_context("fork").Process(
            target=target, name="ungcuu-tasks"
        )
        self._process.start()
        self.pid = self._process.pid
        self.started_at = time.monotonic()

    def poll(self) -> int | None:
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("ungcuu run_huey", timeout or 0)
        return self._process.exitcode
