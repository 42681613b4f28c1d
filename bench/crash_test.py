#!/usr/bin/env python
"""Crash test: kill -9 the server and the task worker in the middle of a burst of reports.

    .venv/bin/python bench/crash_test.py [--config embedded|pg-redis|both]
        [--reports 500] [--clients 4] [--kills all@200,worker@350] [--drain 120]
        [--workers N] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379] [--redis-db 13] [--strict]

For each configuration it
  1. prepares a fresh database as bench/notify_latency.py does (embedded: a temporary
     UNGCUU_DATA_DIR, SQLite for the data and for the Huey queue; pg-redis: a throwaway
     PostgreSQL database ``ungcuu_crash_<random>`` and an empty Redis database number,
     flushed at the start and at the end), with the staff user who reports, the team
     leader and today's on-duty responder, each with a ``json://`` channel to a local
     webhook receiver that notes every POST and its ``Idempotency-Key`` (the delivery's
     key);
  2. starts ``ungcuu serve`` and sends ``--reports`` POST /api/v1/incidents from
     ``--clients`` keep-alive clients, each report with its own ``client_uuid``. A
     request that fails (connection refused or cut, 5xx) is sent again with the same
     body until it is answered 201 or 200 (a replay);
  3. kills as ``--kills`` says, when that many reports have been answered:
     ``all@N`` SIGKILLs the server's whole process group (the serve process, the web
     workers and the task worker: a power cut of the application), waits for every one
     of them to be gone and starts ``ungcuu serve`` again on the same port;
     ``worker@N`` SIGKILLs only the task worker (``ungcuu-tasks``, or ``ungcuu run_huey``)
     and leaves the server running; ``server@N`` SIGKILLs only the serve process;
  4. after the burst, waits (at most ``--drain`` seconds) until the outbox is drained:
     every stored incident has its first-level messages (team leader and on-duty
     responder), each of them arrived at the receiver, and no message is still
     pending or sending; then 3 s more for late repeats;
  5. checks, and prints a table: every client_uuid answered 201/200 is stored exactly
     once; every expected message arrived (lost = never arrived); repeats = POSTs of a
     key already received. A repeat is "across a kill" when its first POST came before
     a new task worker process existed after a kill and its second after the kill: the
     message was on the wire when its sender died, before the "sent" was written, and
     the next worker sent it again under the same key. It is "after a failed attempt"
     when the message's timeline shows an attempt that timed out or was refused (an
     ordinary retry). Any other repeat is a bug.

Exit code: 1 if a report answered 201/200 is not stored (or stored twice), a message is
lost, a repeat is neither across a kill nor after a failed attempt, or the outbox did
not drain in time; with ``--strict`` also for any repeat. 0 otherwise. Only 127.0.0.1 is
ever targeted. Standard library + the project's own dependencies (psycopg, redis) only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from incident_create import (  # noqa: E402 - the sibling benchmarks, reused
    CENTER_CODE,
    DEFAULT_PG_URL,
    HOST,
    Database,
    PostgresDatabase,
    Server,
    SqliteDatabase,
    _group_pids,
    _stop_all,
    incident_body,
    log,
    prepare,
    run,
    ungcuu_command,
)
from notify_latency import (  # noqa: E402
    DEFAULT_REDIS_URL,
    LEADER,
    Receiver,
    add_leader,
    check_services,
    pick_redis_db,
    redis_client,
    task_worker_pids,
)

RESPONDER = "bench.duty"
DEFAULT_REDIS_DB = 13
CONFIGS = ("embedded", "pg-redis")
RETRY_STATUSES = {429, 500, 502, 503, 504}


# --- setting up -------------------------------------------------------------------------


def add_responder(db: Database, port: int) -> None:
    """Today's on-duty responder of the center, told at once like the team leader."""
    snippet = (
        "from django.utils import timezone\n"
        "from ungcuu.org.models import Center, DutyShift, User\n"
        f"center = Center.objects.get(code={CENTER_CODE!r})\n"
        f"person = User.objects.create_user({RESPONDER!r}, password=None, role='responder',"
        " center=center, full_name='Bench Duty')\n"
        "DutyShift.objects.create(center=center, person=person, date=timezone.localdate())\n"
    )
    run([*ungcuu_command(), "shell", "-c", snippet], db.env, db.data_dir, "create responder")
    url = f"json://{HOST}:{port}/duty"
    run([*ungcuu_command(), "channel", "add", RESPONDER, url], db.env, db.data_dir, "channel")


