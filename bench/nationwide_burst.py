#!/usr/bin/env python
"""Benchmark: a nationwide outage reported by every center at once.

    .venv/bin/python bench/nationwide_burst.py [--reports 10000] [--seconds 60]
        [--instances 1,2] [--type national-db] [--clients 64] [--ack-minutes 1]
        [--drain 300] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379] [--redis-db 3]

For each number of ``ungcuu serve`` instances asked (1, then 2: two ports, one
PostgreSQL database and one Redis, the reports alternated between them as a load
balancer would) it

  1. makes a throwaway PostgreSQL database ``ungcuu_burst_<random>`` and flushes its
     Redis database; ``ungcuu migrate``; then one ``ungcuu shell`` script writes every
     center of the official list (3,321 communes and wards, ``vietnam-provinces``),
     each with a staff member who reports (an API token) and a team leader with a
     ``json://`` channel; a province working-group member per province and one vendor
     of the type's counterpart team, each with a channel too. Every channel points at a
     recorder this script runs on 127.0.0.1, which notes every message it receives;
  2. starts the instances and sends ``--reports`` reports of one type, paced evenly over
     ``--seconds`` and spread over all centers (each center in turn, shuffled);
  3. waits until every report's first messages are out and, with ``--ack-minutes``,
     until the "nobody took it" timer of every incident has fired (bounded by
     ``--drain``);
  4. prints what it counted: reports stored, report latency, major incidents (one per
     province expected, plus one national for a national system), messages per major
     incident to the vendor and to each province, the time from a province's first
     report to its major incident's first message, messages received twice, timers
     fired twice, numbers given twice.

Figures, not pass/fail: the exit code is 0 whatever the numbers are. Only 127.0.0.1 is
ever targeted. Standard library + the project's own dependencies (psycopg, redis).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from incident_create import (  # noqa: E402 - the sibling benchmark, reused
    DEFAULT_PG_URL,
    HOST,
    PostgresDatabase,
    Server,
    _stop_all,
    log,
    percentile,
    run,
    ungcuu_command,
)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
MAJOR_RE = re.compile(r"SỰ CỐ DIỆN RỘNG (DR-[0-9A-Z]+-\d{4}-\d+)")
NUMBER_RE = re.compile(r"Số: ([A-Z]+-\d{4}-H?\d+)")
TARGETS = {"report_p99_ms": 250.0, "major_message_p99_s": 5.0}

# One script, one process: every center, person, token and channel in a few bulk inserts.
SETUP = r"""
import json, os
from vietnam_provinces import Ward
from ungcuu.catalog.models import IncidentType
from ungcuu.notify.models import Channel, RoutingPolicy
from ungcuu.org.models import ApiToken, Center, Organisation, OrganisationKind, Province, Role, User
from ungcuu.org.services import province_get_or_create

port, ack = int(os.environ["BURST_PORT"]), int(os.environ["BURST_ACK_MINUTES"])
wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
for code in sorted({int(w.province_code) for w in wards}):
    province_get_or_create(code=code)
provinces = {p.code: p for p in Province.objects.all()}

def prefix(n):
    letters = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        letters = chr(65 + r) + letters
    return "Q" + letters

Center.objects.bulk_create(
    [Center(code=f"x{int(w.code)}", ward_code=int(w.code), ward_name=w.name,
            province=provinces[int(w.province_code)], prefix=prefix(n))
     for n, w in enumerate(wards)],
    batch_size=1000,
)
centers = list(Center.objects.select_related("province").order_by("pk"))
policy = {"no_ack_roles": [Role.TEAM_LEADER.value]}
if ack:
    policy.update(simple_ack_minutes=ack, complex_ack_minutes=ack)
RoutingPolicy.objects.bulk_create(
    [RoutingPolicy(center=c, **policy) for c in centers], batch_size=1000
)

def person(username, role, **kw):
    user = User(username=username, role=role, full_name=username, **kw)
    user.set_unusable_password()
    return user

