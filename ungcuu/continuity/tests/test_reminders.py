"""Overdue re-entry reaches the team leader by message, once a day; drills never do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import services
from ungcuu.notify.models import Delivery
from ungcuu.notify.services import channel_add
from ungcuu.readiness.services.drills import drill_schedule, drill_start

pytestmark = pytest.mark.django_db


def take(actor, received_at, **extra):
    return services.intake_create(
        actor=actor,
        center=actor.center,
        citizen_name="Nguyễn Văn An",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
        received_at=received_at,
        **extra,
    ).intake


def test_the_team_leader_is_told_once_a_day_about_overdue_reentry(staff_a, leader_a, staff_b):
    channel_add(person=leader_a, url="json://127.0.0.1:9/hook")
    week_ago = timezone.now() - timedelta(days=7)
    late = take(staff_a, week_ago)
    recent = take(staff_a, timezone.now() - timedelta(minutes=5))  # due the next working day
    take(staff_b, week_ago)  # another center: no team leader there to tell

    assert services.reentry_reminders() == 1
    assert services.reentry_reminders() == 0  # the same day: nothing more
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.reentry_reminders(now=tomorrow) == 1

    message = Delivery.objects.filter(person=leader_a).order_by("pk").first()
    assert late.receipt_number in message.body and "quá hạn nhập lại" in message.body
    assert recent.receipt_number not in message.body  # not yet overdue today

    # Once every dossier is in the software, nobody is reminded (whatever day it is: the
    # recent one is overdue two days on when the next working day is tomorrow).
    services.intake_reenter(actor=staff_a, intake=late, dossier_code="000.00.04.H40-261116-0001")
    services.intake_reenter(actor=staff_a, intake=recent, dossier_code="000.00.04.H40-261116-0002")
    assert services.reentry_reminders(now=tomorrow + timedelta(days=1)) == 0


def test_dossiers_taken_during_a_drill_are_drill_records_and_never_reminded(
    staff_a, leader_a, director_a
):
    drill = drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=IncidentType.objects.get(code="software-down"),
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    drill_start(actor=director_a, drill=drill, now=timezone.now() - timedelta(minutes=30))

    intake = take(staff_a, timezone.now() - timedelta(minutes=10))

    assert intake.is_drill
    # A week on, its re-entry is long overdue, and still nobody is reminded of it.
    assert services.reentry_due(intake) < timezone.localdate() + timedelta(days=7)
    assert services.reentry_reminders(now=timezone.now() + timedelta(days=7)) == 0
