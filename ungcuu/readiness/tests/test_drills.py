"""Drills: scheduled, run (incidents marked as drill), evaluated, kept out of statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services as incidents
from ungcuu.incidents.models import Incident
from ungcuu.incidents.selectors import month_summary
from ungcuu.notify.models import Delivery
from ungcuu.readiness import services
from ungcuu.readiness.models import Drill, DrillStatus


@pytest.fixture
def crash(db):
    return IncidentType.objects.get(code="software-down")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_leader_schedules_a_system_crash_drill(director_a, staff_a, crash):
    when = timezone.now() + timedelta(days=3)
    answer = logged_in(director_a).post(
        "/readiness/drills/new/",
        {"scenario": "software-down", "scheduled_at": _local(when), "participants": [staff_a.pk]},
    )
    assert answer.status_code == 302
    drill = Drill.objects.get()
    assert drill.status == DrillStatus.PLANNED
    assert list(drill.participants.all()) == [staff_a]
    html = (
        logged_in(staff_a).get(f"/readiness/drills/?year={timezone.localtime(when).year}").content
    )
    assert "Sập hệ thống phần mềm" in html.decode()


def test_a_drill_in_the_past_is_refused(director_a, crash):
    answer = logged_in(director_a).post(
        "/readiness/drills/new/",
        {"scenario": "software-down", "scheduled_at": _local(timezone.now() - timedelta(days=1))},
    )
    assert answer.status_code == 400
    assert "thời điểm đã qua" in answer.content.decode()
    assert not Drill.objects.exists()


def test_incidents_reported_during_a_drill_are_flagged_and_kept_out_of_statistics(
    director_a, leader_a, staff_a, crash, printer_paper
):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    client = logged_in(director_a)
    client.post(f"/readiness/drills/{drill.pk}/start/")
    drill.refresh_from_db()
    assert drill.status == DrillStatus.RUNNING
    assert services.drill_running(director_a.center, timezone.now()) == drill
    assert "ĐANG DIỄN TẬP" in logged_in(staff_a).get("/").content.decode()

    practice = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=crash
    ).incident
    assert practice.is_drill
    assert month_summary(staff_a, timezone.localdate()).total == 0

    client.post(f"/readiness/drills/{drill.pk}/end/")
    drill.refresh_from_db()
    assert drill.status == DrillStatus.DONE
    assert drill.minutes_to_report is not None

    real = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=printer_paper
    ).incident
    assert not real.is_drill
    assert month_summary(staff_a, timezone.localdate()).total == 1

    answer = client.post(
        f"/readiness/drills/{drill.pk}/",
        {"minutes_to_paper": "12", "lessons": "In sẵn phiếu tiếp nhận giấy ở mỗi quầy."},
    )
    assert answer.status_code == 302
    drill.refresh_from_db()
    assert drill.minutes_to_paper == 12
    page = logged_in(staff_a).get(f"/readiness/drills/{drill.pk}/").content.decode()
    assert "In sẵn phiếu" in page and practice.number in page


def test_a_drill_incident_still_notifies_and_says_drill(director_a, leader_a, staff_a, crash):
    from ungcuu.notify import services as notify

    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    practice = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=crash
    ).incident
    notify.notify_report(practice.pk)
    message = Delivery.objects.get(person=leader_a)
    assert message.title.startswith("[DIỄN TẬP]")
    assert "DIỄN TẬP" in message.body


def test_a_drill_at_another_center_does_not_flag_ours(director_a, staff_b, crash):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    other = incidents.incident_report(actor=staff_b, center=staff_b.center, incident_type=crash)
    assert not other.incident.is_drill
    assert Incident.objects.filter(is_drill=True).count() == 0


def test_staff_cannot_start_a_drill(director_a, staff_a, crash):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    with pytest.raises(ServiceError):
        services.drill_start(actor=staff_a, drill=drill)
    logged_in(staff_a).post(f"/readiness/drills/{drill.pk}/start/")
    drill.refresh_from_db()
    assert drill.status == DrillStatus.PLANNED


def test_an_evaluation_with_a_bad_number_changes_nothing(director_a, crash):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    services.drill_end(actor=director_a, drill=drill)
    answer = logged_in(director_a).post(
        f"/readiness/drills/{drill.pk}/", {"minutes_to_paper": "mười", "lessons": "x"}
    )
    assert answer.status_code == 400
    drill.refresh_from_db()
    assert drill.minutes_to_paper is None and drill.lessons == ""


def test_open_drill_incidents_are_marked_and_not_counted_per_center(
    director_a, staff_a, province_user, crash
):
    from ungcuu.incidents.selectors import open_by_center

    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill)
    incidents.incident_report(actor=staff_a, center=staff_a.center, incident_type=crash)
    assert open_by_center(province_user) == []
    home = logged_in(staff_a).get("/").content.decode()
    assert '<span class="badge">DIỄN TẬP</span>' in home


@pytest.mark.parametrize("year", ["0", "10000", "99999999999999999999999", "-5", "abc"])
def test_a_bad_year_on_the_drill_plan_shows_this_year(director_a, year):
    answer = logged_in(director_a).get("/readiness/drills/", {"year": year})
    assert answer.status_code == 200
    assert answer.context["year"] == timezone.localdate().year


def test_a_drill_left_running_does_not_turn_the_next_day_into_a_drill(director_a, staff_a, crash):
    drill = services.drill_schedule(
        actor=director_a,
        center=director_a.center,
        scenario=crash,
        scheduled_at=timezone.now() + timedelta(minutes=1),
    )
    services.drill_start(actor=director_a, drill=drill, now=timezone.now() - timedelta(hours=9))
    assert services.drill_running(director_a.center, timezone.now()) is None
    real = incidents.incident_report(
        actor=staff_a, center=staff_a.center, incident_type=crash
    ).incident
    assert not real.is_drill
    # Still within the 8 hours it was running.
    assert services.drill_running(director_a.center, timezone.now() - timedelta(hours=2)) == drill


def test_two_drills_cannot_run_at_once(director_a, crash):
    first, second = (
        services.drill_schedule(
            actor=director_a,
            center=director_a.center,
            scenario=crash,
            scheduled_at=timezone.now() + timedelta(minutes=1),
        )
        for _ in range(2)
    )
    stale = Drill.objects.get(pk=first.pk)
    services.drill_start(actor=director_a, drill=first)
    with pytest.raises(ServiceError, match="buổi diễn tập khác"):
        services.drill_start(actor=director_a, drill=second)
    # A copy read before the start cannot start the same drill a second time.
    with pytest.raises(ServiceError, match="đã lên lịch"):
        services.drill_start(actor=director_a, drill=stale)
    assert Drill.objects.filter(status=DrillStatus.RUNNING).count() == 1
