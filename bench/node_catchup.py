#!/usr/bin/env python
"""Benchmark: how fast does a center's node catch up with its hub after a day cut off?

    .venv/bin/python bench/node_catchup.py [--incidents 150] [--intakes 250]
        [--hub-db sqlite|postgres] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

It
  1. makes a hub (a temporary UNGCUU_DATA_DIR; SQLite, or a throwaway PostgreSQL
     database with ``--hub-db postgres``) with one center, ``bachngoc``, its staff and
     team leader, and runs ``ungcuu node add bachngoc``;
  2. starts the hub (``ungcuu serve``) and, between it and the node, a small TCP proxy
     that can cut the link;
  3. starts the node (``ungcuu serve`` on an empty data dir with UNGCUU_HUB_URL pointing
     at the proxy and UNGCUU_NODE_KEY), which fills itself from the hub;
  4. cuts the link and records "a working day" at the node through its API:
     ``--incidents`` incidents, each reported, acknowledged, started and resolved (one
     incident and four events: five records), and ``--intakes`` paper dossiers —
     1,000 records by default;
  5. heals the link and measures how long until the hub holds every one of them
     (polling the hub's API), then the node's memory (PSS of its web and task worker).

Figures, not pass/fail: the exit code is 0 whatever the numbers are. Only 127.0.0.1 is
used. Standard library + the project's own dependencies (psycopg) only.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Proxy:
    """A TCP proxy with a switch: cut closes every connection and refuses new ones."""

    def __init__(self, target_port: int):
        self.target = (HOST, target_port)
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.conns.clear()

    def heal(self):
        self.up = True


class Server:
    def __init__(self, name: str, data_dir: Path, env: dict, workers: int = 2):
        self.name, self.data_dir = name, data_dir
        self.port = free_port()
        self.env = {**os.environ, "UNGCUU_DATA_DIR": str(data_dir), **env}
        self.env.pop("DATABASE_URL", None) if "DATABASE_URL" not in env else None
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.url = f"http://{HOST}:{self.port}"

    def run(self, *args, check=True) -> str:
        done = subprocess.run(
            [PYTHON, "-m", "ungcuu", *args],
            env=self.env,
            capture_output=True,
            text=True,
            cwd=self.data_dir,
        )
        if check and done.returncode:
            raise SystemExit(f"{self.name}: ungcuu {args[0]} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def start(self):
        log = open(self.data_dir / "serve.log", "w")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "ungcuu", "serve", "--host", HOST, "--port", str(self.port)]
            + ["--workers", str(self.workers)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} stopped:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.data_dir / "serve.log").read_text()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def pss_mb(self) -> tuple[float, list[tuple[int, str, float]]]:
        """PSS of every process of the server's group (web and task worker), in MB."""
        rows = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != self.proc.pid:
                    continue
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:70]
                text = (entry / "smaps_rollup").read_text()
            except (OSError, ProcessLookupError):
                continue
            pss = next(
                int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")
            )
            rows.append((int(entry.name), cmd, pss / 1024))
        return sum(r[2] for r in rows), rows