class CrashServer(Server):
    """The bench's server, started several times on the same port, a log per life."""

    lives = 0

    def start(self, timeout: float = 120) -> None:
        self.lives += 1
        self.log_path = os.path.join(self.db.data_dir, f"serve-{self.lives}.log")
        super().start(timeout)

    def logs_tail(self, chars: int = 1500) -> str:
        out = []
        for life in range(1, self.lives + 1):
            path = Path(self.db.data_dir, f"serve-{life}.log")
            text = path.read_text(errors="replace")[-chars:] if path.exists() else ""
            out.append(f"--- serve life {life}:\n{text}")
        return "\n".join(out)


# --- reading the outcome straight from the database ---------------------------------------


def _reader(db: Database):
    if isinstance(db, PostgresDatabase):
        return db.connect()
    path = os.path.join(db.data_dir, "ungcuu.sqlite3")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)


@dataclass
class Snapshot:
    incidents: dict[str, int]  # client_uuid -> incident id
    uuid_rows: int  # rows, to see a client_uuid stored twice
    people: dict[str, int]  # username -> id
    # (incident id, person id) -> [(key, state, attempts)]
    deliveries: dict[tuple[int, int], list[tuple[str, str, int]]]
    states: Counter
    refused: set[str]  # keys with an attempt the channel refused or did not answer in time


def snapshot(db: Database) -> Snapshot:
    conn = _reader(db)
    try:
        cur = conn.cursor()
        cur.execute("SELECT client_uuid, id FROM incidents_incident")
        rows = cur.fetchall()
        incidents = {str(uuid.UUID(str(u))): pk for u, pk in rows}
        cur.execute(
            "SELECT username, id FROM org_user WHERE username IN (%s, %s)"
            if isinstance(db, PostgresDatabase)
            else "SELECT username, id FROM org_user WHERE username IN (?, ?)",
            (LEADER, RESPONDER),
        )
        people = dict(cur.fetchall())
        cur.execute(
            "SELECT incident_id, person_id, key, state, attempts FROM notify_delivery"
            " WHERE level = 'at_once'"
        )
        deliveries: dict[tuple[int, int], list[tuple[str, str, int]]] = {}
        states: Counter = Counter()
        for incident_id, person_id, key, state, attempts in cur.fetchall():
            deliveries.setdefault((incident_id, person_id), []).append(
                (str(uuid.UUID(str(key))), state, attempts)
            )
            states[state] += 1
        cur.execute("SELECT payload FROM incidents_incidentevent WHERE kind = 'notified'")
        refused = set()
        for (payload,) in cur.fetchall():
            payload = json.loads(payload) if isinstance(payload, str) else payload
            # Upward reports' lines ("upward") are not messages to people: not counted.
            if not payload.get("ok") and "delivery" in payload:
                refused.add(str(uuid.UUID(payload["delivery"])))
        return Snapshot(incidents, len(rows), people, deliveries, states, refused)
    finally:
        conn.close()


# --- the burst ----------------------------------------------------------------------------


@dataclass
class Kill:
    what: str  # all | worker | server
    after: int  # answered reports
    at: float = 0.0  # time.monotonic() when the last process that could send died
    serve_back: float = 0.0  # seconds until /healthz answered again (all, server)
    worker_back: float = 0.0  # seconds until a new task worker process existed
    pids: int = 0
    note: str = ""


@dataclass
class Burst:
    answered: dict[str, int] = field(default_factory=dict)  # client_uuid -> 201 | 200
    refused: dict[str, str] = field(default_factory=dict)  # client_uuid -> what came back
    gave_up: list[str] = field(default_factory=list)
    retries: int = 0
    started: float = 0.0
    finished: float = 0.0


