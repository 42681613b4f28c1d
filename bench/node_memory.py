#!/usr/bin/env python
"""Benchmark: how much memory does a center's node (web + task worker) use?

    .venv/bin/python bench/node_memory.py [--workers N] [--threads T] [--users 5]
        [--rounds 2] [--think 0] [--idle 10] [--months 12] [--demo-dir DIR]
        [--standalone] [--quiet-wait S] [--env NAME=VALUE] [--keep]

It
  1. makes a temporary UNGCUU_DATA_DIR and runs ``ungcuu demo`` there (or copies the
     databases of a demo already built with ``--demo-dir``, which saves a minute);
     unless ``--standalone``, it makes that install a center's node that has been filled
     from its hub, whose hub is now out of reach (UNGCUU_HUB_URL on a closed port);
  2. starts the real server, ``ungcuu serve --host 127.0.0.1 --port <free>`` (with
     ``--workers``/``--threads`` only when given: by default the shape a node gets),
     in its own process group, and waits for GET /healthz to answer 200;
  3. plays "the demo day": a few demo users of one center (staff, leader, director,
     IT, responder) sign in at the same time, each in its own thread, and open the
     pages a center uses (home, report form, logbook, an incident, paper intake and
     register, board, readiness, plan, guides and a guide, reports and dashboard,
     duty roster, contacts) and a few API calls, ``--rounds`` times each; the staff
     member also reports one incident through the API, so the task worker sends;
  4. waits ``--idle`` seconds, then reads /proc/PID/smaps_rollup of every process of
     the server's process group and prints PSS (what the node costs the PC: shared
     pages split between the processes that share them), anonymous PSS, USS (private)
     and RSS per process — Granian's main process, each web worker, the task worker —
     and the total, beside the latency of the demo day's requests.

Figures, not pass/fail: the exit code is 0 whatever the numbers are (1 only when the
node could not be started at all). Linux only (/proc). Standard library only.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import http.cookiejar
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HOST = "127.0.0.1"
CENTER = "bachngoc"
ROLES = ("staff", "leader", "director", "it", "responder")
PASSWORD = "ungcuu-demo-2026"
TYPE_CODE = "printer-paper"
LIMIT_MB = 300.0  # issue 13: a node (web + worker) in at most 300 MB PSS

# Pages every user opens; "{incident}" and "{guide}" are filled in from the API.
PAGES = (
    ("home", "/"),
    ("report form", "/incidents/new/"),
    ("logbook", "/logbook/"),
    ("incident", "/incidents/{incident}/"),
    ("paper intake", "/paper/new/"),
    ("paper register", "/paper/"),
    ("board", f"/board/{CENTER}/"),
    ("board state", f"/board/{CENTER}/state.json"),
    ("readiness", "/readiness/"),
    ("plan", "/plan/"),
    ("guides", "/guides/"),
    ("guide", "/guides/{guide}/"),
    ("reports", "/reports/"),
    ("dashboard", "/reports/dashboard/"),
    ("duty", "/duty/"),
    ("contacts", "/contacts/"),
    ("api me", "/api/v1/me"),
    ("api incidents", "/api/v1/incidents"),
    ("api catalog", "/api/v1/catalog"),
    ("api paper", "/api/v1/paper-intakes"),
    ("api search", "/api/v1/knowledge/search?q=m%E1%BA%A1ng"),
)


def log(message: str = "") -> None:
    print(message, flush=True)


def ungcuu_command() -> list[str]:
    script = Path(sys.executable).parent / "ungcuu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ungcuu.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


# --- the data dir and the server ----------------------------------------------------------


def prepare(data_dir: Path, env: dict, months: int, demo_dir: Path | None) -> None:
    if demo_dir is not None:
        for item in demo_dir.iterdir():  # the databases and the secret key, not the caches
            if item.is_file():
                shutil.copy2(item, data_dir / item.name)
        log(f"  demo database copied from {demo_dir}")
    started = time.monotonic()
    done = subprocess.run(
        [*ungcuu_command(), "demo", "--months", str(months)],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ungcuu demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    if f"{CENTER}.staff" not in done.stdout:
        raise RuntimeError(f"ungcuu demo printed no {CENTER} logins:\n{done.stdout[-2000:]}")
    log(f"  ungcuu demo: {time.monotonic() - started:.0f} s")


MARK_NODE = (
    "from django.utils import timezone\n"
    "from ungcuu.sync.models import NodeState\n"
    "state = NodeState.get()\n"
    "state.bootstrapped_at = state.bootstrapped_at or timezone.now()\n"
    "state.save()\n"
)


def mark_node(env: dict, data_dir: Path) -> None:
    """The demo database as a node that has already been filled from its hub."""
    done = subprocess.run(
        [*ungcuu_command(), "shell", "-c", MARK_NODE],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"marking the node failed:\n{done.stderr[-2000:]}")


def api_token(env: dict, data_dir: Path, username: str) -> str:
    done = subprocess.run(
        [*ungcuu_command(), "token", username, "--label", "bench"],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ungcuu token failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


class Server:
    def __init__(self, env: dict, data_dir: Path, workers: int | None, threads: int | None):
        self.env, self.data_dir = env, data_dir
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = data_dir / "serve.log"

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 180) -> float:
        cmd = [*ungcuu_command(), "serve", "--host", HOST, "--port", str(self.port)]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        started = time.monotonic()
        # Its own session: one process group holds the whole node, stop() ends it.
        self.proc = subprocess.Popen(
            cmd,
            env=self.env,
            cwd=self.data_dir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _RUNNING.add(self)
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            for pid in group_pids(proc.pid):  # anything left behind, by id
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        finally:
            self.proc = None
            _RUNNING.discard(self)
            self._log.close()


_RUNNING: set[Server] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


# --- the demo day -------------------------------------------------------------------------


@dataclass
class Hit:
    page: str
    round: int
    status: int
    seconds: float


@dataclass
class Day:
    hits: list[Hit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)
            if hit.status >= 400 or hit.status == 0:
                self.problems.append(f"{hit.page} (round {hit.round}): HTTP {hit.status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in user: a cookie jar; a redirect counts as the answer it is."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as resp:
                content = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            content, status = exc.read(), exc.code
        except OSError:
            content, status = b"", 0
        return status, content, time.perf_counter() - started

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, username: str) -> bool:
        self.request("/login/")
        status, _, _ = self.request(
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            {"Referer": self.base + "/login/"},
        )
        return status == 302 and any(c.name == "sessionid" for c in self.jar)


def lookups(base: str, token: str) -> dict[str, str]:
    """An incident and a guide of the demo data, to open their pages."""
    found = {}
    for key, path, pick in (
        ("incident", f"/api/v1/incidents?center={CENTER}", lambda d: d["items"][0]["id"]),
        ("guide", "/api/v1/knowledge/search?q=m%E1%BA%A1ng", lambda d: d[0]["slug"]),
    ):
        req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            found[key] = str(pick(json.loads(resp.read())))
    return found


def report_incident(base: str, token: str, day: Day) -> None:
    body = json.dumps(
        {
            "client_uuid": str(uuid.uuid4()),
            "center": CENTER,
            "type": TYPE_CODE,
            "description": "Máy in quầy số 2 kẹt giấy (thử đo bộ nhớ)",
            "started_at": datetime.now(UTC).isoformat(),
            "impact": "partial",
        }
    ).encode()
    req = urllib.request.Request(
        base + "/api/v1/incidents",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    day.add(Hit("api report", 1, status, time.perf_counter() - started))


def user_day(base: str, username: str, fill: dict, rounds: int, think: float, day: Day) -> None:
    browser = Browser(base)
    if not browser.sign_in(username):
        with day.lock:
            day.problems.append(f"{username}: could not sign in")
        return
    for number in range(1, rounds + 1):
        for page, path in PAGES:
            status, _, seconds = browser.request(path.format(**fill))
            day.add(Hit(page, number, status, seconds))
            if think:
                time.sleep(think)


def demo_day(base: str, users: list[str], token: str, rounds: int, think: float = 0) -> Day:
    day = Day()
    fill = lookups(base, token)
    threads = [
        threading.Thread(target=user_day, args=(base, name, fill, rounds, think, day))
        for name in users
    ]
    for thread in threads:
        thread.start()
    report_incident(base, token, day)
    for thread in threads:
        thread.join()
    return day


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU-seconds the whole machine has spent busy (all cores) since boot."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def wait_for_quiet(limit_s: float, threshold: float = 25.0) -> None:
    """Wait (up to ``limit_s``) until other jobs use less than ``threshold`` % of one core:
    on a shared machine they skew the latencies (not the memory)."""
    give_up = time.monotonic() + limit_s
    while limit_s > 0:
        before, started = _machine_busy(), time.monotonic()
        time.sleep(3)
        busy = 100 * (_machine_busy() - before) / (time.monotonic() - started)
        if busy < threshold or time.monotonic() >= give_up:
            log(f"  machine: {busy:.0f}% of a core busy before the demo day")
            return


# --- memory -------------------------------------------------------------------------------


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes().decode(errors="replace")
    except OSError:
        return None
    return data[data.rindex(")") + 2 :].split()  # fields from "state" (3rd) on


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and int(fields[2]) == pgid:
                pids.append(int(entry))
    return sorted(pids)


def rollup(pid: int) -> dict[str, int]:
    """Memory of one process in kB, from /proc/PID/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[name] = int(parts[0])
    values["Uss"] = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return values