staff = [person(f"{c.code}.nv", Role.STAFF, center=c) for c in centers]
leaders = [person(f"{c.code}.tt", Role.TEAM_LEADER, center=c) for c in centers]
heads = [person(f"tinh{p.code:02d}", Role.PROVINCE, province=p) for p in provinces.values()]
kind = IncidentType.objects.get(code=os.environ["BURST_TYPE"]).escalation_targets
vendor_org = Organisation.objects.create(
    name="Đơn vị vận hành hệ thống (bench)",
    kind=[k for k in kind if k not in ("province_center",)][0] if kind else OrganisationKind.OTHER,
)
vendor = person("vendor.bench", Role.VENDOR, organisation=vendor_org)
User.objects.bulk_create(staff + leaders + heads + [vendor], batch_size=1000)
from ungcuu.org.models import Contact
Contact.objects.create(organisation=vendor_org, name="Trực vận hành (bench)")
tokens = {}
rows = []
reporters = User.objects.filter(role=Role.STAFF).order_by("center_id")
for user, center in zip(reporters, centers):
    raw = f"uc_bench_{user.pk}_{os.urandom(12).hex()}"
    tokens[center.code] = [raw, center.province.code]
    rows.append(ApiToken(user=user, digest=ApiToken.digest_of(raw), label="bench"))
ApiToken.objects.bulk_create(rows, batch_size=1000)
url = f"json://127.0.0.1:{port}"
channels = [Channel(person=u, url=f"{url}/c/{u.username}", position=1, label="bench")
            for u in User.objects.filter(role=Role.TEAM_LEADER)]
channels += [Channel(person=u, url=f"{url}/p/{u.username}", position=1, label="bench")
             for u in User.objects.filter(role=Role.PROVINCE)]
channels += [Channel(person=u, url=f"{url}/v/{u.username}", position=1, label="bench")
             for u in User.objects.filter(role=Role.VENDOR)]
channels += [Channel(contact=c, url=f"{url}/v/contact{c.pk}", position=1, label="bench")
             for c in Contact.objects.filter(organisation=vendor_org)]
Channel.objects.bulk_create(channels, batch_size=1000)
with open(os.environ["BURST_OUT"], "w") as out:
    json.dump(tokens, out)
print(len(centers), "centers,", len(provinces), "provinces,", len(channels), "channels")
"""


# --- the recorder: every message, as it arrives ------------------------------------------


@dataclass
class Message:
    at: float
    path: str
    title: str
    text: str
    key: str


class Recorder:
    """A local stand-in for the chat service: notes every POST and answers 200 at once."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        recorder = self

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
                    body = json.loads(raw)
                    title, text = str(body.get("title", "")), str(body.get("message", ""))
                except (ValueError, AttributeError):
                    title, text = "", raw.decode(errors="replace")
                message = Message(
                    at, self.path, title, text, self.headers.get("Idempotency-Key", "")
                )
                with recorder.lock:
                    recorder.messages.append(message)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def snapshot(self) -> list[Message]:
        with self.lock:
            return list(self.messages)


# --- the instances ---------------------------------------------------------------------


@dataclass
class Instance:
    """One ``ungcuu serve``: its own data dir (another machine), the shared database."""

    env: dict
    data_dir: str


def start_instances(db: PostgresDatabase, count: int, workers: int | None) -> list[Server]:
    servers = []
    for n in range(count):
        data_dir = os.path.join(db.data_dir, f"instance{n + 1}")
        os.makedirs(data_dir, exist_ok=True)
        instance = Instance(dict(db.env, UNGCUU_DATA_DIR=data_dir), data_dir)
        shape = workers or int(instance.env.get("UNGCUU_WORKERS") or 0) or 2 * (os.cpu_count() or 1)
        server = Server(instance, shape, 1)
        server.start(timeout=240)
        servers.append(server)
    return servers


# --- the burst ---------------------------------------------------------------------------


@dataclass
class Sent:
    at: float  # monotonic, when sent
    latency: float
    status: int
    center: str
    province: int
    number: str = ""


