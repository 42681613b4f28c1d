"""Real workers: a Huey consumer on SQLite storage and on Redis, and a worker process that
is killed and restarted without a second copy of a message."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage

from ungcuu.notify.models import Delivery, DeliveryState
from ungcuu.notify.tests.helpers import channel, report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_URL = "redis://127.0.0.1:6379/15"


@contextmanager
def consumer_on(storage):
    """A real Huey consumer (two worker threads) reading the given storage."""
    from huey.contrib.djhuey import HUEY

    saved = HUEY.immediate, HUEY.storage, HUEY._timeout_handler
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    HUEY.immediate = False
    HUEY.storage = storage
    # Each worker thread closes its database connection as it stops (PostgreSQL keeps
    # them open for reuse, which would keep the test database from being dropped).
    HUEY.on_shutdown(name="ungcuu-test-close-db")(connections.close_all)
    consumer = Consumer(
        HUEY,
        workers=2,
        worker_type="thread",
        periodic=False,
        initial_delay=0.02,
        backoff=1.2,
        max_delay=0.1,
        check_worker_health=False,
    )
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        HUEY.unregister_on_shutdown("ungcuu-test-close-db")
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        storage.flush_all()
        HUEY.storage = saved[1]
        HUEY.immediate = saved[0]
        HUEY._timeout_handler = saved[2]


def wait_until(check, timeout: float = 10, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    return check()


def _report_through(storage, receiver, staff_a, leader_a, printer_paper) -> None:
    """Report with a real worker on ``storage``: the message arrives on commit, long
    before the minutely sweep (the wait below gives up after 10 s)."""
    channel(receiver, "/leader", person=leader_a)
    with consumer_on(storage):
        incident = report(staff_a, printer_paper, description="Máy in hết giấy")
        # No database reads here: the in-memory SQLite test database locks whole
        # tables, and a read would make the worker's write fail.
        arrived = receiver.wait_for(1, path="/leader", timeout=10)
    # The consumer stopped gracefully: the delivery task has finished.
    assert arrived, "the worker never sent it"
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert delivery.state == DeliveryState.SENT
    [message] = receiver.at("/leader")
    assert message.key == str(delivery.key)
    assert "Máy in hết giấy" in message.text


def test_a_real_worker_on_sqlite_storage_delivers_a_report_on_commit_not_at_the_sweep(
    tmp_path, receiver, staff_a, leader_a, printer_paper
):
    storage = SqliteStorage("ungcuu-test", filename=str(tmp_path / "tasks.sqlite3"))

    _report_through(storage, receiver, staff_a, leader_a, printer_paper)


def test_a_real_worker_on_redis_delivers_a_report_on_commit_not_at_the_sweep(
    receiver, staff_a, leader_a, printer_paper
):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer on {REDIS_URL}: {exc}")
    storage = RedisStorage(f"ungcuu-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL, read_timeout=1)

    _report_through(storage, receiver, staff_a, leader_a, printer_paper)


# --- kill and restart ------------------------------------------------------------------------

SETUP = """
import json
import time
from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import make_user
from ungcuu.incidents.services import incident_report
from ungcuu.notify.models import Delivery
from ungcuu.notify.services import channel_add
from ungcuu.org.models import Role
from ungcuu.org.services import center_create

center = center_create(ward_code=17623, code="bachngoc", prefix="BN")
leader = make_user("a.leader", Role.TEAM_LEADER, center=center)
staff = make_user("a.staff", Role.STAFF, center=center)
channel_add(person=leader, url=URL)
incident = incident_report(
    actor=staff,
    center=center,
    incident_type=IncidentType.objects.get(code="printer-paper"),
    description="Máy in hết giấy",
).incident
# The running worker works out who to tell and sends; wait for its row.
for _ in range(200):
    delivery = Delivery.objects.filter(incident=incident, person=leader).first()
    if delivery:
        break
    time.sleep(0.05)
