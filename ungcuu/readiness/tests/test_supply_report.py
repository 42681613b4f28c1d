"""R40 (003 II.1a "Hoàn thành báo cáo bộ phận kế toán theo dõi"): the supplies report for
the accounting office, per center and month or quarter, on the page and as a workbook."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents import services as incidents
from ungcuu.org.models import Role
from ungcuu.readiness import services
from ungcuu.readiness.models import MovementKind


def _at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 10, 0))


@pytest.fixture
def ledger(it_a, printer_paper):
    """Giấy A4: 10 received in February; in March 5 received, 2 used for an incident,
    1 used with none named; 4 used in April."""
    item = services.supply_save(
        actor=it_a, center=it_a.center, kind="paper_a4", name="Giấy A4", unit="ram"
    )
    incident = incidents.incident_report(
        actor=it_a, center=it_a.center, incident_type=printer_paper, now=_at(2026, 3, 9)
    ).incident

    def move(kind, qty, when, **extra):
        services.stock_move(actor=it_a, item=item, kind=kind, quantity_value=qty, now=when, **extra)

    move(MovementKind.RECEIVED, 10, _at(2026, 2, 3))
    move(MovementKind.RECEIVED, 5, _at(2026, 3, 2))
    move(MovementKind.USED, 2, _at(2026, 3, 9), incident=incident)
    move(MovementKind.USED, 1, _at(2026, 3, 20))
    move(MovementKind.USED, 4, _at(2026, 4, 2))
    item.refresh_from_db()
    return item, incident


def test_a_month_shows_opening_received_used_for_which_incident_and_closing(ledger):
    item, incident = ledger
    [row] = services.supply_usage(item.center, services.usage_period("2026", "m3"))
    assert (row.opening, row.received, row.used, row.closing) == (10, 5, 3, 12)
    assert incident.number in row.incidents_text
    assert "2 ram" in row.incidents_text
    assert "không gắn sự cố: 1 ram" in row.incidents_text


def test_a_quarter_adds_up_its_months_and_the_last_closing_is_the_stock(ledger):
    item, _ = ledger
    [q1] = services.supply_usage(item.center, services.usage_period("2026", "q1"))
    assert (q1.opening, q1.received, q1.used, q1.closing) == (0, 15, 3, 12)
    [q2] = services.supply_usage(item.center, services.usage_period("2026", "q2"))
    assert (q2.opening, q2.used, q2.closing) == (12, 4, item.stock)


def test_the_team_leader_downloads_the_workbook(ledger, leader_a):
    item, incident = ledger
    answer = logged_in(leader_a).get("/readiness/supplies/usage.xlsx?year=2026&period=m3")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Tháng 03/2026" in rows[0][0]
    line = next(r for r in rows if r[1] == "Giấy A4")
    assert line[4:10] == (10, 5, 0, 3, 0, 12)
    assert incident.number in line[10]


def test_the_page_shows_the_report_to_the_center_leader(ledger, director_a):
    page = logged_in(director_a).get("/readiness/supplies/?year=2026&period=q1").content.decode()
    assert "Báo cáo sử dụng vật tư" in page
    assert "Quý I/2026" in page
    assert ledger[1].number in page


def test_staff_see_no_report_and_cannot_download_it(ledger, staff_a):
    client = logged_in(staff_a)
    assert "Báo cáo sử dụng vật tư" not in client.get("/readiness/supplies/").content.decode()
    assert client.get("/readiness/supplies/usage.xlsx").status_code == 404


def test_another_centers_it_officer_gets_404(ledger, center_a, center_b):
    outsider = make_user("b.it2", Role.IT_OFFICER, center=center_b)
    answer = logged_in(outsider).get(f"/readiness/supplies/usage.xlsx?center={center_a.code}")
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "query", ["year=abc&period=m1", "year=2026&period=m13", "year=1900&period=q1", "period=x"]
)
def test_a_bad_period_gets_a_vietnamese_message(ledger, it_a, query):
    client = logged_in(it_a)
    answer = client.get(f"/readiness/supplies/usage.xlsx?{query}")
    assert answer.status_code == 400
    assert any(w in answer.content.decode() for w in ("Năm", "tháng hoặc quý"))
    assert client.get(f"/readiness/supplies/?{query}").status_code == 400
