#!/usr/bin/env python
"""Benchmark: how many incidents per second can the real server create?

    .venv/bin/python bench/incident_create.py [--db sqlite|postgres|both]
        [--seconds 30] [--clients 16] [--workers N] [--threads T]
        [--sweep 2x2,2x4,3x4] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--quiet-wait 120] [--profile] [--no-ceiling]
        [--redis-url redis://127.0.0.1:6379 | --redis-url none] [--no-channel]

For each database it
  1. prepares a fresh database (SQLite: a temporary UNGCUU_DATA_DIR;
     PostgreSQL: a throwaway database ``ungcuu_bench_<random>``), runs
     ``ungcuu migrate``, ``ungcuu addcenter 17623 bachngoc BN``, creates a
     staff user of that center and gets a token with ``ungcuu token``; unless
     ``--no-channel``, a team leader of the center whose channel is a receiver
     in this script (``json://127.0.0.1:<port>/hook``), so each report makes one
     message that the task worker sends; on PostgreSQL the task queue and the
     cache are on Redis (an empty database number, flushed at the end), as at
     scale, unless ``--redis-url none``;
  2. starts the real server (``ungcuu serve --host 127.0.0.1 --port <free>``,
     Granian, one thread per worker) and waits for GET /healthz to answer 200;
  3. load: N concurrent keep-alive clients POST /api/v1/incidents for a fixed
     time (after a short warm-up that is not counted);
  4. ceiling: with the server stopped, the same rows inserted straight through
     the driver (sqlite3 / psycopg), one transaction per create, N threads;
  5. prints a table, kills the server and removes everything it made.

Beside each run it splits the machine's CPU between the server, the bench
database's PostgreSQL processes, this script and everything else ("other"): on
a shared machine a high "other" means the figures are low and noisy. From the
CPU milliseconds one create costs it also projects what 2 idle cores allow.
``--profile`` adds an in-process look (queries, cost of each step, cProfile).

Figures, not pass/fail: the exit code is 0 whatever the numbers are. Only
127.0.0.1 is ever targeted by the load. Standard library + the project's own
dependencies (psycopg) only.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

HOST = "127.0.0.1"  # the only address the load ever targets
CENTER_CODE = "bachngoc"
WARD_CODE = "17623"
PREFIX = "BN"
TYPE_CODE = "printer-paper"
USERNAME = "bench.staff"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the service numbers incidents by local year
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
LEADER = "bench.leader"

# Chosen after trying workers 2–4 × threads 2–8 on a 2-core machine (see bench/README.md).
DEFAULT_WORKERS = 4
DEFAULT_THREADS = 1

TARGETS = {"creates_s": 300.0, "p99_ms": 100.0, "ratio": 0.3}  # on PostgreSQL

DESCRIPTION = "Máy in quầy số 3 kẹt giấy liên tục (bench)"


# --- small helpers -------------------------------------------------------------------


def log(message: str) -> None:
    print(message, flush=True)


def ungcuu_command() -> list[str]:
    """The console command of the environment running this script."""
    script = Path(sys.executable).parent / "ungcuu"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "ungcuu.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def incident_body() -> bytes:
    return json.dumps(
        {
            "client_uuid": str(uuid.uuid4()),
            "center": CENTER_CODE,
            "type": TYPE_CODE,
            "description": DESCRIPTION,
            "started_at": datetime.now(UTC).isoformat(),
            "impact": "partial",
        }
    ).encode()


def run(cmd: list[str], env: dict, cwd: str, what: str) -> str:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return done.stdout


# --- the database under test ------------------------------------------------------------


class Database:
    """A fresh database and the environment the app needs to use it."""

    name = "?"

    def __init__(self) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="ungcuu_bench_")
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
        self.env.pop("UNGCUU_ACCESS_LOG", None)
        self.env["UNGCUU_DATA_DIR"] = self.data_dir
        self.env["DJANGO_SETTINGS_MODULE"] = "ungcuu.settings"
        self.env.setdefault("UNGCUU_LOG_LEVEL", "WARNING")

    def create(self) -> None:  # pragma: no cover - overridden
        pass

    def drop(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    # Driver-level access for the ceiling run.
    def connect(self):  # pragma: no cover - overridden
        raise NotImplementedError


class SqliteDatabase(Database):
    name = "sqlite"

    @property
    def path(self) -> str:
        return os.path.join(self.data_dir, "ungcuu.sqlite3")

    def describe(self) -> str:
        return f"SQLite (WAL) {self.path}"

    def connect(self):
        # The same connection settings as ungcuu/settings.py: WAL, synchronous=NORMAL,
        # foreign keys on, BEGIN IMMEDIATE, 20 s busy timeout.
        conn = sqlite3.connect(self.path, timeout=20, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn


class PostgresDatabase(Database):
    name = "postgres"

    def __init__(self, server_url: str) -> None:
        super().__init__()
        self.server_url = server_url
        self.db_name = f"ungcuu_bench_{secrets.token_hex(4)}"
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path="/" + self.db_name))
        self.env["DATABASE_URL"] = self.url
        self.created = False

    def describe(self) -> str:
        parts = urlsplit(self.url)
        return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{self.db_name}"

    def _admin(self):
        import psycopg

        return psycopg.connect(self.server_url, autocommit=True, connect_timeout=10)

    def create(self) -> None:
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.created = True

    def drop(self) -> None:
        if self.created:
            try:
                with self._admin() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                self.created = False
            except Exception as exc:  # report, keep cleaning
                log(f"  ! could not drop {self.db_name}: {exc}")
        super().drop()

    def connect(self):
        import psycopg

        return psycopg.connect(self.url, connect_timeout=10)


class Receiver:
    """The team leader's channel: an HTTP server in this script that counts the
    messages (one per report) and answers 200 at once, keeping the connection open
    between messages as a chat service does (HTTP/1.1, as in the other benches)."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        owner = self
        self.count = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner.lock:
                    owner.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://{HOST}:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def redis_client(url: str, db: int):
    import redis

    return redis.Redis.from_url(url, db=db, socket_timeout=3, socket_connect_timeout=3)


