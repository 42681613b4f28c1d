"""The menu: the role's few destinations in the bar, the rest under "Thêm", the page marked."""

from __future__ import annotations

import re

import pytest

from ungcuu.core.navigation import menu_for
from ungcuu.core.testing import logged_in


def _bar(html: str) -> list[str]:
    bar = re.search(r'<ul class="bar">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r">([^<]+)</a>", bar)


def _current(html: str) -> list[str]:
    return re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', html)


def test_report_is_marked_only_on_the_report_page(staff_a):
    client = logged_in(staff_a)

    assert _current(client.get("/").content.decode()) == ["Ứng Cứu"]
    assert _current(client.get("/incidents/new/").content.decode()) == ["Báo sự cố"]
    assert _current(client.get("/logbook/").content.decode()) == ["Sổ theo dõi"]


@pytest.mark.parametrize(
    ("person", "bar"),
    [
        ("staff_a", ["Báo sự cố", "Hồ sơ giấy", "Hướng dẫn", "Phương án"]),
        ("leader_a", ["Báo sự cố", "Sổ theo dõi", "Sẵn sàng", "Lịch trực"]),
        ("director_a", ["Sổ theo dõi", "Thống kê", "Sẵn sàng", "Báo sự cố"]),
        ("province_user", ["Tình hình", "Sổ theo dõi", "Thống kê", "Phương án"]),
        ("vendor_user", ["Sổ theo dõi", "Hướng dẫn"]),
    ],
)
def test_each_role_has_at_most_four_destinations_in_the_bar_and_the_rest_under_more(
    db, request, person, bar
):
    user = request.getfixturevalue(person)

    html = logged_in(user).get("/").content.decode()
    menu = menu_for(user, "/")

    assert _bar(html) == bar
    assert {link.label for link in menu.more}.isdisjoint(bar)
    assert "Đăng xuất" in html


def test_a_vendor_is_offered_neither_reporting_nor_the_plan(vendor_user):
    menu = menu_for(vendor_user, "/")

    keys = {link.key for link in menu.bar + menu.more}
    assert keys.isdisjoint({"report", "plan", "reports", "duty", "contacts", "admin"})


def test_a_page_under_the_more_sheet_marks_the_sheet(staff_a):
    menu = menu_for(staff_a, "/logbook/")

    assert menu.more_current
    assert [link.key for link in menu.more if link.current] == ["logbook"]


def test_the_menu_and_the_home_speak_english_when_chosen(director_a):
    client = logged_in(director_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/").content.decode()

    assert ">More</summary>" in html
    assert ">Statistics</a>" in html
    assert "Current situation" in html
