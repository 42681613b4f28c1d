"""`ungcuu serve`: the production server (Granian; waitress as a pure-Python fallback)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ungcuu.core import site

WEB_NICE = int(os.environ.get("UNGCUU_WEB_NICE", 10))
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
            default=int(os.environ.get("UNGCUU_WORKERS", 0))
            or min(8, max(2, 2 * (os.cpu_count() or 1))),
            help="Số tiến trình phục vụ (mặc định: 2 × số lõi, từ 2 đến 8).",
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

    def handle(self, *args, host, port, workers, threads, no_migrate, no_worker, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from ungcuu.sync.node import prepare

        prepare(self.stdout)  # a center's node: filled from its hub before it serves
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
        self._worker: subprocess.Popen | None = None
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

    def _start_worker(self) -> subprocess.Popen:
        """The background worker (notifications, escalation timers) runs beside the
        web server: nothing else to start."""
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