def pick_redis_db(url: str) -> int:
    """An empty Redis database number (never someone's data)."""
    for number in range(14, 0, -1):
        if redis_client(url, number).dbsize() == 0:
            return number
    raise RuntimeError("no empty Redis database number (1–14) to use")


def prepare(db: Database, receiver: Receiver | None = None) -> str:
    """Fresh schema, one center, one staff user (and a team leader whose channel is
    ``receiver``); returns the staff user's API token."""
    ungcuu = ungcuu_command()
    db.create()
    run([*ungcuu, "migrate", "--no-input", "-v", "0"], db.env, db.data_dir, "ungcuu migrate")
    run([*ungcuu, "addcenter", WARD_CODE, CENTER_CODE, PREFIX], db.env, db.data_dir, "addcenter")

    def add_user(username: str, role: str, full_name: str) -> None:
        snippet = (
            "from ungcuu.org.models import Center, User\n"
            f"center = Center.objects.get(code={CENTER_CODE!r})\n"
            f"User.objects.create_user({username!r}, password=None, role={role!r},"
            f" center=center, full_name={full_name!r})\n"
        )
        run([*ungcuu, "shell", "-c", snippet], db.env, db.data_dir, f"create {username}")

    add_user(USERNAME, "staff", "Bench Staff")
    if receiver is not None:
        add_user(LEADER, "team_leader", "Bench Leader")
        run([*ungcuu, "channel", "add", LEADER, receiver.url], db.env, db.data_dir, "channel add")
    token = run([*ungcuu, "token", USERNAME], db.env, db.data_dir, "ungcuu token").strip()
    if not token:
        raise RuntimeError("ungcuu token printed nothing")
    return token.splitlines()[-1].strip()


# --- the real server ---------------------------------------------------------------------


