"""Reminders go through the notification outbox, once per key, and show on the home page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ungcuu.core.testing import logged_in
from ungcuu.notify import services as notify
from ungcuu.notify.models import Delivery, DeliveryState, Level
from ungcuu.readiness import services
from ungcuu.readiness.models import MovementKind, ReadinessPolicy

TZ = timezone.get_default_timezone()
MONDAY_1000 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.fixture
def low_ink(it_a):
    item = services.supply_save(
        actor=it_a,
        center=it_a.center,
        kind="ink",
        name="Mực HP 85A",
        unit="hộp",
        quota=4,
        threshold=1,
        assignee=it_a,
    )
    services.stock_move(actor=it_a, item=item, kind=MovementKind.RECEIVED, quantity_value=1)
    return item


def test_a_reminder_goes_once_per_key(it_a):
    first, created = notify.remind(person=it_a, title="Nhắc", body="Nội dung", key="k:1")
    again, created_again = notify.remind(person=it_a, title="Nhắc", body="Nội dung", key="k:1")
    assert created and not created_again
    assert first.pk == again.pk
    assert first.incident is None and first.level == Level.REMINDER
    assert first.state == DeliveryState.NO_CHANNEL  # no channel yet: kept, visible


def test_a_reminder_is_sent_over_the_persons_channel(it_a, monkeypatch):
    sent = []
    monkeypatch.setattr(
        notify.transport, "send", lambda url, title, body, key: sent.append((url, title))
    )
    notify.channel_add(person=it_a, url="json://localhost:9/hook")
    delivery, _ = notify.remind(person=it_a, title="Mực sắp hết", body="Còn 1 hộp", key="k:2")
    assert notify.deliver(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert sent == [("json://localhost:9/hook", "Mực sắp hết")]


def test_the_daily_run_sends_each_due_reminder_once_a_day(low_ink, it_a, director_a, staff_a):
    queued = services.reminders_send(now=MONDAY_1000)
    kinds = set(Delivery.objects.values_list("reminder_key", flat=True))
    assert any(k.startswith(f"supply-low:{low_ink.pk}:2026-11-23:{it_a.pk}") for k in kinds)
    assert any(k.startswith("check-missed:") and k.endswith(f":{director_a.pk}") for k in kinds)
    assert services.reminders_send(now=MONDAY_1000 + timedelta(hours=1)) == 0
    assert Delivery.objects.count() == queued
    # Next day: still low, told again.
    assert services.reminders_send(now=MONDAY_1000 + timedelta(days=1)) >= 1


def test_the_password_reminder_follows_the_centers_period(staff_a):
    policy = services.policy_for(staff_a.center)
    joined = timezone.localtime(staff_a.date_joined)
    assert services.password_reminder(staff_a, joined + timedelta(days=10)) is None
    due = services.password_reminder(staff_a, joined + timedelta(days=91))
    assert due is not None and due.people == [staff_a]
    ReadinessPolicy.objects.filter(pk=policy.pk).update(password_days=0)
    assert services.password_reminder(staff_a, joined + timedelta(days=91)) is None


def test_the_it_officer_sees_the_reminders_on_the_home_page(low_ink, it_a):
    html = logged_in(it_a).get("/").content.decode()
    assert "Vật tư sắp hết: Mực HP 85A" in html


@pytest.fixture
def receiver():
    from ungcuu.notify.tests.receiver import Receiver

    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def immediate():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


def test_the_periodic_task_delivers_a_low_stock_reminder_once(
    low_ink, it_a, receiver, immediate, django_capture_on_commit_callbacks
):
    from ungcuu.readiness import tasks

    notify.channel_add(person=it_a, url=receiver.url("/it"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders.call_local()
    assert receiver.wait_for(1, path="/it")
    texts = [r.text for r in receiver.at("/it")]
    assert any("Mực HP 85A chỉ còn 1 hộp" in t for t in texts)
    sent = len(receiver.at("/it"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders.call_local()
    assert len(receiver.at("/it")) == sent
    assert Delivery.objects.filter(state=DeliveryState.SENT, person=it_a).count() == sent


def test_staff_see_their_password_reminder_on_the_home_page_for_a_week(staff_a):
    client = logged_in(staff_a)
    assert "Đến kỳ đổi mật khẩu" not in client.get("/").content.decode()
    staff_a.date_joined = timezone.now() - timedelta(days=92)
    staff_a.save(update_fields=["date_joined"])
    assert "Đến kỳ đổi mật khẩu" in client.get("/").content.decode()
    staff_a.date_joined = timezone.now() - timedelta(days=100)
    staff_a.save(update_fields=["date_joined"])
    assert "Đến kỳ đổi mật khẩu" not in client.get("/").content.decode()


def _expiring(it_a, holder, serial="SN-1"):
    from ungcuu.readiness.models import Certificate

    today = timezone.localdate()
    return Certificate.objects.create(
        center=it_a.center,
        holder=holder,
        provider="bcy",
        serial=serial,
        valid_from=today - timedelta(days=700),
        valid_to=today + timedelta(days=5),
    )


def test_reminders_skip_people_who_left_or_were_deactivated(
    low_ink, it_a, director_a, staff_a, center_b
):
    from ungcuu.core.testing import make_user
    from ungcuu.org.models import Role

    keeper = make_user("a.keeper", Role.STAFF, center=it_a.center)
    low_ink.assignee = keeper
    low_ink.save(update_fields=["assignee"])
    _expiring(it_a, staff_a)

    def people(kind):
        return [
            sorted(p.pk for p in r.people)
            for r in services.center_reminders(it_a.center)
            if r.kind == kind
        ]

    assert people("supply") == [[keeper.pk]]
    assert people("certificate") == [sorted([staff_a.pk, it_a.pk])]

    keeper.is_active = False
    keeper.save(update_fields=["is_active"])
    staff_a.center = center_b  # moved to another center
    staff_a.save(update_fields=["center"])
    assert people("supply") == [[it_a.pk]]
    assert people("certificate") == [[it_a.pk]]

    it_a.is_active = False  # no IT officer left: the leaders are told
    it_a.save(update_fields=["is_active"])
    assert people("supply") == [[director_a.pk]]
    assert people("certificate") == [[director_a.pk]]


def test_reminder_queries_do_not_grow_with_people_or_certificates(it_a, center_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ungcuu.core.testing import make_user
    from ungcuu.org.models import Role

    def queries():
        with CaptureQueriesContext(connection) as captured:
            services.reminders_send(now=MONDAY_1000)
        return len(captured)

    _expiring(it_a, it_a)
    services.reminders_send(now=MONDAY_1000)  # the first run queues; later runs only look
    before = queries()
    for n in range(3):
        holder = make_user(f"a.cb{n}", Role.STAFF, center=center_a)
        _expiring(it_a, holder, serial=f"SN-{n + 2}")
    services.reminders_send(now=MONDAY_1000)
    after = queries()
    assert after <= before + 3 * 2  # per certificate only the send, no holder or policy
