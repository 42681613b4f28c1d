"""What a worker that starts after a crash takes up, and what it leaves to a live one.

The crash itself (kill -9 of the server and of the worker in a burst) is bench/crash_test.py;
here a dead worker is a process that has exited, whose claim is still on the row."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.management.commands.serve import Command as Serve
from ungcuu.notify import services, tasks
from ungcuu.notify.models import Delivery, DeliveryState
from ungcuu.notify.tests.helpers import channel, report


def dead_pid() -> int:
    """The id of a process of this machine that has exited (and been reaped)."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=30)
    return gone.pid


def claimed(delivery: Delivery, owner: str, *, expires_in: int = 70) -> None:
    """The row as a worker leaves it when it dies mid-send: claimed, with time to run."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING,
        attempts=1,
        claimed_by=owner,
        claimed_until=timezone.now() + timedelta(seconds=expires_in),
    )


@pytest.fixture
def leader_delivery(
    django_capture_on_commit_callbacks, immediate, monkeypatch, staff_a, leader_a, printer_paper
):
    """A report whose delivery to the leader is written but not sent."""

    def make():
        with django_capture_on_commit_callbacks(execute=False), monkeypatch.context() as m:
            m.setattr(services, "_send_now", lambda *args: None)
            incident = report(staff_a, printer_paper, description="Máy in hết giấy")
            services.notify_report(incident.pk)
        return Delivery.objects.get(incident=incident, person=leader_a)

    return make


@pytest.mark.skipif(sys.platform == "win32", reason="process ids are not checked on Windows")
def test_a_starting_worker_resends_at_once_what_a_dead_process_was_sending_under_the_same_key(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    claimed(delivery, f"{services.claimant_of(dead_pid())}:c0ffee")

    services.outbox_recover()  # the claim has 70 s to run: the sweep would still wait

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)
    assert [r.key for r in receiver.at("/leader")] == [str(delivery.key)]
    services.outbox_recover()
    assert services.retry_sweep(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(receiver.at("/leader")) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="process ids are not checked on Windows")
def test_a_message_a_live_worker_is_sending_is_left_to_it_until_that_process_dies(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        claimed(delivery, f"{services.claimant_of(live.pid)}:c0ffee")

        services.outbox_recover()
        assert services.retry_sweep() == 0
        assert services.deliver(delivery.pk) == "skipped"
        assert receiver.received == []
    finally:
        live.kill()
        live.wait(timeout=30)

    assert services.retry_sweep() == 1  # not 70 s later, when the claim would run out
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert len(receiver.at("/leader")) == 1


def test_a_claim_made_on_another_machine_is_only_taken_over_once_it_runs_out(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    claimed(delivery, "may-khac:4242:c0ffee")

    services.outbox_recover()
    assert services.retry_sweep() == 0
    assert receiver.received == []

    assert services.retry_sweep(now=timezone.now() + timedelta(seconds=71)) == 1
    assert [r.key for r in receiver.at("/leader")] == [str(delivery.key)]


def test_a_message_whose_task_died_with_the_queue_is_sent_by_a_starting_worker_at_once(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()  # written, "pending"; its task never ran

    assert services.retry_sweep() == 0  # the sweep leaves it 30 s to the live path
    services.outbox_recover()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert len(receiver.at("/leader")) == 1


def test_a_report_committed_just_before_the_crash_is_told_by_a_starting_worker_once(
    django_capture_on_commit_callbacks, immediate, receiver, staff_a, leader_a, printer_paper
):
    channel(receiver, "/leader", person=leader_a)
    # The report committed; the process died before it could hand it to the queue.
    with django_capture_on_commit_callbacks(execute=False):
        incident = report(staff_a, printer_paper, description="Mất mạng cả tầng")

    services.outbox_recover()
    services.outbox_recover()  # a second worker thread, or a second start

    [message] = receiver.at("/leader")
    assert "Mất mạng cả tầng" in message.text
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert message.key == str(delivery.key)
    assert delivery.state == DeliveryState.SENT


def test_two_claims_at_the_same_instant_in_one_process_each_get_only_their_own_rows(
    django_capture_on_commit_callbacks,
    immediate,
    monkeypatch,
    receiver,
    staff_a,
    leader_a,
    responder_a,
    printer_paper,
):
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/duty", person=responder_a)
    with django_capture_on_commit_callbacks(execute=False), monkeypatch.context() as m:
        m.setattr(services, "_send_now", lambda *args: None)
        incident = report(staff_a, printer_paper)
        services.notify_report(incident.pk)
    leader, duty = (
        Delivery.objects.get(incident=incident, person=person).pk
        for person in (leader_a, responder_a)
    )
    now = timezone.now()

    first = services._claim([leader], now)
    second = services._claim([leader, duty], now)  # another sending thread, same clock

    assert (first, second) == ({leader}, {duty})


def test_the_start_up_recovery_runs_once_per_process_and_never_stops_the_worker(monkeypatch):
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("database not there yet")

    monkeypatch.setattr(services, "outbox_recover", failing)
    monkeypatch.setattr(tasks, "_recovered", set())

    tasks.recover()  # the first worker thread: fails, the worker starts anyway
    tasks.recover()  # the second worker thread of the same process

    assert calls == [1]


# --- `ungcuu serve` starts a worker that died -------------------------------------------------


def watched(first: subprocess.Popen, monkeypatch) -> tuple[Serve, list, threading.Thread]:
    serve = Serve()
    serve._stopping = threading.Event()
    first.started_at = time.monotonic() - 60  # it had been running a while
    serve._worker = first
    started = []

    def start():
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        worker.started_at = time.monotonic()
        started.append(worker)
        return worker

    monkeypatch.setattr(serve, "_start_worker", start)
    watcher = threading.Thread(target=serve._watch_worker, daemon=True)
    watcher.start()
    return serve, started, watcher


def test_serve_starts_the_worker_again_when_it_is_killed(monkeypatch, capsys):
    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    serve, started, watcher = watched(first, monkeypatch)
    try:
        first.kill()  # SIGKILL, as the out-of-memory killer would
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(started) == 1
        assert serve._worker is started[0]
        assert started[0].poll() is None
    finally:
        serve._stopping.set()
        watcher.join(timeout=5)
        for worker in [first, *started]:
            worker.kill()
            worker.wait(timeout=10)
    assert not watcher.is_alive()


def test_serve_does_not_start_again_a_worker_that_was_asked_to_stop(monkeypatch):
    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    serve, started, watcher = watched(first, monkeypatch)
    try:
        first.terminate()  # Ctrl+C or `kill` of the worker on purpose
        watcher.join(timeout=5)
        assert not watcher.is_alive()
        assert started == []
    finally:
        serve._stopping.set()
        first.kill()
        first.wait(timeout=10)
