"""The quarter's paper dossiers and drills, in the figures and the documents."""

from __future__ import annotations

import pytest

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity import services as paper
from ungcuu.readiness.models import Drill, DrillStatus
from ungcuu.reports import documents, periods, stats
from ungcuu.reports.selectors import Scope
from ungcuu.reports.tests.conftest import at

pytestmark = pytest.mark.django_db


def take(actor, incident, received: str):
    return paper.intake_create(
        actor=actor,
        center=actor.center,
        incident=incident,
        citizen_name="Nguyễn Văn An",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
        received_at=at(received),
        now=at(received),
    ).intake


def test_paper_dossiers_re_entered_on_time_late_or_not_yet_and_drills_held(
    quarter_a, leader_a, staff_a, center_a
):
    outage = quarter_a[0]  # internet, restored Sunday 11/1/2026 01:30: deadline Monday 12/1
    on_time, late, waiting, drill = (
        take(staff_a, outage, f"2026-01-10 23:{m}") for m in (10, 20, 30, 40)
    )
    paper.intake_reenter(
        actor=staff_a, intake=on_time, dossier_code="X-1", now=at("2026-01-12 10:00")
    )
    paper.intake_reenter(actor=staff_a, intake=late, dossier_code="X-2", now=at("2026-01-14 10:00"))
    drill.is_drill = True
    drill.save()
    for started, status in [
        ("2026-02-10 09:00", DrillStatus.DONE),
        ("2026-03-10 09:00", DrillStatus.CANCELLED),
    ]:
        Drill.objects.create(
            center=center_a,
            scenario=IncidentType.objects.get(code="software-down"),
            scheduled_at=at(started),
            started_at=at(started),
            planned_by=leader_a,
            status=status,
            minutes_to_report=4,
        )
    scope, period = Scope(center=center_a), periods.quarter(2026, 1, "calendar")

    figures = stats.compute(scope, period)

    assert figures.paper_intake == {
        "taken": 3,
        "reentered": 2,
        "reentered_on_time": 1,
        "reentered_late": 1,
        "pending": 1,
    }
    assert figures.drills["held"] == 1 and figures.drills["minutes_to_report"] == 4
    summary = dict(documents.summary_rows(figures))
    assert summary["Hồ sơ tiếp nhận bằng giấy"] == 3
    assert summary["Hồ sơ nhập lại đúng hạn"] == 1
    assert summary["Số cuộc diễn tập"] == 1
    rows = {row[1]: row for row in documents.incident_rows(scope, period)}
    assert rows[outage.number][-2:] == [4, 2]  # the drill dossier stays on its incident's row