@dataclass
class Burst:
    sent: list[Sent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    elapsed: float = 0.0


def burst(ports, plan, tokens, type_code, seconds, clients) -> Burst:
    """``plan`` (center codes, in order) sent evenly over ``seconds`` by ``clients``
    threads; report n goes to ``ports[n % len(ports)]``. A client that falls behind sends
    at once (the server sets the pace then)."""
    out, lock = Burst(), threading.Lock()
    counter = iter(range(len(plan)))
    step = seconds / max(len(plan), 1)
    out.started = started = time.monotonic() + 0.5

    def client():
        conns: dict[int, http.client.HTTPConnection] = {}
        mine, errors = [], []
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            wait = started + n * step - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            code = plan[n]
            token, province = tokens[code]
            port = ports[n % len(ports)]
            body = json.dumps(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "center": code,
                    "type": type_code,
                    "description": "Không tra cứu được dữ liệu (bench)",
                    "started_at": datetime.now(UTC).isoformat(),
                    "impact": "stopped",
                }
            ).encode()
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Connection": "keep-alive",
            }
            sent_at = time.monotonic()
            for _attempt in range(3):
                try:
                    conn = conns.get(port) or http.client.HTTPConnection(HOST, port, timeout=60)
                    conns[port] = conn
                    conn.request("POST", "/api/v1/incidents", body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    if resp.will_close:
                        conns.pop(port).close()
                    number = ""
                    if resp.status in (200, 201):
                        number = json.loads(data).get("number", "")
                    elif len(errors) < 5:
                        errors.append(f"HTTP {resp.status}: {data[:200]!r}")
                    mine.append(
                        Sent(
                            sent_at, time.monotonic() - sent_at, resp.status, code, province, number
                        )
                    )
                    break
                except (OSError, http.client.HTTPException) as exc:
                    conns.pop(port, None)
                    if len(errors) < 5:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    time.sleep(0.2)
            else:
                mine.append(Sent(sent_at, time.monotonic() - sent_at, 0, code, province))
        for conn in conns.values():
            conn.close()
        with lock:
            out.sent.extend(mine)
            out.errors.extend(errors[: max(0, 5 - len(out.errors))])

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    out.elapsed = time.monotonic() - started
    return out


# --- what the database says --------------------------------------------------------------


def query(db: PostgresDatabase, sql: str, params=()):
    import psycopg

    with psycopg.connect(db.url, connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def drain(db: PostgresDatabase, servers, last_sent_wall: float, ack_minutes: int, limit: float):
    """Until every incident has its first messages worked out and sent and, with timers,
    every incident's "nobody took it" timer has fired; at most ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and all(s.alive() for s in servers):
        [(new, busy, due)] = query(
            db,
            "SELECT (SELECT count(*) FROM incidents_incident i WHERE NOT EXISTS"
            " (SELECT 1 FROM notify_escalationrun r WHERE r.incident_id = i.id)),"
            " (SELECT count(*) FROM notify_delivery WHERE state IN ('pending', 'sending')),"
            " (SELECT count(*) FROM notify_escalationrun WHERE no_ack_sent_at IS NULL)",
        )
        timers_done = not ack_minutes or due == 0
        if new == 0 and busy == 0 and timers_done:
            return time.monotonic() - (deadline - limit), ""
        time.sleep(2)
    return time.monotonic() - (deadline - limit), (
        f"not drained in {limit:.0f} s: {new} incidents not worked out, {busy} messages"
        f" waiting, {due} timers not fired"
    )


def count_duplicates(rows) -> int:
    return sum(n - 1 for n in Counter(rows).values() if n > 1)


def report(db, result: Burst, recorder: Recorder, args, instances: int, drained, note) -> dict:
    ok = [s for s in result.sent if s.status in (200, 201)]
    latencies = sorted(s.latency for s in ok)
    [(stored,)] = query(db, "SELECT count(*) FROM incidents_incident")
    twice = query(
        db, "SELECT number, count(*) FROM incidents_incident GROUP BY number HAVING count(*) > 1"
    )
    majors = query(
        db,
        "SELECT m.id, m.number, m.scope, p.code, m.parent_id,"
        " (SELECT count(*) FROM incidents_incident i WHERE i.major_incident_id = m.id)"
        " FROM incidents_majorincident m LEFT JOIN org_province p ON p.id = m.province_id",
    )
    [(loose,)] = query(
        db, "SELECT count(*) FROM incidents_incident WHERE major_incident_id IS NULL"
    )
    runs_twice = query(
        db,
        "SELECT incident_id FROM notify_escalationrun GROUP BY incident_id HAVING count(*) > 1",
    )
    [(runs, fired)] = query(db, "SELECT count(*), count(no_ack_sent_at) FROM notify_escalationrun")
    no_ack_twice = query(
        db,
        "SELECT incident_id, person_id FROM notify_delivery WHERE level = 'no_ack'"
        " AND person_id IS NOT NULL GROUP BY incident_id, person_id HAVING count(*) > 1",
    )
    states = dict(query(db, "SELECT state, count(*) FROM notify_delivery GROUP BY state"))
    messages = recorder.snapshot()
    by_key = count_duplicates((m.path, m.key) for m in messages if m.key)
    by_text = count_duplicates((m.path, m.title, m.text) for m in messages)
    first_report: dict[int, float] = {}
    for s in ok:
        first_report[s.province] = min(first_report.get(s.province, s.at), s.at)
    first_message: dict[str, float] = {}
    to_vendor: Counter = Counter()
    to_province: dict[str, Counter] = defaultdict(Counter)
    vendor_single = 0
    for m in messages:
        found = MAJOR_RE.search(m.text)
        if found:
            number = found.group(1)
            first_message[number] = min(first_message.get(number, m.at), m.at)
            if m.path.startswith("/v/"):
                to_vendor[(number, m.path)] += 1
            elif m.path.startswith("/p/"):
                to_province[m.path][number] += 1
        elif m.path.startswith("/v/"):
            vendor_single += 1
    province_majors = [row for row in majors if row[2] == "province"]
    waits = sorted(
        first_message[number] - first_report[code]
        for _id, number, _scope, code, _parent, _n in province_majors
        if number in first_message and code in first_report
    )
    per_province = Counter(row[3] for row in province_majors)
    figures = {
        "instances": instances,
        "sent": len(result.sent),
        "answered": len(ok),
        "rate": len(ok) / result.elapsed if result.elapsed else 0.0,
        "stored": stored,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "numbers_twice": len(twice),
        "provinces_hit": len(first_report),
        "province_majors": len(province_majors),
        "provinces_split": sum(1 for n in per_province.values() if n > 1),
        "national_majors": sum(1 for row in majors if row[2] == "national"),
        "loose": loose,
        "vendor_per_major": sorted(to_vendor.values()),
        "vendor_addresses": len({p for (_n, p) in to_vendor}),
        "vendor_majors_told": len({n for (n, _p) in to_vendor}),
        "vendor_single": vendor_single,
        "province_told_twice": sum(
            1 for counts in to_province.values() for n in counts.values() if n > 1
        ),
        "wait_p50": percentile(waits, 0.5),
        "wait_p99": percentile(waits, 0.99),
        "wait_max": waits[-1] if waits else float("nan"),
        "waits": len(waits),
        "messages": len(messages),
        "dup_key": by_key,
        "dup_text": by_text,
        "runs": runs,
        "runs_twice": len(runs_twice),
        "fired": fired,
        "no_ack_twice": len(no_ack_twice),
        "states": states,
        "drained": drained,
        "note": note,
        "elapsed": result.elapsed,
    }
    return figures


def print_figures(f: dict, args) -> None:
    log(
        f"\n=== {f['instances']} instance(s): {f['sent']} reports of {args.type}"
        f" in {f['elapsed']:.1f} s"
    )
    log(f"  answered 201/200: {f['answered']} ({f['rate']:.0f}/s); stored {f['stored']};"
        f" numbers given twice: {f['numbers_twice']}")  # fmt: skip
    log(f"  report latency: p50 {f['p50']:.0f} ms, p99 {f['p99']:.0f} ms"
        f" (target p99 <= {TARGETS['report_p99_ms']:.0f} ms)")  # fmt: skip
    log(f"  major incidents: {f['province_majors']} of provinces ({f['provinces_hit']} provinces"
        f" reported; {f['provinces_split']} provinces with more than one), {f['national_majors']}"
        f" national; incidents in no major incident: {f['loose']}")  # fmt: skip
    log(f"  vendor ({f['vendor_addresses']} addresses): told of {f['vendor_majors_told']} major"
        f" incidents; messages per major incident and address:"
        f" {dict(Counter(f['vendor_per_major']))} (each 1 expected);"
        f" single-incident messages before a major incident formed:"
        f" {f['vendor_single']}")  # fmt: skip
    log(
        "  province working groups told of a major incident more than once:"
        f" {f['province_told_twice']}"
    )
    log(f"  first report of a province -> its major incident's first message"
        f" ({f['waits']} provinces):"
        f" p50 {f['wait_p50']:.2f} s, p99 {f['wait_p99']:.2f} s, max {f['wait_max']:.2f} s"
        f" (target p99 <= {TARGETS['major_message_p99_s']:.0f} s)")  # fmt: skip
    log(f"  messages received: {f['messages']}; the same message twice (same key): {f['dup_key']},"
        f" (same text to the same address): {f['dup_text']}")  # fmt: skip
    log(f"  timers: {f['runs']} escalation runs ({f['runs_twice']} incidents with two),"
        f" 'nobody took it' fired for {f['fired']},"
        f" twice for a person: {f['no_ack_twice']}")  # fmt: skip
    log(
        f"  deliveries by state: {f['states']}; drained {f['drained']:.0f} s after the burst"
        + (f" ({f['note']})" if f["note"] else "")
    )


# --- driving it all ----------------------------------------------------------------------


def redis_flush(url: str, db: int) -> None:
    import redis

    redis.Redis.from_url(url, db=db, socket_timeout=5).flushdb()


def run_config(instances: int, args) -> dict | None:
    db = PostgresDatabase(args.pg_url)
    db.db_name = f"ungcuu_burst_{uuid.uuid4().hex[:8]}"
    base = args.pg_url.rsplit("/", 1)[0]
    db.url = f"{base}/{db.db_name}"
    db.env["DATABASE_URL"] = db.url
    redis_url = f"{args.redis_url.rstrip('/')}/{args.redis_db}"
    db.env["REDIS_URL"] = redis_url
    db.env["UNGCUU_BASE_URL"] = "http://127.0.0.1:8000"
    recorder = Recorder()
    servers: list[Server] = []
    try:
        redis_flush(args.redis_url, args.redis_db)
        log(f"\n--- {instances} instance(s): preparing {db.describe()}, Redis db {args.redis_db}")
        db.create()
        started = time.monotonic()
        run([*ungcuu_command(), "migrate", "--no-input", "-v", "0"], db.env, db.data_dir, "migrate")
        tokens_file = os.path.join(db.data_dir, "tokens.json")
        env = dict(
            db.env,
            BURST_PORT=str(recorder.port),
            BURST_ACK_MINUTES=str(args.ack_minutes),
            BURST_OUT=tokens_file,
            BURST_TYPE=args.type,
        )
        out = run([*ungcuu_command(), "shell", "-c", SETUP], env, db.data_dir, "set-up script")
        log(f"    {out.strip().splitlines()[-1]} in {time.monotonic() - started:.0f} s")
        tokens = {
            code: (t, p) for code, (t, p) in json.loads(Path(tokens_file).read_text()).items()
        }
        servers = start_instances(db, instances, args.workers)
        log("    serving on " + ", ".join(f"{HOST}:{s.port}" for s in servers)
            + f" ({servers[0].workers} web workers each);"
            f" load {os.getloadavg()[0]:.1f}")  # fmt: skip
        codes = sorted(tokens)
        random.Random(12).shuffle(codes)
        plan = [codes[n % len(codes)] for n in range(args.reports)]
        result = burst(
            [s.port for s in servers], plan, tokens, args.type, args.seconds, args.clients
        )
        for sample in result.errors:
            log(f"      {sample}")
        drained, note = drain(db, servers, time.time(), args.ack_minutes, args.drain)
        time.sleep(3)  # late repeats
        figures = report(db, result, recorder, args, instances, drained, note)
        if args.messages_out:
            path = f"{args.messages_out}.{instances}.jsonl"
            with open(path, "w") as out:
                for m in recorder.snapshot():
                    out.write(json.dumps(m.__dict__, ensure_ascii=False) + "\n")
            log(f"    messages written to {path}")
        print_figures(figures, args)
        log(f"    load average at the end: {os.getloadavg()[0]:.1f}")
        return figures
    finally:
        for server in servers:
            server.stop()
        recorder.stop()
        try:
            redis_flush(args.redis_url, args.redis_db)
        except Exception as exc:  # report, keep cleaning
            log(f"  ! could not flush Redis db {args.redis_db}: {exc}")
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--instances", default="1,2", help="e.g. 1,2 or 2")
    parser.add_argument("--type", default="national-db", help="the catalog type reported")
    parser.add_argument("--clients", type=int, default=64, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, help="web workers per instance (serve's default)")
    parser.add_argument(
        "--ack-minutes",
        type=int,
        default=1,
        help="each center's wait before 'nobody took it' (0: not waited for)",
    )
    parser.add_argument("--drain", type=float, default=300.0, help="max seconds after the burst")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--redis-db", type=int, default=3, help="flushed before and after")
    parser.add_argument("--messages-out", help="write every message received to FILE.<n>.jsonl")
    args = parser.parse_args(argv)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    log(f"nationwide burst, {os.cpu_count()} CPUs, {datetime.now():%Y-%m-%d %H:%M},"
        f" load {os.getloadavg()[0]:.1f}")  # fmt: skip
    try:
        for instances in [int(n) for n in args.instances.split(",") if n.strip()]:
            try:
                run_config(instances, args)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                log(f"!!! {instances} instance(s): {exc}")
    except KeyboardInterrupt:
        log("\ninterrupted: servers stopped, temporary data removed")
    finally:
        _stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
