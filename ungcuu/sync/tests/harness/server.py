"""A real ``ungcuu serve`` in its own process group and data dir."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import http.client
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ungcuu.sync.tests.harness import calls
from ungcuu.sync.tests.harness.common import (
    COMMAND_TIMEOUT,
    HOST,
    START_TIMEOUT,
    STOP_TIMEOUT,
    free_port,
)

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
                status, _ = calls.api(self, "GET", "/healthz", timeout=5)
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