def send_burst(server: CrashServer, token: str, args, kills: list[Kill]) -> Burst:
    out, lock = Burst(), threading.Lock()
    bodies = [incident_body() for _ in range(args.reports)]
    queue = list(reversed(bodies))
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": f"Bearer {token}",
        "Connection": "keep-alive",
    }
    deadline = time.monotonic() + args.send_limit

    def client() -> None:
        conn = None
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            client_uuid = json.loads(body)["client_uuid"]
            while True:
                if time.monotonic() > deadline:
                    with lock:
                        out.gave_up.append(client_uuid)
                    break
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
                    conn.request("POST", "/api/v1/incidents", body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    if resp.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    with lock:
                        out.retries += 1
                    time.sleep(0.1)  # the server is down: the same report again soon
                    continue
                if resp.status in (200, 201):
                    with lock:
                        out.answered[client_uuid] = resp.status
                    break
                if resp.status in RETRY_STATUSES:
                    with lock:
                        out.retries += 1
                    time.sleep(0.1)
                    continue
                with lock:
                    out.refused[client_uuid] = f"HTTP {resp.status}: {data[:200]!r}"
                break
        if conn is not None:
            conn.close()

    out.started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    pending = sorted(kills, key=lambda k: k.after)
    while any(thread.is_alive() for thread in threads):
        if pending and len(out.answered) >= pending[0].after:
            kill(server, pending.pop(0))
        time.sleep(0.005)
    for kill_ in pending:
        kill_.note = "not done: the burst ended first"
    out.finished = time.monotonic()
    return out


def kill(server: CrashServer, what: Kill) -> None:
    pgid = server.proc.pid
    if what.what == "worker":
        pids = task_worker_pids(pgid)
    elif what.what == "server":
        pids = [pgid]
    else:
        pids = _group_pids(pgid)
    what.at = time.monotonic()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    what.pids = len(pids)
    log(f"    kill -9 {what.what} ({len(pids)} processes) after {what.after} answered reports")
    if what.what == "worker":
        threading.Thread(target=_worker_back, args=(server, what, set(pids)), daemon=True).start()
        return
    server.proc.wait(timeout=10)
    if what.what == "all":
        # Every process of the group must be gone before the port is taken again.
        limit = time.monotonic() + 10
        while _group_pids(pgid) and time.monotonic() < limit:
            time.sleep(0.05)
        old = set(pids)
    else:
        # The serve process is gone; what it started (web workers, task worker) goes
        # on by itself for a second, then the bench ends it: from then on no process
        # of the old server can send.
        time.sleep(1.0)
        old = set(_group_pids(pgid))
        what.note = f"({len(old)} orphaned processes went on for 1 s)"
    server.stop()  # closes the log; ends stragglers of the old group
    if what.what == "server":
        what.at = time.monotonic()
    threading.Thread(target=_worker_back, args=(server, what, old), daemon=True).start()
    server.start()
    what.serve_back = time.monotonic() - what.at
    log(f"    serve back after {what.serve_back:.1f} s")


def _worker_back(server: CrashServer, what: Kill, old: set[int]) -> None:
    """When a new task worker process exists again (after a kill, nothing of the old
    server can send; before this, nothing of the new one can)."""
    limit = what.at + 120
    while time.monotonic() < limit:
        proc = server.proc
        if proc is not None and set(task_worker_pids(proc.pid)) - old:
            what.worker_back = time.monotonic() - what.at
            return
        time.sleep(0.05)


# --- one configuration --------------------------------------------------------------------


@dataclass
class Outcome:
    config: str
    skipped: str = ""
    burst: Burst | None = None
    kills: list[Kill] = field(default_factory=list)
    stored: int = 0  # answered reports found in the database
    not_stored: int = 0
    stored_twice: int = 0
    expected: int = 0  # first-level messages of the stored incidents
    rows_missing: int = 0  # expected messages with no outbox row at all
    delivered: int = 0
    lost: int = 0
    repeats: int = 0  # POSTs beyond the first per key
    repeats_across_kill: int = 0
    repeats_unexplained: int = 0
    repeats_after_refusal: int = 0  # the channel timed out or refused, then it went again
    unknown_keys: int = 0
    drained: bool = False
    drain_s: float = 0.0
    states: str = ""
    resent_rows: int = 0  # outbox rows that took more than one attempt
    repeat_times: list[str] = field(default_factory=list)  # when each repeat came, for the log
    refused_keys: set[str] = field(default_factory=set)

    @property
    def failed(self) -> bool:
        return bool(
            self.skipped
            or self.not_stored
            or self.stored_twice
            or self.lost
            or self.repeats_unexplained
            or not self.drained
        )


def expected_keys(snap: Snapshot) -> tuple[dict[str, tuple[int, int]], int]:
    """Every first-level message of the stored incidents: key -> (incident, person), and
    how many expected messages have no row at all (never worked out)."""
    keys: dict[str, tuple[int, int]] = {}
    missing = 0
    for incident_id in snap.incidents.values():
        for person_id in snap.people.values():
            rows = snap.deliveries.get((incident_id, person_id), [])
            if not rows:
                missing += 1
            for key, _state, _attempts in rows:
                keys[key] = (incident_id, person_id)
    return keys, missing


def drained(snap: Snapshot, received: set[str]) -> bool:
    keys, missing = expected_keys(snap)
    busy = snap.states.get("pending", 0) + snap.states.get("sending", 0)
    return not missing and not busy and set(keys) <= received


def crash_one(config: str, args) -> Outcome:
    outcome = Outcome(config)
    redis_db = None
    if config == "pg-redis":
        problem = check_services(args)
        if problem:
            outcome.skipped = problem
            log(f"\n=== {config}: skipped: {problem}")
            return outcome
        redis_db = pick_redis_db(args.redis_url, args.redis_db)
        db: Database = PostgresDatabase(args.pg_url)
        db.db_name = db.db_name.replace("ungcuu_bench_", "ungcuu_crash_")
        db.url = db.url.rsplit("/", 1)[0] + "/" + db.db_name
        db.env["DATABASE_URL"] = db.url
        db.env["REDIS_URL"] = f"{args.redis_url}/{redis_db}"
        queue = f"Redis {db.env['REDIS_URL']}"
    else:
        db = SqliteDatabase()
        db.env.pop("REDIS_URL", None)
        queue = "SQLite tasks.sqlite3"
    server = receiver = None
    try:
        receiver = Receiver()
        # A killed worker's keep-alive connections are cut: expected, not worth a trace.
        receiver.server.handle_error = lambda request, address: None
        receiver.start()
        if redis_db is not None:
            redis_client(args.redis_url, redis_db).flushdb()
        log(f"\n=== {config}: {db.describe()}; task queue {queue}; receiver {HOST}:{receiver.port}")
        token = prepare(db)
        add_leader(db, receiver.port)
        add_responder(db, receiver.port)
        server = CrashServer(db, args.workers, 1)
        server.start()
        log(f"    ungcuu serve --workers {args.workers} on {HOST}:{server.port}")

        outcome.kills = [Kill(what, after) for what, after in args.kills]
        burst = send_burst(server, token, args, outcome.kills)
        outcome.burst = burst
        span = burst.finished - burst.started
        log(f"    burst: {len(burst.answered)}/{args.reports} answered in {span:.1f} s,"
            f" {burst.retries} requests sent again")  # fmt: skip

        # The outbox drains: every message out, nothing pending or sending.
        limit = burst.finished + args.drain
        while True:
            with receiver.lock:
                received = {a.key for a in receiver.arrivals}
            snap = snapshot(db)
            if drained(snap, received):
                outcome.drained = True
                break
            if time.monotonic() > limit or not server.alive():
                break
            time.sleep(0.5)
        outcome.drain_s = time.monotonic() - burst.finished
        time.sleep(3)  # room for a late repeat
        server.stop()
        snap = snapshot(db)
        check(outcome, snap, receiver)
        print_outcome(outcome, args)
        if outcome.failed:
            log(server.logs_tail())
    finally:
        if server is not None:
            server.stop()
        db.drop()
        if receiver is not None:
            receiver.stop()
        if redis_db is not None:
            try:
                redis_client(args.redis_url, redis_db).flushdb()
            except Exception as exc:
                log(f"  ! could not flush Redis db {redis_db}: {exc}")
    return outcome


def check(outcome: Outcome, snap: Snapshot, receiver: Receiver) -> None:
    burst = outcome.burst
    answered = set(burst.answered)
    outcome.stored = len(answered & snap.incidents.keys())
    outcome.not_stored = len(answered - snap.incidents.keys())
    outcome.stored_twice = snap.uuid_rows - len(snap.incidents)
    keys, outcome.rows_missing = expected_keys(snap)
    outcome.expected = len(snap.incidents) * len(snap.people)
    with receiver.lock:
        arrivals = [a for a in receiver.arrivals]
    by_key: dict[str, list[float]] = {}
    for arrival in arrivals:
        by_key.setdefault(arrival.key, []).append(arrival.at)
    outcome.delivered = len(keys.keys() & by_key.keys())
    outcome.lost = outcome.expected - outcome.delivered
    outcome.unknown_keys = len(by_key.keys() - keys.keys())
    kills = [k for k in outcome.kills if k.at]
    for key, times in by_key.items():
        times.sort()
        for before, after in zip(times, times[1:], strict=False):
            outcome.repeats += 1
            # The first copy left the dead process before the kill, but the receiver may
            # read it a little later; until a new task worker exists, nothing else sends.
            if any(before <= k.at + k.worker_back and after >= k.at for k in kills):
                outcome.repeats_across_kill += 1
                kind = "across a kill"
            elif key in snap.refused:
                # At least once: a channel that takes the message but answers after the
                # time limit is tried again (notify.transport.TIMEOUT_SECONDS).
                outcome.repeats_after_refusal += 1
                kind = "after an attempt that failed"
            else:
                outcome.repeats_unexplained += 1
                kind = "NO KILL BETWEEN"
            base = burst.started
            outcome.repeat_times.append(
                f"{kind}: POSTs at {before - base:.2f} s and {after - base:.2f} s;"
                " kills at "
                + ", ".join(
                    f"{k.at - base:.2f} s (worker back {k.worker_back:.1f} s)" for k in kills
                )
            )
    outcome.refused_keys = snap.refused & keys.keys()
    outcome.states = ", ".join(f"{state} {n}" for state, n in sorted(snap.states.items()))
    outcome.resent_rows = sum(
        1 for rows in snap.deliveries.values() for _k, _s, attempts in rows if attempts > 1
    )


def print_outcome(o: Outcome, args) -> None:
    b = o.burst
    codes = Counter(b.answered.values())
    log(f"    reports: {len(b.answered)} answered ({codes[201]} × 201, {codes[200]} × 200 replay),"
        f" {len(b.refused)} refused, {len(b.gave_up)} given up; stored {o.stored},"
        f" not stored {o.not_stored}, stored twice {o.stored_twice}")  # fmt: skip
    for sample in list(b.refused.values())[:3]:
        log(f"      refused: {sample}")
    log(f"    messages: expected {o.expected} (no outbox row: {o.rows_missing}), delivered"
        f" {o.delivered}, lost {o.lost}; repeats {o.repeats} (across a kill"
        f" {o.repeats_across_kill}, after a failed attempt {o.repeats_after_refusal},"
        f" unexplained {o.repeats_unexplained}); unknown keys {o.unknown_keys};"
        f" messages with a failed attempt {len(o.refused_keys)}")  # fmt: skip
    drained = "drained" if o.drained else "NOT drained"
    log(f"    outbox: {o.states}; rows sent more than once: {o.resent_rows};"
        f" {drained} {o.drain_s:.1f} s after the burst")  # fmt: skip
    for line in o.repeat_times[:20]:
        log(f"      repeat {line}")
    for k in o.kills:
        back = f", serve back in {k.serve_back:.1f} s" if k.serve_back else ""
        if k.at:
            back += (
                f", task worker back in {k.worker_back:.1f} s"
                if k.worker_back
                else ", no task worker within 120 s"
            )
        log(f"    kill -9 {k.what}@{k.after}: {k.pids} processes{back} {k.note}")


def print_table(outcomes: list[Outcome], args) -> None:
    kills = ",".join(f"{w}@{n}" for w, n in args.kills)
    log(f"\ncrash test, {args.reports} reports, {args.clients} clients, kills {kills},"
        f" serve --workers {args.workers}, {os.cpu_count()} CPUs,"
        f" {datetime.now():%Y-%m-%d %H:%M}")  # fmt: skip
    header = (
        f"{'config':<9}| {'201/200':>7} | {'stored':>6} | {'msgs expected':>13} |"
        f" {'delivered':>9} | {'lost':>4} | {'repeats (kill/failed/other)':>27} | {'burst s':>7} |"
        f" {'drain s':>7} | result"
    )
    log(header)
    log("-" * len(header))
    for o in outcomes:
        if o.skipped or o.burst is None:
            log(f"{o.config:<9}| skipped: {o.skipped or 'error, see above'}")
            continue
        b = o.burst
        repeats = (
            f"{o.repeats} ({o.repeats_across_kill}/{o.repeats_after_refusal}"
            f"/{o.repeats_unexplained})"
        )
        drain = f"{o.drain_s:.1f}" if o.drained else f">{o.drain_s:.0f}"
        bad = o.failed or (args.strict and o.repeats)
        log(
            f"{o.config:<9}| {len(b.answered):>7} | {o.stored:>6} | {o.expected:>13} |"
            f" {o.delivered:>9} | {o.lost:>4} | {repeats:>27} |"
            f" {b.finished - b.started:>7.1f} | {drain:>7} | {'FAIL' if bad else 'ok'}"
        )
    log("repeats: POSTs of a key the receiver already had (the same Idempotency-Key); 'kill' ="
        " a kill -9 fell between the two, 'failed' = an attempt of that message timed out or"
        " was refused, 'other' = neither (a bug)")  # fmt: skip


def parse_kills(text: str) -> list[tuple[str, int]]:
    kills = []
    for part in filter(None, text.split(",")):
        what, _, after = part.partition("@")
        if what not in ("all", "worker", "server") or not after.isdigit():
            raise argparse.ArgumentTypeError(f"not a kill: {part!r} (all@N, worker@N, server@N)")
        kills.append((what, int(after)))
    return kills


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=[*CONFIGS, "both"], default="both")
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kills", type=parse_kills, default=parse_kills("all@200,worker@350"))
    parser.add_argument("--drain", type=float, default=120.0)
    parser.add_argument("--send-limit", type=float, default=180.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="without a db number")
    parser.add_argument("--redis-db", type=int, default=DEFAULT_REDIS_DB)
    parser.add_argument("--strict", action="store_true", help="fail on repeats across a kill too")
    args = parser.parse_args(argv)
    for url in (args.pg_url, args.redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            parser.error(f"only 127.0.0.1 may be targeted: {url}")
    args.redis_url = args.redis_url.rstrip("/")

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    configs = list(CONFIGS) if args.config == "both" else [args.config]
    outcomes: list[Outcome] = []
    try:
        for config in configs:
            try:
                outcomes.append(crash_one(config, args))
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                log(f"!!! {config}: {type(exc).__name__}: {exc}")
                outcomes.append(Outcome(config, skipped=f"error: {exc}"[:200]))
    except KeyboardInterrupt:
        log("\ninterrupted: servers stopped, temporary data removed")
        return 2
    finally:
        _stop_all()
    print_table(outcomes, args)
    failed = any(o.failed or (args.strict and o.repeats) for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