class Server:
    def __init__(self, db: Database, workers: int, threads: int) -> None:
        self.db, self.workers, self.threads = db, workers, threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(db.data_dir, f"serve-{workers}x{threads}.log")

    def start(self, timeout: float = 120) -> None:
        cmd = [
            *ungcuu_command(),
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
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        # A session of its own: the server's main process and workers share one process
        # group that stop() can end as a whole, and Ctrl+C in the terminal reaches
        # only this script, whose cleanup then stops the server.
        self.proc = subprocess.Popen(
            cmd,
            env=self.db.env,
            cwd=self.db.data_dir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _RUNNING.add(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"/healthz did not answer 200 within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def settle(self, limit: float = 90, threshold: float = 0.15) -> float:
        """Wait until the server's processes have finished starting: /healthz answers
        as soon as one web worker is up, while the others and the task worker may still
        be importing Django, which would count as the first creates' CPU. Returns the
        seconds waited."""
        started = time.monotonic()
        if self.proc is None or not os.path.isdir("/proc"):
            return 0.0
        while time.monotonic() - started < limit:
            before = sum(_proc_cpu(p) for p in _group_pids(self.proc.pid))
            time.sleep(1)
            if sum(_proc_cpu(p) for p in _group_pids(self.proc.pid)) - before < threshold:
                break
        return time.monotonic() - started

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # graceful shutdown
                try:
                    proc.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            # Workers left behind (the master was killed from outside, or a worker
            # hangs): the members of the server's own process group, by id.
            if os.path.isdir("/proc"):
                for pid in _group_pids(proc.pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        finally:
            self.proc = None
            _RUNNING.discard(self)
            if getattr(self, "_log", None):
                self._log.close()


_RUNNING: set[Server] = set()


def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


atexit.register(_stop_all)


# --- load through HTTP ---------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, 201 responses only
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_died: float = 0.0  # seconds into the run when the server process exited

    @property
    def rate(self) -> float:
        return self.created / self.elapsed if self.elapsed else 0.0

    def ms(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000


# --- who used the CPU during a run ------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode(errors="replace")
    except OSError:
        return None
    return data[data.rindex(")") + 2 :].split()  # fields from "state" (3rd) on


def _proc_cpu(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


def _redis_pids() -> list[int]:
    """The local Redis server's processes (only a local one is ever used here)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and _comm(entry) == "redis-server":
                pids.append(int(entry))
    return pids


def _comm(pid) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and int(fields[2]) == pgid:
                pids.append(int(entry))
    return pids


def _machine_busy() -> float:
    """CPU-seconds the whole machine has spent busy (all cores) since boot."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def wait_for_quiet(limit_s: float, threshold: float = 25.0) -> None:
    """Wait (up to ``limit_s``) until the machine's CPU use over 3 s is below
    ``threshold`` % of one core: on a shared machine other jobs skew the figures."""
    if limit_s <= 0 or not os.path.exists("/proc/stat"):
        return
    give_up = time.monotonic() + limit_s
    waited = False
    while True:
        before, started = _machine_busy(), time.monotonic()
        time.sleep(3)
        busy = 100 * (_machine_busy() - before) / (time.monotonic() - started)
        if busy < threshold:
            if waited:
                log(f"    machine quiet ({busy:.0f}% of a core busy): going on")
            return
        if time.monotonic() >= give_up:
            log(f"    ! machine still busy ({busy:.0f}% of a core) after {limit_s:.0f} s: going on")
            return
        if not waited:
            log(f"    waiting for other jobs to finish ({busy:.0f}% of a core busy)...")
            waited = True


class CpuMeter:
    """Splits the machine's CPU time over a run: server, PostgreSQL backends of the
    bench database, the local Redis server (when the run uses it), this script (the
    load clients and the channel's receiver), and everything else."""

    def __init__(
        self,
        server_pgid: int | None = None,
        pg: PostgresDatabase | None = None,
        redis: bool = False,
    ):
        self.server_pgid, self.pg, self.redis = server_pgid, pg, redis
        self.shares: dict[str, float] = {}
        self._start = None
        self._seen: dict[int, float] = {}  # server pid -> last CPU seen

    def poll(self) -> None:
        """Note the server processes' CPU now (call now and then during a run)."""
        if self.server_pgid and self._start is not None:
            self._seen.update({p: _proc_cpu(p) for p in _group_pids(self.server_pgid)})

    def _pg_pids(self) -> list[int]:
        if self.pg is None or not os.path.isdir("/proc"):
            return []
        if urlsplit(self.pg.server_url).hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            return []  # a remote server: its processes are not ours to read
        try:
            with self.pg._admin() as conn:
                # The bench database's backends, and the server's shared writers
                # (WAL writer, checkpointer, background writer) that its commits drive.
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND"
                    " (datname = %s OR backend_type IN"
                    " ('walwriter', 'checkpointer', 'background writer'))",
                    (self.pg.db_name,),
                ).fetchall()
            return [row[0] for row in rows]
        except Exception:
            return []

    def _sample(self):
        server = (
            {p: _proc_cpu(p) for p in _group_pids(self.server_pgid)} if self.server_pgid else {}
        )
        pg = {p: _proc_cpu(p) for p in self._pg_pids()}
        redis = {p: _proc_cpu(p) for p in _redis_pids()} if self.redis else {}
        own = os.times()
        return time.monotonic(), _machine_busy(), own.user + own.system, server, pg, redis

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.stop()
        return False

    def start(self) -> None:
        try:
            self._start = self._sample()
        except OSError:  # no /proc: no accounting
            self._start = None

    def stop(self) -> None:
        if self._start is None:
            return
        end = self._sample()
        end[3].update({pid: cpu for pid, cpu in self._seen.items() if pid not in end[3]})
        wall = end[0] - self._start[0]

        def delta(index):
            before, after = self._start[index], end[index]
            return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

        busy = end[1] - self._start[1]
        parts = {"server": delta(3), "postgres": delta(4), "redis": delta(5)}
        parts["client"] = end[2] - self._start[2]
        parts["other"] = max(0.0, busy - sum(parts.values()))
        parts["idle"] = max(0.0, (os.cpu_count() or 1) * wall - busy)
        self.shares = {name: 100 * value / wall for name, value in parts.items()}

    def per_create(self, rate: float) -> dict[str, float]:
        """CPU milliseconds per create, by consumer (the benchmark's own parts)."""
        if not self.shares or not rate:
            return {}
        return {
            name: self.shares[name] * 10 / rate
            for name in ("server", "postgres", "redis", "client")
        }

    def projected(self, rate: float) -> float:
        """Creates/s the measured CPU cost allows on this many idle cores: what the
        figure would be on a quiet machine when the CPU, not locking, is the limit."""
        cost = sum(self.per_create(rate).values())
        return (os.cpu_count() or 1) * 1000 / cost if cost else float("nan")

    def describe(self, rate: float = 0.0) -> str:
        if not self.shares:
            return "CPU: not measured"
        text = "CPU (% of one core): " + ", ".join(
            f"{name} {value:.0f}"
            for name, value in self.shares.items()
            if value >= 0.5 or name == "other"
        )
        cost = {k: v for k, v in self.per_create(rate).items() if v >= 0.05}
        if cost:
            text += "\n    CPU ms per create: " + ", ".join(
                f"{name} {value:.2f}" for name, value in cost.items()
            )
            text += (
                f" = {sum(cost.values()):.2f} ms -> at most {self.projected(rate):.0f} creates/s"
                f" on {os.cpu_count()} idle cores"
            )
            if cost.get("server") and cost.get("client"):
                # The HTTP client's work per create is the same code on every run, so the
                # server's cost in units of it holds across machines and days of
                # different speed (the same code gave 13.7-15.7 on machines that were
                # 2.6 times apart).
                text += (
                    f"\n    server CPU per create = {cost['server'] / cost['client']:.1f} x"
                    " the client's (a figure that does not depend on the machine's speed)"
                )
        return text


def _http_client(
    port: int, token: str, deadline: float, stop: threading.Event, out: LoadResult, lock
) -> None:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": f"Bearer {token}",
        "Connection": "keep-alive",
    }
    conn: http.client.HTTPConnection | None = None
    created, latencies, errors, samples = 0, [], 0, []
    while time.monotonic() < deadline and not stop.is_set():
        body = incident_body()
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("POST", "/api/v1/incidents", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            elapsed = time.perf_counter() - started
            if resp.status == 201:
                created += 1
                latencies.append(elapsed)
            else:
                errors += 1
                if len(samples) < 5:
                    samples.append(f"HTTP {resp.status}: {data[:300].decode(errors='replace')}")
            if resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            errors += 1
            if len(samples) < 5:
                samples.append(f"{type(exc).__name__}: {exc}")
            if conn is not None:
                conn.close()
            conn = None
            stop.wait(0.05)  # the server is gone or refusing: do not spin
    if conn is not None:
        conn.close()
    with lock:
        out.created += created
        out.latencies.extend(latencies)
        out.errors += errors
        out.error_samples.extend(samples[: max(0, 5 - len(out.error_samples))])


def http_load(
    server: Server, token: str, clients: int, seconds: float, meter: CpuMeter | None = None
) -> LoadResult:
    """``clients`` keep-alive connections POSTing creates until ``seconds`` have passed
    (or the server process has exited)."""
    result, lock, stop = LoadResult(), threading.Lock(), threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=_http_client,
            args=(server.port, token, deadline, stop, result, lock),
            daemon=True,
        )
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        # Bounded: the deadline plus at most one 30 s socket timeout.
        while running := [thread for thread in threads if thread.is_alive()]:
            running[0].join(timeout=0.5)
            if meter:
                meter.poll()
            if not server.alive() and not stop.is_set():
                stop.set()
                result.server_died = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    result.elapsed = (
        min(result.server_died, time.monotonic() - started)
        if result.server_died
        else time.monotonic() - started
    )
    result.latencies.sort()
    return result


# --- the ceiling: the same rows straight through the driver ---------------------------------

INCIDENT_COLUMNS = (
    "client_uuid",
    "number",
    "center_id",
    "incident_type_id",
    "tier",
    "status",
    "description",
    "impact",
    "citizens_waiting",
    "started_at",
    "reported_at",
    "reporter_id",
    "root_cause",
    "resolution",
    "citizens_affected",
    "dossiers_delayed",
    "steps_done",
    "search_text",
    "updated_at",
    "client_digest",
    "is_drill",
    "playbook",
    "source",
    "synced_from",
)
EVENT_COLUMNS = (
    "uuid",
    "incident_id",
    "kind",
    "actor_id",
    "at",
    "recorded_at",
    "payload",
    "hlc",
    "synced_from",
)


@dataclass
class Fixture:
    center_id: int
    prefix: str
    type_id: int
    type_name: str
    tier: str
    user_id: int


def _load_fixture(db: Database) -> Fixture:
    conn = db.connect()
    try:
        ph = "?" if isinstance(db, SqliteDatabase) else "%s"
        cur = conn.cursor()
        cur.execute(f"SELECT id, prefix FROM org_center WHERE code = {ph}", (CENTER_CODE,))
        center_id, prefix = cur.fetchone()
        cur.execute(
            f"SELECT id, name, tier FROM catalog_incidenttype WHERE code = {ph}", (TYPE_CODE,)
        )
        type_id, type_name, tier = cur.fetchone()
        cur.execute(f"SELECT id FROM org_user WHERE username = {ph}", (USERNAME,))
        (user_id,) = cur.fetchone()
        _check_columns(db, cur)
        if not isinstance(db, SqliteDatabase):
            conn.rollback()
        return Fixture(center_id, prefix, type_id, type_name, tier, user_id)
    finally:
        conn.close()


def _check_columns(db: Database, cur) -> None:
    """Fail clearly if the schema gained a NOT NULL column this ceiling does not fill."""
    for table, filled in (
        ("incidents_incident", INCIDENT_COLUMNS),
        ("incidents_incidentevent", EVENT_COLUMNS),
    ):
        if isinstance(db, SqliteDatabase):
            cur.execute(f'PRAGMA table_info("{table}")')
            required = {
                row[1] for row in cur.fetchall() if row[3] and row[4] is None and not row[5]
            }
        else:
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
                (table,),
            )
            required = {row[0] for row in cur.fetchall()}
        missing = required - set(filled) - {"id"}
        if missing:
            raise RuntimeError(
                f"{table} has NOT NULL columns the ceiling does not fill: {sorted(missing)};"
                " update INCIDENT_COLUMNS/EVENT_COLUMNS in bench/incident_create.py"
            )


def _micros(moment: datetime) -> int:
    """The timeline's clock of an event (``incidents.models.micros``)."""
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _ceiling_client(db: Database, fx: Fixture, gate: dict, out: LoadResult, lock) -> None:
    sqlite = isinstance(db, SqliteDatabase)
    if not sqlite:
        from psycopg.types.json import Jsonb
    ph = "?" if sqlite else "%s"
    bump = (
        f"UPDATE incidents_incidentsequence SET last = last + 1"
        f" WHERE center_id = {ph} AND year = {ph} RETURNING last"
    )
    insert_incident = (
        f"INSERT INTO incidents_incident ({', '.join(INCIDENT_COLUMNS)})"
        f" VALUES ({', '.join([ph] * len(INCIDENT_COLUMNS))}) RETURNING id"
    )
    insert_event = (
        f"INSERT INTO incidents_incidentevent ({', '.join(EVENT_COLUMNS)})"
        f" VALUES ({', '.join([ph] * len(EVENT_COLUMNS))})"
    )
    created, latencies, errors, samples = 0, [], 0, []
    # Connect first, start together, and keep the connection open until the CPU
    # of its PostgreSQL backend has been read (see ceiling_load).
    try:
        conn = db.connect()
    except Exception as exc:
        conn = None
        errors, samples = 1, [f"connect: {type(exc).__name__}: {exc}"]
    try:
        gate["connected"].wait()
        if not gate["go"].wait(timeout=120):
            raise threading.BrokenBarrierError
        deadline = gate["deadline"]
        cur = conn.cursor() if conn is not None else None
        while cur is not None and time.monotonic() < deadline:
            started = time.perf_counter()
            now = datetime.now(UTC)
            year = now.astimezone(LOCAL_TZ).year
            client_uuid, event_uuid = uuid.uuid4(), uuid.uuid4()
            payload = {
                "type": TYPE_CODE,
                "tier": fx.tier,
                "description": DESCRIPTION,
                "impact": "partial",
                "citizens_waiting": 0,
                "started_at": now.isoformat(),
            }
            if sqlite:  # Django's SQLite formats: naive UTC text, uuid hex, JSON text
                stamp = now.replace(tzinfo=None).isoformat(" ")
                cu, eu, steps, pay = client_uuid.hex, event_uuid.hex, "[]", json.dumps(payload)
            else:
                stamp, cu, eu, steps, pay = now, client_uuid, event_uuid, Jsonb([]), Jsonb(payload)
            try:
                if sqlite:
                    cur.execute("BEGIN IMMEDIATE")
                cur.execute(bump, (fx.center_id, year))
                row = cur.fetchone()
                if row is None:
                    raise RuntimeError("no incidents_incidentsequence row for this center/year")
                number = f"{fx.prefix}-{year}-{row[0]:04d}"
                search_text = f"{number} {fx.type_name} {DESCRIPTION}".casefold()
                cur.execute(
                    insert_incident,
                    (cu, number, fx.center_id, fx.type_id, fx.tier, "reported", DESCRIPTION,
                     "partial", 0, stamp, stamp, fx.user_id, "", "", 0, 0, steps, search_text,
                     stamp, "", False, steps, "person", ""),
                )  # fmt: skip
                (incident_id,) = cur.fetchone()
                cur.execute(
                    insert_event,
                    (eu, incident_id, "reported", fx.user_id, stamp, stamp, pay, _micros(now), ""),
                )
                if sqlite:
                    cur.execute("COMMIT")
                else:
                    conn.commit()
                created += 1
                latencies.append(time.perf_counter() - started)
            except Exception as exc:
                errors += 1
                if len(samples) < 5:
                    samples.append(f"{type(exc).__name__}: {exc}")
                try:
                    if sqlite:
                        if conn.in_transaction:
                            cur.execute("ROLLBACK")
                    else:
                        conn.rollback()
                except Exception:
                    pass
                if errors > 1000:
                    break
    except threading.BrokenBarrierError:
        pass  # the main thread gave up (error or Ctrl+C)
    finally:
        with lock:
            out.created += created
            out.latencies.extend(latencies)
            out.errors += errors
            out.error_samples.extend(samples[: max(0, 5 - len(out.error_samples))])
        try:
            gate["finished"].wait()
            gate["release"].wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        finally:
            if conn is not None:
                conn.close()


def ceiling_load(
    db: Database, clients: int, seconds: float, meter: CpuMeter | None = None
) -> LoadResult:
    fx = _load_fixture(db)
    # The service creates the year's counter row on the first report; make sure it exists.
    year = datetime.now(UTC).astimezone(LOCAL_TZ).year
    conn = db.connect()
    try:
        if isinstance(db, SqliteDatabase):
            conn.execute(
                "INSERT INTO incidents_incidentsequence (center_id, year, last) VALUES (?, ?, 0)"
                " ON CONFLICT DO NOTHING",
                (fx.center_id, year),
            )
        else:
            conn.execute(
                "INSERT INTO incidents_incidentsequence (center_id, year, last)"
                " VALUES (%s, %s, 0) ON CONFLICT DO NOTHING",
                (fx.center_id, year),
            )
            conn.commit()
    finally:
        conn.close()
    result, lock = LoadResult(), threading.Lock()
    gate = {
        "connected": threading.Barrier(clients + 1, timeout=120),
        "go": threading.Event(),
        "finished": threading.Barrier(clients + 1, timeout=seconds + 120),
        "release": threading.Event(),
        "deadline": 0.0,
    }
    threads = [
        threading.Thread(target=_ceiling_client, args=(db, fx, gate, result, lock), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        gate["connected"].wait()  # every thread has its connection (and PG backend)
        if meter:
            meter.start()
        started = time.monotonic()
        gate["deadline"] = started + seconds
        gate["go"].set()
        gate["finished"].wait()  # every thread is done; connections are still open
        result.elapsed = time.monotonic() - started
        if meter:
            meter.stop()
    finally:
        gate["go"].set()  # after an error the deadline is still 0: threads stop at once
        gate["release"].set()
        gate["connected"].abort()  # frees the threads after an error
        gate["finished"].abort()
        for thread in threads:
            thread.join(timeout=90)
    result.latencies.sort()
    return result


# --- profiling inside one process (no HTTP, one client) --------------------------------------


def profile_child(requests: int) -> None:
    """Run by ``--profile``: in-process creates through Django's test client (no
    HTTP, no web server, one client), to see where a create's CPU time goes.

    Prints the queries of one create, the time per create, the share spent in
    SQL execute, the cost of each step of the endpoint on its own, and a cProfile."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    token = os.environ["BENCH_TOKEN"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post():
        resp = client.post(
            "/api/v1/incidents", data=incident_body(), content_type="application/json"
        )
        if resp.status_code != 201:
            raise SystemExit(f"profile: HTTP {resp.status_code}: {resp.content[:300]!r}")

    def per_call(fn, n: int = requests) -> float:
        """Milliseconds per call, after a short warm-up."""
        for _ in range(min(20, n)):
            fn()
        started = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - started) / n * 1000

    for _ in range(30):
        post()
    with CaptureQueriesContext(connection) as ctx:
        post()
    print(f"  statements for one create ({connection.vendor}): {len(ctx.captured_queries)}")
    for query in ctx.captured_queries:
        print(f"    {query['sql'][:130]}")
    if connection.vendor == "postgresql" and connection.settings_dict.get("CONN_HEALTH_CHECKS"):
        print("    + 1 'SELECT 1' per request under a real server (CONN_HEALTH_CHECKS, not shown)")

    sql_time = [0.0, 0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started
            sql_time[1] += 1

    with connection.execute_wrapper(timed):
        per = per_call(post)
    calls = requests + min(20, requests)
    in_sql = sql_time[0] / calls * 1000
    print(
        f"  one create in-process: {per:.2f} ms ({1000 / per:.0f} creates/s on one core);"
        f" in SQL execute (ORM cursor + driver + round trip): {in_sql:.2f} ms;"
        f" the rest (Python): {per - in_sql:.2f} ms"
    )

    # Each step of the endpoint on its own (names as of this writing; a step
    # whose function moved is reported as n/a).
    print("  steps on their own (ms per call):")
    steps: list[tuple[str, object]] = []
    try:
        import uuid as uuid_mod

        from ungcuu.api.api import BearerAuth
        from ungcuu.catalog.models import IncidentType
        from ungcuu.incidents import api as incidents_api
        from ungcuu.incidents import services
        from ungcuu.org.models import User
        from ungcuu.org.scope import center_for_report

        user = User.objects.select_related("center", "province").get(username=USERNAME)
        center = center_for_report(user, CENTER_CODE)
        incident_type = IncidentType.objects.get(code=TYPE_CODE)
        request = RequestFactory().get("/")

        def report():
            return services.incident_report(
                actor=user,
                center=center,
                incident_type=incident_type,
                description=DESCRIPTION,
                impact="partial",
                client_uuid=uuid_mod.uuid4(),
            )

        incident = report().incident

        def select1():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()

        steps = [
            ("GET /healthz through all middleware (1 SELECT 1)", lambda: client.get("/healthz")),
            ("Django cursor: SELECT 1 round trip", select1),
            ("body validation (IncidentIn, pydantic)", lambda: incidents_api.IncidentIn.model_validate_json(incident_body())),  # noqa: E501
            ("bearer token lookup (BearerAuth.authenticate)", lambda: BearerAuth().authenticate(request, token)),  # noqa: E501
            ("center_for_report(user, code)", lambda: center_for_report(user, CENTER_CODE)),
            ("IncidentType lookup by code", lambda: IncidentType.objects.filter(code=TYPE_CODE).first()),  # noqa: E501
            ("services.incident_report (whole service)", report),
            ("response (IncidentOut) to JSON", lambda: incidents_api.IncidentOut.from_orm(incident).model_dump_json()),  # noqa: E501
        ]  # fmt: skip
    except Exception as exc:  # the code moved: say so, keep the rest of the profile
        print(f"    n/a ({type(exc).__name__}: {exc})")
    for label, fn in steps:
        try:
            print(f"    {per_call(fn, max(50, requests // 2)):7.3f}  {label}")
        except Exception as exc:
            print(f"        n/a  {label} ({type(exc).__name__}: {exc})")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        post()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)


def run_profile(db: Database, token: str, requests: int) -> None:
    env = dict(db.env, BENCH_TOKEN=token)
    cmd = [sys.executable, os.path.abspath(__file__), "--profile-child", str(requests)]
    subprocess.run(cmd, env=env, cwd=db.data_dir, timeout=900, check=False)


# --- driving it all ----------------------------------------------------------------------


@dataclass
class Row:
    db: str
    workers: int
    threads: int
    load: LoadResult
    ceiling: LoadResult | None = None
    cpu: dict = field(default_factory=dict)  # % of one core, by consumer
    projected: float = float("nan")  # creates/s the CPU cost allows on idle cores


def bench_one(kind: str, args, configs: list[tuple[int, int]]) -> list[Row]:
    db: Database = SqliteDatabase() if kind == "sqlite" else PostgresDatabase(args.pg_url)
    pg = db if isinstance(db, PostgresDatabase) else None
    rows: list[Row] = []
    receiver = None if args.no_channel else Receiver()
    redis_db = None
    try:
        if pg is not None and args.redis_url != "none":
            redis_db = pick_redis_db(args.redis_url)
            db.env["REDIS_URL"] = f"{args.redis_url}/{redis_db}"
        log(f"\n=== {kind}: preparing {db.describe()}"
            + (f" + Redis db {redis_db}" if redis_db is not None else "")
            + (f"; the team leader's channel {receiver.url}" if receiver else ""))  # fmt: skip
        token = prepare(db, receiver)
        for workers, threads in configs:
            server = Server(db, workers, threads)
            try:
                log(f"--- {kind}: ungcuu serve --workers {workers} --threads {threads}"
                    f" on {HOST}:{server.port}")  # fmt: skip
                server.start()
                log(f"    the server's processes settled in {server.settle():.0f} s")
                wait_for_quiet(args.quiet_wait)
                if args.warmup > 0:
                    warm = http_load(server, token, args.clients, args.warmup)
                    log(f"    warm-up {args.warmup:.0f} s: {warm.created} created,"
                        f" {warm.errors} errors (not counted)")  # fmt: skip
                sent_before = receiver.count if receiver else 0
                with CpuMeter(server.proc.pid, pg, redis=redis_db is not None) as meter:
                    load = http_load(server, token, args.clients, args.seconds, meter)
                if receiver is not None:
                    log(f"    messages received during the run: {receiver.count - sent_before}"
                        f" (for {load.created} reports)")  # fmt: skip
                exit_code = server.proc.poll()
            finally:
                server.stop()
            rows.append(
                Row(
                    kind,
                    workers,
                    threads,
                    load,
                    cpu=meter.shares,
                    projected=meter.projected(load.rate),
                )
            )
            print_load(kind, load)
            log(f"    {meter.describe(load.rate)}")
            warn_if_busy(meter)
            if load.server_died:
                log(f"    ! the server process exited ({exit_code}) {load.server_died:.0f} s into"
                    " the run (killed from outside?): this run does not count")  # fmt: skip
            if (load.created == 0 or load.server_died) and server.log_tail():
                log("    server log (tail):\n" + server.log_tail())
        if not args.no_ceiling:
            log(f"--- {kind}: ceiling, {args.clients} driver threads, {args.seconds:.0f} s"
                " (server stopped)")  # fmt: skip
            wait_for_quiet(args.quiet_wait)
            meter = CpuMeter(None, pg)
            ceiling = ceiling_load(db, args.clients, args.seconds, meter)
            log(f"    ceiling: {ceiling.rate:.0f} creates/s, p50 {ceiling.ms(0.5):.1f} ms,"
                f" p99 {ceiling.ms(0.99):.1f} ms, errors {ceiling.errors}")  # fmt: skip
            log(f"    {meter.describe(ceiling.rate)}")
            warn_if_busy(meter)
            for sample in ceiling.error_samples:
                log(f"      {sample}")
            for row in rows:
                row.ceiling = ceiling
        if args.profile:
            log(f"--- {kind}: profile, {args.profile_requests} in-process creates")
            run_profile(db, token, args.profile_requests)
    finally:
        log(f"--- {kind}: cleaning up")
        db.drop()
        if redis_db is not None:
            redis_client(args.redis_url, redis_db).flushdb()
        if receiver is not None:
            receiver.close()
    return rows


def warn_if_busy(meter: CpuMeter) -> None:
    other = meter.shares.get("other", 0.0)
    if other > 20:
        log(f"    ! other processes used {other:.0f}% of a core during this run:"
            " the figures are low and noisy; run again on a quiet machine")  # fmt: skip


def print_load(kind: str, load: LoadResult) -> None:
    log(
        f"    {kind}: {load.created} created in {load.elapsed:.1f} s = {load.rate:.0f} creates/s;"
        f" p50 {load.ms(0.5):.1f} ms, p95 {load.ms(0.95):.1f} ms, p99 {load.ms(0.99):.1f} ms;"
        f" errors {load.errors}"
    )
    for sample in load.error_samples:
        log(f"      {sample}")


def print_table(rows: list[Row], args) -> None:
    log(
        f"\nincident create, {args.clients} clients, {args.seconds:.0f} s,"
        f" {os.cpu_count()} CPUs, {datetime.now():%Y-%m-%d %H:%M}"
    )
    header = (
        f"{'db':<9}| {'workers x threads':>17} | {'creates/s':>9} | {'p50 ms':>7} |"
        f" {'p99 ms':>7} | {'errors':>6} | {'ceiling creates/s':>17} | {'ratio':>5} |"
        f" {'other%':>6} | {'idle-proj/s':>11}"
    )
    log(header)
    log("-" * len(header))
    for row in rows:
        if row.load.server_died:
            log(f"{row.db:<9}| {f'{row.workers} x {row.threads}':>17} | server exited during"
                " the run: no figure")  # fmt: skip
            continue
        ceiling = row.ceiling.rate if row.ceiling else float("nan")
        ratio = row.load.rate / ceiling if row.ceiling and ceiling else float("nan")
        log(
            f"{row.db:<9}| {f'{row.workers} x {row.threads}':>17} | {row.load.rate:>9.0f} |"
            f" {row.load.ms(0.5):>7.1f} | {row.load.ms(0.99):>7.1f} | {row.load.errors:>6} |"
            f" {ceiling:>17.0f} | {ratio:>5.2f} | {row.cpu.get('other', float('nan')):>6.0f} |"
            f" {row.projected:>11.0f}"
        )
    log("other% = CPU (% of one core) used by processes outside the benchmark during the run")
    log(
        "idle-proj/s = creates/s the measured CPU cost per create (server + postgres + client)"
        " allows on idle cores"
    )
    log(
        f"targets (PostgreSQL): creates/s >= {TARGETS['creates_s']:.0f},"
        f" p99 <= {TARGETS['p99_ms']:.0f} ms, ratio >= {TARGETS['ratio']}"
    )
    for row in rows:
        if row.db != "postgres":
            continue
        ratio = row.load.rate / row.ceiling.rate if row.ceiling and row.ceiling.rate else 0
        checks = [
            ("creates/s", row.load.rate >= TARGETS["creates_s"]),
            ("p99", row.load.ms(0.99) <= TARGETS["p99_ms"]),
            ("ratio", ratio >= TARGETS["ratio"] if row.ceiling else None),
        ]
        verdict = ", ".join(
            f"{name} {'met' if ok else 'missed' if ok is not None else 'n/a'}"
            for name, ok in checks
        )
        log(f"  postgres {row.workers} x {row.threads}: {verdict}")


def parse_sweep(text: str) -> list[tuple[int, int]]:
    configs = []
    for item in text.split(","):
        workers, _, threads = item.strip().lower().partition("x")
        configs.append((int(workers), int(threads)))
    return configs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run")
    parser.add_argument("--warmup", type=float, default=3.0, help="uncounted warm-up (s)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument(
        "--sweep", help="try several server shapes, e.g. 2x4,3x4,4x4 (workers x threads)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each run, wait up to this long for the machine to be idle",
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL server to use")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the driver-level run")
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="Redis for the task queue and cache on PostgreSQL (no database number);"
        " 'none' to keep them in the data dir",
    )
    parser.add_argument(
        "--no-channel", action="store_true", help="no team leader with a channel: no messages"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile creates in-process (cProfile)"
    )
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--profile-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.redis_url = args.redis_url.rstrip("/")

    if args.profile_child:
        profile_child(args.profile_child)
        return 0

    configs = parse_sweep(args.sweep) if args.sweep else [(args.workers, args.threads)]
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Also when started in the background by a script (SIGINT then comes ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rows: list[Row] = []
    try:
        for kind in kinds:
            try:
                rows.extend(bench_one(kind, args, configs))
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                log(f"!!! {kind}: {exc}")
    except KeyboardInterrupt:
        log("\ninterrupted: server stopped, temporary data removed")
    finally:
        _stop_all()
    if rows:
        print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