def role(pid: int, main_pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        comm = ""
    if pid == main_pid:
        return "main (ungcuu serve, Granian)"
    if "run_huey" in cmdline or comm == "ungcuu-tasks":
        return "task worker (huey)"
    match = re.search(r"worker-(\d+)", cmdline)
    if match:
        return f"web worker {match.group(1)}"
    if "granian" in cmdline or "multiprocessing" in cmdline or "serve" in cmdline:
        return "web worker"
    return cmdline[:40]


@dataclass
class Memory:
    rows: list[tuple[str, int, dict[str, int]]]

    def total(self, key: str) -> int:
        return sum(values.get(key, 0) for _, _, values in self.rows)


def measure(main_pid: int) -> Memory:
    rows = []
    for pid in group_pids(main_pid):
        try:
            rows.append((role(pid, main_pid), pid, rollup(pid)))
        except OSError:
            pass
    order = {"m": 0, "w": 1, "t": 2}
    rows.sort(key=lambda row: (order.get(row[0][0], 3), row[0]))
    return Memory(rows)


def mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:7.1f}"


def print_memory(memory: Memory) -> None:
    log(f"  {'process':<30} {'pid':>7} {'PSS MB':>7} {'anon':>7} {'USS':>7} {'RSS MB':>7}")
    for name, pid, values in memory.rows:
        log(
            f"  {name:<30} {pid:>7} {mb(values.get('Pss', 0))} {mb(values.get('Pss_Anon', 0))}"
            f" {mb(values['Uss'])} {mb(values.get('Rss', 0))}"
        )
    pss = memory.total("Pss")
    log(
        f"  {'total':<30} {'':>7} {mb(pss)} {mb(memory.total('Pss_Anon'))}"
        f" {mb(memory.total('Uss'))} {mb(memory.total('Rss'))}"
    )
    verdict = "within" if pss / 1024 <= LIMIT_MB else "OVER"
    log(f"  node total {pss / 1024:.0f} MB PSS: {verdict} the {LIMIT_MB:.0f} MB limit")


