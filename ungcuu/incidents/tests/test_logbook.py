"""The incident log book (sổ theo dõi sự cố kỹ thuật): filters, pages and the Excel copy."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in
from ungcuu.incidents import services
from ungcuu.incidents.selectors import LogbookFilter, logbook

NUMBER = re.compile(r">([A-Z]+-\d{4}-\d{4})</a>")


def days_ago(days: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def report(actor, code: str, started_at: datetime, description: str = ""):
    return services.incident_report(
        actor=actor,
        center=actor.center,
        incident_type=IncidentType.objects.get(code=code),
        description=description,
        started_at=started_at,
    ).incident


def page_numbers(client: Client, query: dict) -> list[str]:
    response = client.get("/logbook/", query)
    assert response.status_code == 200
    return NUMBER.findall(response.content.decode())


def export_rows(client: Client, query: dict) -> tuple[list, list[str]]:
    response = client.get("/logbook/export.xlsx", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    return header, [row[1] for row in rows[2:]]


@pytest.fixture
def book(staff_a, leader_a, staff_b):
    """Four incidents at center A over the last ten days, one at center B."""
    paper = report(staff_a, "printer-paper", days_ago(10), "Quầy 1 kẹt giấy")
    services.incident_resolve(actor=leader_a, incident=paper, root_cause="Giấy ẩm")
    net = report(staff_a, "internet", days_ago(5), "Mất cáp quang")
    login = report(staff_a, "login", days_ago(2), "Không vào được iGate")
    ink = report(staff_a, "printer-ink", days_ago(1), "Bản in mờ")
    other = report(staff_b, "printer-paper", days_ago(3), "Máy in Tân Kỳ")
    return {"paper": paper, "net": net, "login": login, "ink": ink, "other": other}


def numbers(*incidents) -> list[str]:
    return [incident.number for incident in incidents]


def test_the_book_lists_the_users_center_newest_first(staff_a, book):
    shown = page_numbers(logged_in(staff_a), {})

    assert shown == numbers(book["ink"], book["login"], book["net"], book["paper"])
    assert book["other"].number not in shown


def test_the_book_needs_a_login(db):
    assert Client().get("/logbook/").status_code == 302
    assert Client().get("/logbook/export.xlsx").status_code == 302


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "printer-paper"}, ["paper"]),
        ({"type": "internet"}, ["net"]),
        ({"tier": "complex"}, ["net"]),
        ({"tier": "simple"}, ["ink", "login", "paper"]),
        ({"status": "open"}, ["ink", "login", "net"]),
        ({"status": "resolved"}, ["paper"]),
        ({"q": "may in"}, ["ink", "paper"]),
        ({"q": "Máy in"}, ["ink", "paper"]),
        ({"q": "dang nhap"}, ["login"]),
        ({"q": "đăng nhập"}, ["login"]),
        ({"q": "IGATE"}, ["login"]),
        ({"q": "giay am"}, ["paper"]),  # the root cause is searched too
        ({"q": "may in", "status": "open"}, ["ink"]),
        ({"q": "không có gì như thế"}, []),
    ],
)
def test_the_book_filters(staff_a, book, query, expected):
    shown = page_numbers(logged_in(staff_a), query)

    assert shown == numbers(*(book[key] for key in expected))


def test_the_book_finds_an_incident_by_its_number(staff_a, book):
    shown = page_numbers(logged_in(staff_a), {"q": book["net"].number.lower()})

    assert shown == numbers(book["net"])


def test_the_book_filters_by_local_date_range(staff_a, book):
    day = timezone.localdate()
    query = {
        "date_from": (day - timedelta(days=5)).isoformat(),
        "date_to": (day - timedelta(days=2)).isoformat(),
    }

    shown = page_numbers(logged_in(staff_a), query)

    # Both ends of the range are whole days.
    assert shown == numbers(book["login"], book["net"])


def test_an_incident_late_in_the_evening_belongs_to_its_local_day(staff_a):
    # 23:30 in Vietnam is 16:30 UTC the same day; 00:30 is 17:30 UTC the day before.
    late = report(staff_a, "power", days_ago(3, hour=23))
    early_next = report(staff_a, "power", days_ago(2, hour=0))
    day = (timezone.localdate() - timedelta(days=3)).isoformat()

    shown = page_numbers(logged_in(staff_a), {"date_from": day, "date_to": day})

    assert shown == numbers(late)
    assert early_next.number not in shown


def test_the_book_is_split_into_pages_of_fifty(staff_a):
    made = [
        report(staff_a, "printer-paper", timezone.now() - timedelta(minutes=10 + n))
        for n in range(51)
    ]
    client = logged_in(staff_a)

    first = client.get("/logbook/")
    second = client.get("/logbook/", {"page": 2})

    first_numbers = NUMBER.findall(first.content.decode())
    second_numbers = NUMBER.findall(second.content.decode())
    assert first_numbers == numbers(*made[:50])
    assert second_numbers == numbers(made[50])
    assert "Trang 1/2" in first.content.decode()
    assert "Trang 2/2" in second.content.decode()
    assert "51 sự cố" in first.content.decode()


def test_the_next_page_link_keeps_the_filter(staff_a):
    made = [
        report(staff_a, "printer-paper", timezone.now() - timedelta(minutes=10 + n))
        for n in range(51)
    ]
    report(staff_a, "internet", timezone.now() - timedelta(days=1))
    client = logged_in(staff_a)

    html = client.get("/logbook/", {"type": "printer-paper"}).content.decode()
    link = re.search(r'href="(\?[^"]*)">Sau', html)
    assert link is not None
    second = client.get("/logbook/" + unescape(link.group(1)))

    assert NUMBER.findall(second.content.decode()) == numbers(made[50])


# --- the Excel copy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "open"},
        {"q": "may in"},
        {"tier": "simple", "status": "open"},
        {"type": "qms"},
    ],
)
def test_the_export_has_the_same_rows_as_the_book(staff_a, book, query):
    client = logged_in(staff_a)

    header, exported = export_rows(client, query)

    assert header[:3] == ["STT", "Số sự cố", "Trung tâm"]
    assert "Nguyên nhân" in header
    assert exported == page_numbers(client, query)
    assert book["other"].number not in exported


def test_the_export_holds_the_details_of_each_incident(staff_a, book):
    response = logged_in(staff_a).get("/logbook/export.xlsx", {"type": "printer-paper"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[1], dict(zip(rows[1], rows[2], strict=True))

    assert str(rows[0][0]).startswith("SỔ THEO DÕI SỰ CỐ KỸ THUẬT")
    assert len(rows) == 3
    assert header[0] == "STT"
    assert row["STT"] == 1
    assert row["Số sự cố"] == book["paper"].number
    assert row["Loại sự cố"] == "Máy in hết giấy, kẹt giấy"
    assert row["Trạng thái"] == "Đã khắc phục"
    assert row["Nguyên nhân"] == "Giấy ẩm"
    assert row["Mô tả"] == "Quầy 1 kẹt giấy"
    # Times are local (Asia/Ho_Chi_Minh), not UTC.
    assert row["Phát sinh lúc"] == days_ago(10).replace(tzinfo=None)


def test_the_selector_and_the_export_agree_for_a_province_user(province_user, book):
    client = logged_in(province_user)

    _, exported = export_rows(client, {"type": "printer-paper"})

    expected = logbook(province_user, LogbookFilter(type="printer-paper"))
    assert exported == [incident.number for incident in expected]
    assert set(exported) == {book["paper"].number, book["other"].number}


def test_text_that_looks_like_a_formula_stays_text_in_the_export(staff_a, book):
    type(book["paper"]).objects.filter(pk=book["paper"].pk).update(
        description='=HYPERLINK("http://example.invalid","Bấm vào đây")'
    )
    response = logged_in(staff_a).get("/logbook/export.xlsx", {"type": "printer-paper"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[1]]
    cell = rows[2][header.index("Mô tả")]

    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
