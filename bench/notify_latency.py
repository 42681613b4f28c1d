#!/usr/bin/env python
"""Benchmark: how long from the API's 201 to the first message at the team leader?

    .venv/bin/python bench/notify_latency.py [--config embedded|pg-redis|both]
        [--reports 1000] [--clients 8] [--rate 0] [--warmup 10] [--drain 60]
        [--workers N] [--threads T] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379] [--redis-db 14]

For each configuration it
  1. prepares a fresh database like bench/incident_create.py does (embedded: a
     temporary UNGCUU_DATA_DIR, SQLite for the data and for the Huey queue, no
     REDIS_URL; pg-redis: a throwaway PostgreSQL database ``ungcuu_bench_<random>``
     and REDIS_URL=redis://127.0.0.1:6379/<db>, a database number that holds no
     keys, flushed at the start and at the end), runs ``ungcuu migrate``,
     ``ungcuu addcenter 17623 bachngoc BN``, creates the staff user who reports
     (token from ``ungcuu token``) and a team leader of that center who is told,
     with ``ungcuu channel add bench.leader json://127.0.0.1:<receiver>/hook``;
  2. starts a local webhook receiver (127.0.0.1, free port) that notes, for
     every POST, when it arrived and the incident number in the message;
  3. starts the real server (``ungcuu serve --host 127.0.0.1 --port <free>``,
     which starts the Huey worker beside Granian) and waits for /healthz;
  4. sends a few warm-up reports and waits for their messages (not counted),
     then ``--reports`` POST /api/v1/incidents from ``--clients`` keep-alive
     clients, noting when each 201 was read and the number it returned;
  5. waits for the messages (at most ``--drain`` seconds after the last 201) and
     prints, per report, receiver arrival of the first delivery attempt − 201 read:
     p50 / p95 / p99 / max, how many arrived, the report and delivery rates;
  6. stops the server's process group (web workers and the task worker), drops
     the PostgreSQL database, flushes its Redis database, removes the temporary
     directory and stops the receiver, also on Ctrl+C, SIGTERM or an error.

Figures, not pass/fail: the exit code is 0 whatever the numbers are. Only
127.0.0.1 is ever targeted. Standard library + the project's own dependencies
(psycopg, redis) only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from incident_create import (  # noqa: E402 - the sibling benchmark, reused
    CENTER_CODE,
    DEFAULT_PG_URL,
    HOST,
    CpuMeter,
    Database,
    PostgresDatabase,
    Server,
    SqliteDatabase,
    _group_pids,
    _proc_cpu,
    _stop_all,
    incident_body,
    log,
    percentile,
    prepare,
    run,
    ungcuu_command,
    wait_for_quiet,
    warn_if_busy,
)

LEADER = "bench.leader"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
DEFAULT_REDIS_DB = 14
TARGET_P99_MS = {"embedded": 1000.0, "pg-redis": 500.0}
NUMBER_RE = re.compile(r"Số: ([A-Z]+-\d{4}-\d+)")
CONFIGS = ("embedded", "pg-redis")


# --- the webhook receiver ------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.monotonic() when the request line and headers were read
    number: str | None
    key: str


class Receiver:
    """A local stand-in for a JSON webhook: notes every POST and answers 200 at once."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.first: dict[str, float] = {}  # number -> first arrival
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                at = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, 1_000_000)) if length > 0 else b""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                try:
                    message = str(json.loads(raw).get("message", ""))
                except (ValueError, AttributeError):
                    message = raw.decode(errors="replace")
                found = NUMBER_RE.search(message)
                receiver.note(
                    Arrival(
                        at,
                        found.group(1) if found else None,
                        self.headers.get("Idempotency-Key", ""),
                    )
                )

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def note(self, arrival: Arrival) -> None:
        with self.changed:
            self.arrivals.append(arrival)
            if arrival.number and arrival.number not in self.first:
                self.first[arrival.number] = arrival.at
            self.changed.notify_all()

    def wait_for(self, numbers: set[str], deadline: float, alive=lambda: True) -> None:
        """Until every number has arrived, the deadline passed or ``alive()`` is false."""
        with self.changed:
            while not numbers <= self.first.keys():
                left = deadline - time.monotonic()
                if left <= 0 or not alive():
                    return
                self.changed.wait(min(left, 0.5))