def print_day(day: Day, rounds: int) -> None:
    def line(label: str, hits: list[Hit]) -> str:
        ms = [hit.seconds * 1000 for hit in hits]
        return (
            f"  {label:<16} {len(ms):>5} {percentile(ms, 0.5):>7.0f} {percentile(ms, 0.95):>7.0f}"
            f" {max(ms, default=float('nan')):>7.0f}"
        )

    log(f"  {'requests':<16} {'count':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    log(line("first round", [h for h in day.hits if h.round == 1]))
    if rounds > 1:
        log(line("later rounds", [h for h in day.hits if h.round > 1]))
    log(line("all", day.hits))
    slowest: dict[str, list[float]] = {}
    for hit in day.hits:
        slowest.setdefault(hit.page, []).append(hit.seconds * 1000)
    worst = sorted(slowest.items(), key=lambda item: -max(item[1]))[:5]
    log("  slowest pages (max ms): " + ", ".join(f"{p} {max(v):.0f}" for p, v in worst))
    for problem in day.problems[:10]:
        log(f"  ! {problem}")


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, help="web workers (default: serve's own)")
    parser.add_argument("--threads", type=int, help="threads per web worker")
    parser.add_argument("--users", type=int, default=len(ROLES), help="users at the same time")
    parser.add_argument("--rounds", type=int, default=2, help="times each user opens each page")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle before measuring")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a user waits between two pages"
    )
    parser.add_argument(
        "--quiet-wait", type=float, default=0.0, help="wait up to S s for an idle machine"
    )
    parser.add_argument("--months", type=int, default=12, help="months of demo history")
    parser.add_argument("--demo-dir", type=Path, help="copy this built demo data dir")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra environment"
    )
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="measure a server of its own (a hub's shape) instead of a center's node",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args(argv)
    if not os.path.exists("/proc/self/smaps_rollup"):
        log("Linux only: /proc/PID/smaps_rollup is needed.")
        return 1

    data_dir = Path(tempfile.mkdtemp(prefix="ungcuu-node-memory-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNGCUU_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env["UNGCUU_DATA_DIR"] = str(data_dir)
    for pair in args.env:
        name, _, value = pair.partition("=")
        env[name] = value
    setup_env = dict(env)  # the demo data is built as the center had it, before the node
    if not args.standalone:
        # A node whose hub cannot be reached (a closed port): the center's internet is down,
        # the hour a node is for. Its sync loop keeps trying in the task worker.
        env["UNGCUU_HUB_URL"] = f"http://{HOST}:{free_port()}"
        env["UNGCUU_NODE_KEY"] = f"{CENTER}.node-memory-bench"
    users = [f"{CENTER}.{r}" for r in (ROLES * 4)[: max(1, args.users)]]
    shape = f"--workers {args.workers or 'default'} --threads {args.threads or 'default'}"
    what = "a server of its own" if args.standalone else "a center's node (hub unreachable)"
    log(f"node memory: {what}, ungcuu serve {shape}; {len(users)} users x {args.rounds} rounds")
    server = Server(env, data_dir, args.workers, args.threads)
    try:
        prepare(data_dir, setup_env, args.months, args.demo_dir)
        if not args.standalone:
            mark_node(setup_env, data_dir)
        token = api_token(setup_env, data_dir, f"{CENTER}.staff")
        ready = server.start()
        log(f"  /healthz answered after {ready:.1f} s")
        log("  right after start:")
        print_memory(measure(server.proc.pid))
        wait_for_quiet(args.quiet_wait)
        started = time.monotonic()
        day = demo_day(server.base, users, token, args.rounds, args.think)
        log(f"  demo day: {len(day.hits)} requests in {time.monotonic() - started:.1f} s")
        print_day(day, args.rounds)
        time.sleep(args.idle)
        log(f"  idle {args.idle:.0f} s after the demo day:")
        print_memory(measure(server.proc.pid))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        log(f"could not measure: {exc}")
        return 1
    finally:
        server.stop()
        if args.keep:
            log(f"  data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
