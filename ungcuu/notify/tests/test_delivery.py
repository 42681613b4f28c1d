"""The outbox: fallback between channels, retries with backoff, idempotency, time limits."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents.models import EventKind
from ungcuu.notify import services, transport
from ungcuu.notify.models import Delivery, DeliveryState
from ungcuu.notify.tests.helpers import channel, report
from ungcuu.org.models import Role


def later(hours: int = 1):
    """A moment past any backoff: the service decides as if that time had come."""
    return timezone.now() + timedelta(hours=hours)


def attempts_on_timeline(delivery: Delivery) -> list[tuple[int, str, bool]]:
    """(attempt number, channel label, ok) of each "notified" event of the delivery."""
    events = delivery.incident.events.filter(
        kind=EventKind.NOTIFIED, payload__delivery=str(delivery.key)
    ).order_by("at", "id")
    for event in events:
        assert bool(event.payload["error"]) != event.payload["ok"], event.payload
    return [(e.payload["attempt"], e.payload["channel"], e.payload["ok"]) for e in events]


@pytest.fixture
def leader_delivery(
    django_capture_on_commit_callbacks, immediate, monkeypatch, staff_a, leader_a, printer_paper
):
    """Report, with the delivery to the leader written but not yet sent: the worker
    stopped right after working out who to tell."""

    def make():
        with django_capture_on_commit_callbacks(execute=False), monkeypatch.context() as m:
            m.setattr(services, "_send_now", lambda *args: None)
            incident = report(staff_a, printer_paper, description="Máy in hết giấy")
            services.notify_report(incident.pk)  # what the worker does after commit
        return Delivery.objects.get(incident=incident, person=leader_a)

    return make


# --- fallback -----------------------------------------------------------------------------


def test_a_failing_channel_falls_back_to_the_next_and_the_message_arrives_once(
    send, receiver, staff_a, leader_a, printer_paper
):
    channel(receiver, "/first", person=leader_a)
    second = channel(receiver, "/second", person=leader_a)
    receiver.fail("/first", 500)

    incident = send(report, staff_a, printer_paper)

    assert len(receiver.at("/first")) == 1  # tried, refused
    assert len(receiver.at("/second")) == 1
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert delivery.state == DeliveryState.SENT
    assert delivery.channel == second
    assert delivery.attempts == 1
    assert attempts_on_timeline(delivery) == [(1, "json", False), (1, "json", True)]
    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()
    assert f'<div class="bad">{leader_a.display_name} · json' in page
    assert f'<div class="ok">{leader_a.display_name} · json' in page


def test_channels_are_tried_in_their_order(send, receiver, staff_a, leader_a, printer_paper):
    channel(receiver, "/later", person=leader_a, position=5)
    channel(receiver, "/sooner", person=leader_a, position=2)

    send(report, staff_a, printer_paper)

    assert len(receiver.at("/sooner")) == 1
    assert receiver.at("/later") == []


def test_an_inactive_channel_is_not_used(send, receiver, staff_a, leader_a, printer_paper):
    off = channel(receiver, "/off", person=leader_a)
    off.is_active = False
    off.save()
    channel(receiver, "/on", person=leader_a)

    send(report, staff_a, printer_paper)

    assert receiver.at("/off") == []
    assert len(receiver.at("/on")) == 1


def test_when_every_channel_fails_it_retries_later_with_a_growing_backoff_then_gives_up(
    send, receiver, staff_a, leader_a, printer_paper
):
    channel(receiver, "/first", person=leader_a)
    channel(receiver, "/second", person=leader_a)
    receiver.fail("/first", 500)
    receiver.fail("/second", 503)

    before = timezone.now()
    incident = send(report, staff_a, printer_paper)
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 1
    assert "500" in delivery.last_error and "503" in delivery.last_error
    waits = []
    while delivery.state == DeliveryState.PENDING:
        waits.append((delivery.next_attempt_at - before).total_seconds())
        assert services.deliver(delivery.pk, now=before) == "skipped"  # not due yet
        before = timezone.now()
        services.deliver(delivery.pk, now=later())
        delivery.refresh_from_db()

    assert [round(w / 30) * 30 for w in waits] == [30, 60, 120, 240]
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS == 5
    assert len(receiver.at("/first")) == len(receiver.at("/second")) == 5
    timeline = attempts_on_timeline(delivery)
    assert len(timeline) == 10 and not any(ok for _, _, ok in timeline)
    assert [attempt for attempt, _, _ in timeline] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # Given up: neither the worker nor the sweep tries again.
    assert services.deliver(delivery.pk, now=later(24)) == "skipped"
    assert services.retry_sweep(now=later(24)) == 0
    assert len(receiver.received) == 10


def test_a_retry_that_succeeds_is_sent(send, receiver, staff_a, leader_a, printer_paper):
    channel(receiver, "/only", person=leader_a)
    receiver.fail("/only", 502)
    incident = send(report, staff_a, printer_paper)
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert delivery.state == DeliveryState.PENDING

    receiver.fail("/only", 200)
    assert services.retry_sweep() == 0  # not due yet
    # Thirty seconds later, the minutely sweep finds it due.
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.retry_sweep() == 1

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == 2
    assert attempts_on_timeline(delivery) == [(1, "json", False), (2, "json", True)]


def _fail_for_good(send, receiver, staff_a, leader_a, printer_paper):
    channel(receiver, "/broken", person=leader_a)
    receiver.fail("/broken", 500)
    incident = send(report, staff_a, printer_paper)
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.deliver(delivery.pk, now=later())
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    return incident


def test_a_failed_delivery_shows_in_red_on_the_incident_page(
    send, receiver, staff_a, leader_a, printer_paper
):
    incident = _fail_for_good(send, receiver, staff_a, leader_a, printer_paper)

    page = logged_in(staff_a).get(f"/incidents/{incident.pk}/").content.decode()

    assert "delivery-failed" in page
    assert "Gửi lỗi" in page
    assert leader_a.display_name in page


def test_a_failed_delivery_shows_on_the_team_leaders_home_page(
    send, receiver, staff_a, leader_a, printer_paper, center_b
):
    incident = _fail_for_good(send, receiver, staff_a, leader_a, printer_paper)

    home = logged_in(leader_a).get("/").content.decode()
    assert "Tin báo sự cố chưa gửi được" in home
    assert incident.number in home
    # Not the desk staff's business, nor another center's.
    assert "Tin báo sự cố chưa gửi được" not in logged_in(staff_a).get("/").content.decode()
    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=center_b)
    assert "Tin báo sự cố chưa gửi được" not in logged_in(leader_b).get("/").content.decode()


# --- time limits ---------------------------------------------------------------------------


def test_a_hanging_channel_is_given_up_and_the_next_channel_gets_the_message(
    monkeypatch, send, receiver, staff_a, leader_a, responder_a, printer_paper
):
    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.5)
    channel(receiver, "/hangs", person=leader_a)
    channel(receiver, "/works", person=leader_a)
    channel(receiver, "/duty", person=responder_a)
    receiver.hang("/hangs")

    started = time.monotonic()
    incident = send(report, staff_a, printer_paper)
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert len(receiver.at("/hangs")) == 1
    assert len(receiver.at("/works")) == 1
    assert len(receiver.at("/duty")) == 1
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    assert delivery.state == DeliveryState.SENT
    failed = incident.events.get(kind=EventKind.NOTIFIED, payload__ok=False)
    assert "không phản hồi" in failed.payload["error"]


def test_the_time_limit_of_one_attempt_is_ten_seconds():
    assert transport.TIMEOUT_SECONDS == 10


# --- idempotency ---------------------------------------------------------------------------


def test_delivering_the_same_delivery_twice_sends_once(receiver, leader_a, leader_delivery):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()

    assert services.deliver(delivery.pk) == "sent"
    assert services.deliver(delivery.pk) == "skipped"

    assert len(receiver.at("/leader")) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_sent_delivery_is_never_sent_again(receiver, leader_a, leader_delivery):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    services.deliver(delivery.pk)

    assert services.deliver(delivery.pk, now=later(48)) == "skipped"
    assert services.retry_sweep(now=later(48)) == 0
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.retry_sweep(now=later(48)) == 0

    assert len(receiver.at("/leader")) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_handed_back_and_sent_once(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    # The worker claimed the row, then died before it could send.
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING,
        attempts=1,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )

    assert services.retry_sweep() == 1

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == 2
    assert services.retry_sweep(now=later()) == 0
    assert len(receiver.at("/leader")) == 1
    assert receiver.at("/leader")[0].key == str(delivery.key)


def test_a_delivery_still_claimed_by_a_live_worker_is_left_alone(
    receiver, leader_a, leader_delivery
):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING,
        attempts=1,
        claimed_until=timezone.now() + timedelta(seconds=30),
    )

    assert services.retry_sweep() == 0
    assert services.deliver(delivery.pk) == "skipped"

    assert receiver.received == []


def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(receiver, leader_a, leader_delivery):
    channel(receiver, "/leader", person=leader_a)
    delivery = leader_delivery()  # the on-commit hand-over never ran

    assert services.retry_sweep() == 0  # give the worker its chance first
    assert services.retry_sweep(now=timezone.now() + timedelta(seconds=31)) == 1

    assert len(receiver.at("/leader")) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_the_idempotency_key_is_the_deliverys_key_on_every_attempt_and_channel(
    send, receiver, staff_a, leader_a, printer_paper
):
    channel(receiver, "/first", person=leader_a)
    channel(receiver, "/second", person=leader_a)
    receiver.fail("/first", 500)
    receiver.fail("/second", 500)
    incident = send(report, staff_a, printer_paper)
    delivery = Delivery.objects.get(incident=incident, person=leader_a)
    services.deliver(delivery.pk, now=later())
    receiver.fail("/second", 200)
    services.deliver(delivery.pk, now=later())

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert len(receiver.received) == 6
    assert {r.key for r in receiver.received} == {str(delivery.key)}


def test_each_delivery_has_its_own_idempotency_key(
    send, receiver, staff_a, leader_a, responder_a, printer_paper
):
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/duty", person=responder_a)

    incident = send(report, staff_a, printer_paper)

    keys = {
        str(k) for k in Delivery.objects.filter(incident=incident).values_list("key", flat=True)
    }
    assert {receiver.at("/leader")[0].key, receiver.at("/duty")[0].key} == keys
    assert len(keys) == 2


# --- sent by the report's own task -------------------------------------------------------------


def test_the_first_messages_are_sent_by_the_reports_task_and_a_slow_one_hands_the_rest_on(
    django_capture_on_commit_callbacks,
    monkeypatch,
    receiver,
    staff_a,
    leader_a,
    responder_a,
    printer_paper,
):
    channel(receiver, "/leader", person=leader_a)
    channel(receiver, "/duty", person=responder_a)
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", queued.extend)
    # No time allowed at all: every message goes to the queue instead.
    monkeypatch.setattr(services, "INLINE_SECONDS", -1)
    with django_capture_on_commit_callbacks(execute=False):
        incident = report(staff_a, printer_paper, description="Máy in hết giấy")

    assert services.notify_report(incident.pk) == 2

    deliveries = list(Delivery.objects.filter(incident=incident).order_by("id"))
    sent = [d for d in deliveries if d.state == DeliveryState.SENT]
    waiting = [d for d in deliveries if d.state == DeliveryState.PENDING]
    assert len(sent) == 0 and [d.pk for d in waiting] == queued == [d.pk for d in deliveries]

    monkeypatch.setattr(services, "INLINE_SECONDS", 60)
    with django_capture_on_commit_callbacks(execute=False):
        second = report(staff_a, printer_paper, description="Kẹt giấy")
    assert services.notify_report(second.pk) == 2
    assert set(Delivery.objects.filter(incident=second).values_list("state", flat=True)) == {
        DeliveryState.SENT
    }
    assert len(receiver.at("/leader")) == len(receiver.at("/duty")) == 1
    assert queued == [d.pk for d in deliveries]  # nothing more went through the queue


# --- a burst of reports ------------------------------------------------------------------


def test_one_pass_tells_about_every_new_incident_and_the_later_tasks_send_nothing_again(
    django_capture_on_commit_callbacks,
    monkeypatch,
    receiver,
    staff_a,
    staff_b,
    leader_a,
    responder_a,
    printer_paper,
):
    from ungcuu.core.testing import make_user

    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=staff_b.center)
    channel(receiver, "/leader-a", person=leader_a)
    channel(receiver, "/duty-a", person=responder_a)
    channel(receiver, "/leader-b", person=leader_b)
    monkeypatch.setattr(services, "SENDING_THREADS", 1)  # one at a time: a fixed order
    monkeypatch.setattr(services, "_pool", None)
    with django_capture_on_commit_callbacks(execute=False):  # the worker is behind
        burst = [report(staff_a, printer_paper, description=f"Sự cố {n}") for n in range(3)]
        burst.append(report(staff_b, printer_paper, description="Trung tâm B"))

    # The task of the last report does the work of all four.
    assert services.notify_report(burst[-1].pk) == 7
    assert [services.notify_report(i.pk) for i in burst] == [0, 0, 0, 0]

    numbers = [r.text.split("Số: ")[1].split()[0] for r in receiver.received]
    assert sorted(numbers) == sorted([i.number for i in burst for _ in range(2)][:-1])
    # Every incident's first message went out before anybody's second.
    firsts = numbers[:4]
    assert sorted(firsts) == sorted(i.number for i in burst)
    assert len(receiver.at("/leader-a")) == len(receiver.at("/duty-a")) == 3
    assert len(receiver.at("/leader-b")) == 1
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 7
    for incident in burst:
        sent = incident.events.filter(kind=EventKind.NOTIFIED, payload__ok=True).count()
        assert sent == Delivery.objects.filter(incident=incident).count()


def test_a_hanging_channel_in_a_burst_does_not_hold_up_the_other_messages(
    django_capture_on_commit_callbacks,
    monkeypatch,
    receiver,
    staff_a,
    staff_b,
    leader_a,
    printer_paper,
):
    from ungcuu.core.testing import make_user

    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 2)
    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=staff_b.center)
    channel(receiver, "/hangs", person=leader_a)
    channel(receiver, "/leader-b", person=leader_b)
    receiver.hang("/hangs")
    with django_capture_on_commit_callbacks(execute=False):
        first = report(staff_a, printer_paper)
        second = report(staff_b, printer_paper)

    started = time.monotonic()
    services.notify_report(first.pk)

    # B's leader was told while A's channel was still hanging.
    assert receiver.at("/leader-b")[0].at - started < 1
    assert Delivery.objects.get(incident=second).state == DeliveryState.SENT
    stuck = Delivery.objects.get(incident=first)
    assert stuck.state == DeliveryState.PENDING and stuck.next_attempt_at is not None
    assert "không phản hồi" in stuck.last_error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_never_tell_about_the_same_incident_twice(
    django_capture_on_commit_callbacks, monkeypatch, receiver, staff_a, leader_a, printer_paper
):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite lets one writer in at a time)")
    channel(receiver, "/leader", person=leader_a)
    with django_capture_on_commit_callbacks(execute=False):
        burst = [report(staff_a, printer_paper, description=f"Sự cố {n}") for n in range(4)]
    holding, second_done = threading.Event(), threading.Event()
    real = services.people_by_role

    def people_by_role(center_ids, roles):
        holding.set()  # the first pass holds its incidents' row locks here
        second_done.wait(timeout=10)
        return real(center_ids, roles)

    monkeypatch.setattr(services, "people_by_role", people_by_role)
    results: dict[str, int] = {}

    def run(name: str, incident_id: int, after: threading.Event | None = None):
        try:
            if after is not None:
                after.wait(timeout=10)
            results[name] = services.notify_report(incident_id)
        finally:
            if name == "second":
                second_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", burst[0].pk)),
        threading.Thread(target=run, args=("second", burst[-1].pk, holding)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results == {"first": 4, "second": 0}
    assert sorted(r.key for r in receiver.at("/leader")) == sorted(
        str(d.key) for d in Delivery.objects.all()
    )
    assert len(receiver.at("/leader")) == 4


def test_messages_failing_at_the_same_time_each_keep_their_own_reason(
    django_capture_on_commit_callbacks, receiver, staff_a, staff_b, leader_a, printer_paper
):
    from ungcuu.core.testing import make_user

    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=staff_b.center)
    channel(receiver, "/a", person=leader_a)
    channel(receiver, "/b", person=leader_b)
    receiver.fail("/a", 500)
    receiver.fail("/b", 404)
    with django_capture_on_commit_callbacks(execute=False):
        first = report(staff_a, printer_paper)
        second = report(staff_b, printer_paper)

    services.notify_report(first.pk)  # one pass, both sent at once

    to_a = Delivery.objects.get(incident=first)
    to_b = Delivery.objects.get(incident=second)
    assert "500" in to_a.last_error and "404" not in to_a.last_error
    assert "404" in to_b.last_error and "500" not in to_b.last_error


def test_a_bug_while_sending_one_message_does_not_lose_the_others(
    django_capture_on_commit_callbacks, monkeypatch, receiver, staff_a, staff_b, leader_a
):
    from ungcuu.catalog.models import IncidentType
    from ungcuu.core.testing import make_user

    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=staff_b.center)
    channel(receiver, "/a", person=leader_a)
    channel(receiver, "/b", person=leader_b)
    printer_paper = IncidentType.objects.get(code="printer-paper")
    with django_capture_on_commit_callbacks(execute=False):
        first = report(staff_a, printer_paper)
        second = report(staff_b, printer_paper)
    real = services._try_channels

    def broken_for_a(delivery, channels):
        if delivery.incident_id == first.pk:
            raise ValueError("lỗi lập trình")
        return real(delivery, channels)

    monkeypatch.setattr(services, "_try_channels", broken_for_a)
    services.notify_report(first.pk)

    broken = Delivery.objects.get(incident=first)
    assert broken.state == DeliveryState.PENDING and "lỗi lập trình" in broken.last_error
    assert Delivery.objects.get(incident=second).state == DeliveryState.SENT
    assert len(receiver.at("/b")) == 1 and receiver.at("/a") == []


def test_messages_sent_together_are_marked_each_with_its_own_channel(
    django_capture_on_commit_callbacks,
    immediate,
    monkeypatch,
    receiver,
    staff_a,
    leader_a,
    responder_a,
    printer_paper,
):
    by_leader = channel(receiver, "/leader", person=leader_a)
    by_duty = channel(receiver, "/duty", person=responder_a)
    with django_capture_on_commit_callbacks(execute=False), monkeypatch.context() as m:
        m.setattr(services, "_send_now", lambda *args: None)
        incident = report(staff_a, printer_paper, description="Máy in hết giấy")
        services.notify_report(incident.pk)
    deliveries = list(Delivery.objects.filter(incident=incident).select_related("person"))
    Delivery.objects.filter(incident=incident).update(state=DeliveryState.SENDING)
    carried = {leader_a.pk: by_leader, responder_a.pk: by_duty}

    # Two answers that came back together: one write for both.
    services._mark_sent([(d, carried[d.person_id]) for d in deliveries])

    marked = Delivery.objects.filter(incident=incident)
    assert {(d.person_id, d.channel_id, d.state) for d in marked} == {
        (leader_a.pk, by_leader.pk, DeliveryState.SENT),
        (responder_a.pk, by_duty.pk, DeliveryState.SENT),
    }
