from __future__ import annotations

from datetime import date

import pytest

from ungcuu.incidents.models import Incident
from ungcuu.reports import periods
from ungcuu.reports.selectors import Scope
from ungcuu.reports.stats import compute, percentile
from ungcuu.reports.tests.conftest import at, make_incident

pytestmark = pytest.mark.django_db


def test_calendar_and_statistical_quarters():
    q1 = periods.quarter(2026, 1, "calendar")
    assert (q1.first, q1.last) == (date(2026, 1, 1), date(2026, 3, 31))
    q4 = periods.quarter(2026, 4, "calendar")
    assert (q4.first, q4.last) == (date(2026, 10, 1), date(2026, 12, 31))
    s1 = periods.quarter(2026, 1, "statistical")
    assert (s1.first, s1.last) == (date(2025, 12, 15), date(2026, 3, 14))
    s3 = periods.quarter(2026, 3, "statistical")
    assert (s3.first, s3.last) == (date(2026, 6, 15), date(2026, 9, 14))
    assert periods.current_quarter(date(2026, 12, 20), "statistical") == periods.quarter(
        2027, 1, "statistical"
    )


def test_the_setting_chooses_the_default_quarter(settings):
    settings.REPORT_PERIOD = "statistical"
    assert periods.quarter(2026, 2).first == date(2026, 3, 15)


def test_percentile_interpolates_like_a_spreadsheet():
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert percentile([10, 20, 30, 40], 0.9) == 37
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


def test_figures_of_a_quarter(quarter_a, center_a):
    stats = compute(Scope(center=center_a), periods.quarter(2026, 1, "calendar"))

    assert stats.total == 5  # the drill and April's incident do not count
    assert stats.by_tier == {"simple": 3, "complex": 2}
    assert [(r.code, r.count) for r in stats.by_type] == [
        ("printer-paper", 3),
        ("internet", 1),
        ("power", 1),
    ]
    # Acknowledged after 40, 5, 10, 2, 20 minutes.
    assert stats.mtta.count == 5
    assert stats.mtta.median == 10
    assert stats.mtta.p90 == 32  # 20 + 0.6 × (40 − 20)
    # Restored after 150 (over midnight), 15, 30, 12, 300 (into the next quarter) minutes.
    assert stats.mttr.median == 30
    assert stats.mttr.p90 == 240  # 150 + 0.6 × (300 − 150)
    assert stats.downtime_minutes == 150 + 15 + 30 + 12 + 300
    assert stats.longest.minutes == 300
    assert stats.longest.number == quarter_a[4].number
    assert stats.citizens_affected == 45
    assert stats.dossiers_delayed == 13


def test_flags_recurrence_slow_acks_and_what_to_report(quarter_a, center_a):
    stats = compute(Scope(center=center_a), periods.quarter(2026, 1, "calendar"))

    assert [(r.type_code, r.count) for r in stats.recurrences] == [("printer-paper", 3)]
    assert [f.number for f in stats.slow_acks] == [quarter_a[0].number]  # 40 min > 30
    assert [f.number for f in stats.long_outages] == [quarter_a[4].number]  # 5 h > 4 h
    assert stats.long_outages[0].started_at == "31/03/2026 22:00"  # local time
    assert stats.long_outages[0].minutes == 300
    reported = {f.number: f.reason for f in stats.to_report}
    # The long power cut, and the paper jams once, by the latest of the three.
    assert set(reported) == {quarter_a[4].number, quarter_a[3].number}
    assert reported[quarter_a[4].number] == "kéo dài trên 4 giờ"
    assert reported[quarter_a[3].number] == (
        f"lặp lại 3 lần trong kỳ ({quarter_a[1].number}, {quarter_a[2].number})"
    )
    text = " ".join(stats.proposals)
    assert "Máy in hết giấy, kẹt giấy" in text and "lặp lại 3 lần" in text
    assert "nhận tin sau hơn 30 phút" in text


def test_statistical_quarter_takes_other_incidents(quarter_a, center_a):
    stats = compute(Scope(center=center_a), periods.quarter(2026, 1, "statistical"))
    # 15/12/2025 – 14/03/2026: the January and three printer incidents; not 15/3 onwards.
    assert stats.total == 4


def test_province_counts_each_center_and_not_other_provinces(quarter_a, center_a, staff_b, staff_c):
    make_incident(reporter=staff_b, code="login", started="2026-02-03 10:00")
    make_incident(reporter=staff_c, code="login", started="2026-02-03 10:00")
    stats = compute(Scope(province=center_a.province), periods.quarter(2026, 1, "calendar"))
    assert stats.total == 6
    assert {r.code: r.count for r in stats.by_center} == {"bachngoc": 5, "tanky": 1}
    assert stats.not_restored == 1


def test_open_incident_long_unacknowledged_is_flagged(leader_a, center_a):
    incident = make_incident(reporter=leader_a, code="internet", started="2026-02-01 08:00")
    stats = compute(
        Scope(center=center_a), periods.quarter(2026, 1, "calendar"), now=at("2026-02-01 14:00")
    )
    assert [f.reason for f in stats.slow_acks] == ["chưa có người nhận tin"]
    assert stats.long_outages[0].number == incident.number
    assert stats.long_outages[0].reason == "chưa khôi phục"
    assert Incident.objects.count() == 1
