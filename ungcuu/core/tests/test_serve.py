"""`ungcuu serve` on a center's office PC: two web workers, a task worker forked from the
loaded application, and no report-drawing library loaded before it is needed (issue 13,
item 5; the memory itself is measured by bench/node_memory.py)."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from ungcuu.core.management.commands import serve
from ungcuu.sync import conf

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() only")


@pytest.fixture
def node_env(monkeypatch):
    def as_node(is_node: bool) -> None:
        for name in ("UNGCUU_HUB_URL", "UNGCUU_NODE_KEY"):
            monkeypatch.delenv(name, raising=False)
        if is_node:
            monkeypatch.setenv("UNGCUU_HUB_URL", "http://10.0.0.1:8000")
            monkeypatch.setenv("UNGCUU_NODE_KEY", "bachngoc.secret")
        conf.node_config.cache_clear()

    yield as_node
    conf.node_config.cache_clear()


def test_a_centers_node_serves_with_two_web_workers(node_env, monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path  # no node.json here
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    node_env(True)
    assert serve._default_workers() == serve.NODE_WORKERS == 2
    node_env(False)  # a province's hub keeps two per core
    assert serve._default_workers() == 8


def _sleep() -> None:
    time.sleep(60)


def test_the_forked_task_worker_answers_like_a_process_serve_watches():
    worker = serve._ForkedWorker(target=_sleep)
    try:
        assert worker.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            worker.wait(timeout=0.1)
        worker.kill()  # as the out-of-memory killer would
        assert worker.wait(timeout=10) == -signal.SIGKILL
        assert worker.poll() not in serve._ASKED_TO_STOP  # so the watch starts it again
    finally:
        worker.kill()
    stopped = serve._ForkedWorker(target=_sleep)
    stopped.terminate()  # Ctrl+C or `kill` on purpose: not started again
    assert stopped.wait(timeout=10) in serve._ASKED_TO_STOP


def test_serve_starts_a_killed_forked_worker_again(monkeypatch):
    command = serve.Command()
    command._stopping = threading.Event()
    first = serve._ForkedWorker(target=_sleep)
    first.started_at = time.monotonic() - 60  # it had been running a while
    command._worker = first
    started = []

    def start():
        worker = serve._ForkedWorker(target=functools.partial(time.sleep, 60))
        started.append(worker)
        return worker

    monkeypatch.setattr(command, "_start_worker", start)
    watcher = threading.Thread(target=command._watch_worker, daemon=True)
    watcher.start()
    try:
        first.kill()
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(started) == 1 and command._worker is started[0]
        assert started[0].poll() is None
    finally:
        command._stopping.set()
        watcher.join(timeout=5)
        for worker in [first, *started]:
            worker.kill()
            worker.wait(timeout=10)


LOADED = """
import sys
import django
django.setup()
from ungcuu.core.management.commands.serve import _preload
_preload()
heavy = sorted(m for m in ("matplotlib", "openpyxl", "numpy") if m in sys.modules)
print("loaded:", ",".join(heavy) or "none")
"""


def test_the_workers_start_without_the_chart_and_workbook_libraries(tmp_path):
    """What every forked process shares is the whole application, but not matplotlib,
    openpyxl and numpy: loaded by the process that draws a chart or writes a workbook."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNGCUU_", "DATABASE_"))}
    env.update(UNGCUU_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ungcuu.settings")
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", LOADED],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "loaded: none"