print(json.dumps({"id": delivery.pk, "key": str(delivery.key)}))
"""

# The restarted worker's minutely sweep, run now and as if the dead worker's claim on
# a row had run out (two minutes on).
SWEEP = """
from datetime import timedelta
from django.utils import timezone
from ungcuu.notify import services
print(services.retry_sweep(now=timezone.now() + timedelta(minutes=2)))
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A data directory with a migrated SQLite database, copied for each test."""
    data = tmp_path_factory.mktemp("ungcuu-data")
    subprocess.run(
        [sys.executable, "-m", "ungcuu", "migrate", "--verbosity", "0"],
        env=_env(data),
        check=True,
        timeout=120,
    )
    return data


def _env(data: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "UNGCUU_TASKS_IMMEDIATE", "UNGCUU_BASE_URL"}
    }
    env["UNGCUU_DATA_DIR"] = str(data)
    env["UNGCUU_TASK_WORKERS"] = "2"
    env["DJANGO_SETTINGS_MODULE"] = "ungcuu.settings"
    return env


class Site:
    """One UngCuu data directory, its database and its worker processes."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.env = _env(data)
        self.workers: list[subprocess.Popen] = []

    def manage(self, code: str, **values) -> str:
        prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
        done = subprocess.run(
            [sys.executable, "-m", "ungcuu", "shell", "--no-imports", "-c", prelude + code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    def start_worker(self) -> subprocess.Popen:
        log = open(self.data / f"worker-{len(self.workers)}.log", "w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "ungcuu", "run_huey"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.workers.append(worker)
        return worker

    def delivery(self, delivery_id: int) -> tuple[str, int]:
        with sqlite3.connect(f"file:{self.data / 'ungcuu.sqlite3'}?mode=ro", uri=True) as db:
            return db.execute(
                f"SELECT state, attempts FROM {Delivery._meta.db_table} WHERE id = ?",
                [delivery_id],
            ).fetchone()

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait(timeout=10)


@pytest.fixture
def site(migrated, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(migrated, data)
    place = Site(data)
    yield place
    place.stop()


def _about_the_report(receiver) -> list:
    """The messages to the team leader about the reported incident. The worker's hourly
    reminders (a center without a spare printer is told at minute 10 of every hour) can
    reach the same address while a test runs: other messages, not copies of this one."""
    return [r for r in receiver.at("/leader") if "Máy in hết giấy" in r.text]


def _kill(worker: subprocess.Popen) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL


def test_a_worker_killed_after_sending_and_restarted_does_not_send_again(site, receiver):
    worker = site.start_worker()
    made = json.loads(site.manage(SETUP, URL=receiver.url("/leader")))

    assert receiver.wait_for(1, path="/leader", timeout=10), "the worker never sent it"
    assert wait_until(lambda: site.delivery(made["id"])[0] == "sent", timeout=5)
    _kill(worker)
    site.start_worker()

    assert site.manage(SWEEP) == "0"
    time.sleep(1)  # room for the restarted worker to (wrongly) send again

    assert [r.key for r in _about_the_report(receiver)] == [made["key"]]
    assert site.delivery(made["id"]) == ("sent", 1)


def test_a_worker_killed_mid_delivery_is_resent_once_under_the_same_idempotency_key(site, receiver):
    receiver.hold("/leader", times=1)  # it arrives; the worker never hears back
    worker = site.start_worker()
    made = json.loads(site.manage(SETUP, URL=receiver.url("/leader")))

    assert receiver.wait_for(1, path="/leader", timeout=10), "the worker never sent it"
    assert site.delivery(made["id"]) == ("sending", 1)
    _kill(worker)
    receiver.release.set()
    # The new worker finds the dead one's claim on starting: no sweep, no waiting for
    # the claim to run out.
    site.start_worker()

    # Its own start (Django, the task modules) counts in the wait: slow on a busy machine.
    handed_back = wait_until(lambda: len(_about_the_report(receiver)) >= 2, timeout=60)
    assert handed_back, "never handed back"
    assert wait_until(lambda: site.delivery(made["id"]) == ("sent", 2), timeout=5)
    assert site.manage(SWEEP) == "0"
    time.sleep(0.5)

    # Two requests, one message: the receiver drops the repeat by its key.
    keys = [r.key for r in _about_the_report(receiver)]
    assert keys == [made["key"], made["key"]]
    assert len({(r.key, r.text) for r in _about_the_report(receiver)}) == 1