def api(url: str, token: str, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


SETUP = """
from ungcuu.core.testing import make_user
from ungcuu.org.models import Role, Province
from ungcuu.org.services import center_create
c = center_create(ward_code=17623, code="bachngoc", prefix="BN")
make_user("bench.staff", Role.STAFF, center=c)
make_user("bench.leader", Role.TEAM_LEADER, center=c)
make_user("bench.province", Role.PROVINCE, province=c.province)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=150)
    parser.add_argument("--intakes", type=int, default=250)
    parser.add_argument("--hub-db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ungcuu-catchup-"))
    hub_env: dict[str, str] = {}
    pg_name = None
    if args.hub_db == "postgres":
        import psycopg

        pg_name = f"ungcuu_bench_{secrets.token_hex(4)}"
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        hub_env["DATABASE_URL"] = args.pg_url.rsplit("/", 1)[0] + "/" + pg_name
    (base / "hub").mkdir()
    (base / "node").mkdir()
    hub = Server("hub", base / "hub", hub_env)
    node = None
    proxy = None
    try:
        print(f"hub on {args.hub_db}: migrate, one center, node key …", flush=True)
        hub.run("migrate", "-v0")
        hub.run("shell", "-c", SETUP)
        key = hub.run("node", "add", "bachngoc").strip().splitlines()[-1]
        province_token = hub.run("token", "bench.province").strip().splitlines()[-1]
        hub.start()
        proxy = Proxy(hub.port)
        node = Server(
            "node",
            base / "node",
            {"UNGCUU_HUB_URL": f"http://{HOST}:{proxy.port}", "UNGCUU_NODE_KEY": key},
        )
        started = time.monotonic()
        node.start()  # fills itself from the hub before it serves
        print(f"node filled from the hub and serving in {time.monotonic() - started:.1f} s")
        staff = node.run("token", "bench.staff").strip().splitlines()[-1]
        leader = node.run("token", "bench.leader").strip().splitlines()[-1]

        proxy.cut()
        print(
            f"link cut; a working day at the node: {args.incidents} incidents × 5 records "
            f"+ {args.intakes} paper dossiers",
            flush=True,
        )
        wrote = time.monotonic()
        for n in range(args.incidents):
            status, incident = api(
                node.url + "/api/v1/incidents",
                staff,
                "POST",
                {
                    "client_uuid": str(uuid.uuid4()),
                    "center": "bachngoc",
                    "type": "printer-paper",
                    "description": f"Máy in số {n} hết giấy",
                    "impact": "partial",
                },
            )
            assert status == 201, incident
            for kind, extra in (
                ("acknowledged", {}),
                ("started", {}),
                ("resolved", {"root_cause": "Hết giấy", "resolution": "Thay giấy"}),
            ):
                status, body = api(
                    f"{node.url}/api/v1/incidents/{incident['id']}/events",
                    leader,
                    "POST",
                    {"kind": kind, **extra},
                )
                assert status in (200, 201), body
        for n in range(args.intakes):
            status, body = api(
                node.url + "/api/v1/paper-intakes",
                staff,
                "POST",
                {
                    "client_uuid": str(uuid.uuid4()),
                    "center": "bachngoc",
                    "citizen_name": f"Nguyễn Văn {n}",
                    "citizen_id": f"040{n:09d}",
                    "procedure": "Chứng thực bản sao từ bản chính",
                    "processing_days": 1,
                    "received_at": datetime.now(UTC).isoformat(),
                },
            )
            assert status == 201, body
        records = args.incidents * 5 + args.intakes
        print(
            f"{records} records written at the node in {time.monotonic() - wrote:.0f} s "
            "(not measured: the day itself)"
        )
        time.sleep(3)  # the node has tried and failed at least once

        proxy.heal()
        healed = time.monotonic()
        want_incidents = args.incidents
        while True:
            _s, incidents = api(
                hub.url + "/api/v1/incidents?center=bachngoc&status=resolved&limit=1",
                province_token,
            )
            _s, intakes = api(
                hub.url + "/api/v1/paper-intakes?center=bachngoc&limit=1", province_token
            )
            if (
                incidents.get("count", 0) >= want_incidents
                and intakes.get("count", 0) >= args.intakes
            ):
                break
            if time.monotonic() - healed > 300:
                print(
                    "hub did not catch up within 300 s:",
                    incidents.get("count"),
                    intakes.get("count"),
                )
                break
            time.sleep(0.1)
        caught = time.monotonic() - healed
        time.sleep(10)  # idle again
        total, rows = node.pss_mb()
        print()
        print(
            f"catch-up: {records} records at the hub {caught:.1f} s after the link returned "
            f"(target ≤ 10 s) · {records / caught:.0f} records/s"
        )
        print(
            f"node memory (PSS, web + task worker, idle after the day): {total:.0f} MB "
            "(target ≤ 300 MB)"
        )
        for pid, cmd, pss in sorted(rows):
            print(f"  {pid:>7}  {pss:6.1f} MB  {cmd}")
        print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    finally:
        if node:
            node.stop()
        hub.stop()
        if proxy:
            proxy.listener.close()
        if pg_name:
            import psycopg

            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