# --- the reports ---------------------------------------------------------------------


@dataclass
class Sent:
    number: str
    at: float  # time.monotonic() when the 201 had been read
    took: float  # request sent -> 201 read, seconds


@dataclass
class SendResult:
    sent: list[Sent] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    server_died: bool = False

    @property
    def rate(self) -> float:
        span = self.finished - self.started
        return len(self.sent) / span if span > 0 else 0.0


def send_reports(
    server: Server, token: str, total: int, clients: int, rate: float, limit_s: float
) -> SendResult:
    """``total`` reports from ``clients`` keep-alive connections; each client takes the
    next report from a shared counter. ``rate`` > 0 paces them (reports/s overall)."""
    out, lock, stop = SendResult(), threading.Lock(), threading.Event()
    counter = iter(range(total))
    out.started = time.monotonic()
    deadline = out.started + limit_s
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": f"Bearer {token}",
        "Connection": "keep-alive",
    }

    def client() -> None:
        conn: http.client.HTTPConnection | None = None
        mine, errors, samples = [], 0, []
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            if rate > 0:
                due = out.started + index / rate
                if stop.wait(max(0.0, min(due, deadline) - time.monotonic())):
                    break
            body = incident_body()
            started = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
                conn.request("POST", "/api/v1/incidents", body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                done = time.monotonic()
                if resp.status == 201:
                    mine.append(Sent(json.loads(data)["number"], done, done - started))
                else:
                    errors += 1
                    if len(samples) < 5:
                        samples.append(f"HTTP {resp.status}: {data[:300].decode(errors='replace')}")
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
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
            out.sent.extend(mine)
            out.errors += errors
            out.error_samples.extend(samples[: max(0, 5 - len(out.error_samples))])

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        # Bounded: the deadline plus at most one 30 s socket timeout.
        while running := [thread for thread in threads if thread.is_alive()]:
            running[0].join(timeout=0.5)
            if not server.alive() and not stop.is_set():
                out.server_died = True
                stop.set()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    out.finished = max((s.at for s in out.sent), default=time.monotonic())
    return out


# --- one configuration -----------------------------------------------------------------


@dataclass
class Outcome:
    config: str
    reports: int
    send: SendResult | None = None
    # seconds, sorted; a report whose message never came counts as infinitely late
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    extra_posts: int = 0  # POSTs beyond the first per number (retries or double sends)
    double_sends: int = 0  # the same idempotency key arriving more than once
    backlog: int = 0  # reports not yet delivered when the last 201 was read
    delivery_rate: float = 0.0  # deliveries/s from the first to the last arrival
    cpu: str = ""
    states: str = ""
    huey: str = ""  # the task worker's effective settings
    server_died: bool = False
    skipped: str = ""

    @property
    def delivered(self) -> int:
        return sum(1 for value in self.latencies if value != math.inf)

    def ms(self, fraction: float) -> str:
        """The percentile in ms, or "missing" when it falls on a message that never came."""
        value = percentile(self.latencies, fraction) * 1000
        return "missing" if value == math.inf else f"{value:.0f}"


def redis_client(url: str, db: int):
    import redis

    return redis.Redis.from_url(url, db=db, socket_timeout=3, socket_connect_timeout=3)


def pick_redis_db(url: str, wanted: int) -> int:
    """``wanted`` if it holds no keys, else the next empty one (never someone's data)."""
    for db in [wanted, *range(15, 0, -1)]:
        if redis_client(url, db).dbsize() == 0:
            return db
    raise RuntimeError("no empty Redis database number (1–15) to use")


def check_services(args) -> str:
    """Why pg-redis cannot run here, or "" when PostgreSQL and Redis both answer."""
    problems = []
    try:
        import psycopg

        with psycopg.connect(args.pg_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        problems.append(
            f"PostgreSQL at {args.pg_url} does not answer ({type(exc).__name__}: {exc})".strip()
        )
    try:
        redis_client(args.redis_url, 0).ping()
    except Exception as exc:
        problems.append(f"Redis at {args.redis_url} does not answer ({type(exc).__name__}: {exc})")
    return "; ".join(problems)


def add_leader(db: Database, port: int) -> None:
    ungcuu = ungcuu_command()
    snippet = (
        "from ungcuu.org.models import Center, User\n"
        f"center = Center.objects.get(code={CENTER_CODE!r})\n"
        f"User.objects.create_user({LEADER!r}, password=None, role='team_leader', center=center,"
        " full_name='Bench Leader')\n"
    )
    run([*ungcuu, "shell", "-c", snippet], db.env, db.data_dir, "create team leader")
    url = f"json://{HOST}:{port}/hook"
    run([*ungcuu, "channel", "add", LEADER, url], db.env, db.data_dir, "ungcuu channel add")


def huey_settings(db: Database) -> str:
    """The task worker's settings as the app resolves them in this environment."""
    snippet = (
        "from django.conf import settings\n"
        "h = settings.HUEY; c = h.get('consumer', {})\n"
        "print(f\"{h.get('huey_class', '?').rsplit('.', 1)[-1]}, {c.get('workers', 1)}"
        " x {c.get('worker_type', 'thread')}, poll <= {c.get('max_delay', '?')} s,"
        " results {'on' if h.get('results', True) else 'off'}\")\n"
    )
    try:
        out = run([*ungcuu_command(), "shell", "-c", snippet], db.env, db.data_dir, "settings")
        return out.strip().splitlines()[-1]
    except Exception as exc:
        return f"n/a ({exc})"


def delivery_states(db: Database) -> str:
    """What the outbox says after the run (server stopped): rows by state, retries."""
    snippet = (
        "from django.db.models import Count, Max\n"
        "from ungcuu.notify.models import Delivery\n"
        "rows = Delivery.objects.values('state').annotate(n=Count('id')).order_by('state')\n"
        "print(', '.join(f\"{r['state']} {r['n']}\" for r in rows),"
        " '; retried', Delivery.objects.filter(attempts__gt=1).count(),"
        " '; max attempts', Delivery.objects.aggregate(m=Max('attempts'))['m'])\n"
    )
    try:
        out = run([*ungcuu_command(), "shell", "-c", snippet], db.env, db.data_dir, "states")
        return out.strip().splitlines()[-1]  # after Django's "objects imported" line
    except Exception as exc:
        return f"n/a ({exc})"


def task_worker_pids(pgid: int) -> list[int]:
    """The task worker that `ungcuu serve` started beside the web server: a fork named
    ``ungcuu-tasks``, or an `ungcuu run_huey` process where it cannot fork."""
    pids = []
    for pid in _group_pids(pgid) if os.path.isdir("/proc") else []:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read()
            with open(f"/proc/{pid}/comm", "rb") as fh:
                comm = fh.read().strip()
        except OSError:
            continue
        if b"run_huey" in cmd or comm == b"ungcuu-tasks":
            pids.append(pid)
    return pids


def bench_one(config: str, args) -> Outcome:
    outcome = Outcome(config, args.reports)
    redis_db = None
    if config == "pg-redis":
        problem = check_services(args)
        if problem:
            outcome.skipped = problem
            log(f"\n=== {config}: skipped: {problem}")
            return outcome
        redis_db = pick_redis_db(args.redis_url, args.redis_db)
        db: Database = PostgresDatabase(args.pg_url)
        db.env["REDIS_URL"] = f"{args.redis_url.rstrip('/')}/{redis_db}"
        queue = f"Redis {db.env['REDIS_URL']} (RedisHuey)"
    else:
        db = SqliteDatabase()
        db.env.pop("REDIS_URL", None)
        queue = f"SQLite {db.data_dir}/tasks.sqlite3 (SqliteHuey)"
    server = None
    receiver = None
    try:
        # A receiver of its own: every configuration numbers its incidents from BN-…-0001.
        receiver = Receiver()
        receiver.start()
        log(f"\n=== {config}: webhook receiver on {HOST}:{receiver.port}")
        if redis_db is not None:
            redis_client(args.redis_url, redis_db).flushdb()
        log(f"    preparing {db.describe()}; task queue {queue}")
        token = prepare(db)
        add_leader(db, receiver.port)
        server = Server(db, args.workers, args.threads)
        outcome.huey = huey_settings(db)
        log(f"--- {config}: ungcuu serve --workers {args.workers} --threads {args.threads}"
            f" on {HOST}:{server.port}; task worker: {outcome.huey}")  # fmt: skip
        server.start()

        # Warm-up: the task worker may still be starting when /healthz answers.
        if args.warmup:
            warm = send_reports(server, token, args.warmup, 1, 0.0, 60)
            numbers = {s.number for s in warm.sent}
            receiver.wait_for(numbers, time.monotonic() + 60, server.alive)
            arrived = len(numbers & receiver.first.keys())
            log(f"    warm-up: {len(warm.sent)} reports, {arrived} messages arrived (not counted)")

        pg = db if isinstance(db, PostgresDatabase) else None
        wait_for_quiet(args.quiet_wait)
        meter = CpuMeter(server.proc.pid, pg)
        workers = task_worker_pids(server.proc.pid)
        worker_cpu = sum(_proc_cpu(pid) for pid in workers)
        meter.start()
        metered = time.monotonic()
        send = send_reports(server, token, args.reports, args.clients, args.rate, args.send_limit)
        outcome.send = send
        numbers = {s.number for s in send.sent}
        with receiver.lock:
            outcome.backlog = len(numbers - receiver.first.keys())
        receiver.wait_for(numbers, send.finished + args.drain, server.alive)
        meter.stop()
        metered = time.monotonic() - metered
        server_alive = server.alive()
        # A worker that has gone reads as 0 CPU: no figure then.
        alive_workers = [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
        if alive_workers == workers:
            worker_cpu = sum(_proc_cpu(pid) for pid in workers) - worker_cpu
        else:
            workers = []
        outcome.server_died = not server_alive or send.server_died
        first_arrival = {}
        with receiver.lock:
            first_arrival = {n: receiver.first[n] for n in numbers if n in receiver.first}
            mine = [a for a in receiver.arrivals if a.number in numbers]
        outcome.latencies = sorted(
            first_arrival[s.number] - s.at if s.number in first_arrival else math.inf
            for s in send.sent
        )
        outcome.missing = len(send.sent) - outcome.delivered
        outcome.extra_posts = len(mine) - len(first_arrival)
        keys = [a.key for a in mine if a.key]
        outcome.double_sends = len(keys) - len(set(keys))
        if len(first_arrival) > 1:
            times = sorted(first_arrival.values())
            outcome.delivery_rate = (len(times) - 1) / max(times[-1] - times[0], 1e-9)
        outcome.cpu = meter.describe()
        if workers and meter.shares:
            outcome.cpu += (
                f"\n    of which the task worker: {100 * worker_cpu / metered:.0f}% of one core,"
                f" {1000 * worker_cpu / max(outcome.delivered, 1):.1f} CPU ms per delivery"
            )
        print_outcome(outcome, send)
        warn_if_busy(meter)
        if outcome.server_died:
            log("    ! the server process exited during the run; its log (tail):\n"
                + server.log_tail())  # fmt: skip
    finally:
        log(f"--- {config}: cleaning up")
        if server is not None:
            server.stop()
            outcome.states = delivery_states(db)
            log(f"    outbox after the run: {outcome.states}")
        db.drop()
        if receiver is not None:
            receiver.stop()
        if redis_db is not None:
            try:
                redis_client(args.redis_url, redis_db).flushdb()
            except Exception as exc:
                log(f"  ! could not flush Redis db {redis_db}: {exc}")
    return outcome


def unit(ms: str) -> str:
    return ms if ms == "missing" else f"{ms} ms"


def print_outcome(outcome: Outcome, send: SendResult) -> None:
    span = send.finished - send.started
    log(f"    {len(send.sent)}/{outcome.reports} reports answered 201 in {span:.1f} s"
        f" = {send.rate:.0f} reports/s; errors {send.errors}")  # fmt: skip
    for sample in send.error_samples:
        log(f"      {sample}")
    if send.sent:
        took = sorted(s.took for s in send.sent)
        log(f"    201 latency: p50 {percentile(took, 0.5) * 1000:.1f} ms,"
            f" p99 {percentile(took, 0.99) * 1000:.1f} ms")  # fmt: skip
    target = TARGET_P99_MS[outcome.config]
    log(f"    delivered {outcome.delivered}/{len(send.sent)} (missing {outcome.missing});"
        f" 201 -> first delivery attempt: p50 {unit(outcome.ms(0.5))},"
        f" p95 {unit(outcome.ms(0.95))}, p99 {unit(outcome.ms(0.99))},"
        f" max {unit(outcome.ms(1.0))} (target p99 <= {target:.0f} ms)")  # fmt: skip
    log(f"    not yet delivered when the last 201 was read: {outcome.backlog};"
        f" deliveries/s {outcome.delivery_rate:.0f}; extra POSTs {outcome.extra_posts};"
        f" same idempotency key twice {outcome.double_sends}")  # fmt: skip
    log(f"    {outcome.cpu}")


def print_table(outcomes: list[Outcome], args) -> None:
    pace = f"{args.rate:g} reports/s" if args.rate else "as fast as they go"
    log(
        f"\nnotify latency, {args.reports} reports, {args.clients} clients ({pace}),"
        f" serve {args.workers} x {args.threads}, {os.cpu_count()} CPUs,"
        f" {datetime.now():%Y-%m-%d %H:%M}"
    )
    header = (
        f"{'config':<9}| {'delivered':>11} | {'missing':>7} | {'reports/s':>9} |"
        f" {'deliv/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | {'max ms':>7} |"
        f" {'target p99':>10}"
    )
    log(header)
    log("-" * len(header))
    for o in outcomes:
        target = f"<= {TARGET_P99_MS[o.config]:.0f}"
        if o.skipped or o.send is None:
            log(f"{o.config:<9}| skipped: {o.skipped or 'error, see above'}")
            continue
        if o.server_died:
            log(f"{o.config:<9}| the server exited during the run (killed from outside?):"
                " no figure, see its log above")  # fmt: skip
            continue
        log(
            f"{o.config:<9}| {f'{o.delivered}/{len(o.send.sent)}':>11} | {o.missing:>7} |"
            f" {o.send.rate:>9.0f} | {o.delivery_rate:>7.0f} | {o.ms(0.5):>7} |"
            f" {o.ms(0.95):>7} | {o.ms(0.99):>7} | {o.ms(1.0):>7} | {target:>10}"
        )
    log("latency = receiver arrival of the first delivery attempt - 201 read by the client;"
        " a message that never came counts as infinitely late (\"missing\")")  # fmt: skip
    for o in outcomes:
        if o.huey:
            log(f"{o.config}: task worker {o.huey}")


def default_workers() -> int:
    """What `ungcuu serve` itself would choose."""
    return int(os.environ.get("UNGCUU_WORKERS") or 0) or min(8, max(2, 2 * (os.cpu_count() or 1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=[*CONFIGS, "both"], default="both")
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="pace the reports (per second overall); 0 = closed loop",
    )
    parser.add_argument("--warmup", type=int, default=10, help="uncounted reports first")
    parser.add_argument(
        "--drain", type=float, default=60.0, help="wait this long after the last 201 at most"
    )
    parser.add_argument(
        "--send-limit", type=float, default=600.0, help="stop sending after this many seconds"
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=int(os.environ.get("UNGCUU_THREADS") or 1))
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measured run, wait up to this long for the machine to be idle",
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="without a db number")
    parser.add_argument(
        "--redis-db", type=int, default=DEFAULT_REDIS_DB, help="used if empty, else the next empty"
    )
    args = parser.parse_args(argv)
    for url in (args.pg_url, args.redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            parser.error(f"only 127.0.0.1 may be targeted: {url}")
    args.redis_url = args.redis_url.rstrip("/")
    if urlsplit(args.redis_url).path not in ("", "/"):
        parser.error("--redis-url takes no database number; use --redis-db")

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    configs = list(CONFIGS) if args.config == "both" else [args.config]
    outcomes: list[Outcome] = []
    try:
        for config in configs:
            try:
                outcomes.append(bench_one(config, args))
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                log(f"!!! {config}: {exc}")
                outcomes.append(Outcome(config, args.reports, skipped=f"error: {exc}"[:200]))
    except KeyboardInterrupt:
        log("\ninterrupted: server stopped, temporary data removed")
    finally:
        _stop_all()
    if outcomes:
        print_table(outcomes, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
