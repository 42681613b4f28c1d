"""The start-of-day check: one tap when all is well, a fault opens the right report."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import pytest
from django.utils import timezone

from ungcuu.core.testing import logged_in
from ungcuu.readiness import services
from ungcuu.readiness.models import CheckItem, DailyCheck

TZ = timezone.get_default_timezone()
# A Monday that is no holiday.
MONDAY_0830 = datetime(2026, 11, 23, 8, 30, tzinfo=TZ)
MONDAY_0905 = datetime(2026, 11, 23, 9, 5, tzinfo=TZ)
SUNDAY_1000 = datetime(2026, 11, 22, 10, 0, tzinfo=TZ)


def test_a_center_gets_the_seed_checklist_with_the_right_incident_types(center_a):
    items = services.checklist(center_a)
    codes = [item.incident_type.code for item in items]
    assert len(items) == 10
    assert "internet" in codes and "qms" in codes and "digital-cert" in codes
    assert codes.count("internet") == 3  # two lines and the 4G router


def test_all_ok_in_one_tap_records_every_item_as_passed(staff_a):
    client = logged_in(staff_a)
    page = client.get("/readiness/check/")
    assert page.status_code == 200
    assert "Tất cả đều tốt" in page.content.decode()

    answer = client.post("/readiness/check/", {"all_ok": "1", "client_uuid": str(uuid.uuid4())})

    assert answer.status_code == 302
    run = DailyCheck.objects.get()
    assert run.day == timezone.localdate()
    assert run.faults == 0
    assert run.results.count() == 10 and all(r.ok for r in run.results.all())
    assert "Đã kiểm tra lúc" in client.get("/readiness/check/").content.decode()


def test_unticked_items_are_recorded_as_faults(staff_a):
    items = services.checklist(staff_a.center)
    client = logged_in(staff_a)
    client.post("/readiness/check/", {"ok": [str(i.pk) for i in items[1:]]})
    run = DailyCheck.objects.get()
    assert run.faults == 1
    assert [r.label for r in run.results.filter(ok=False)] == [items[0].label]


def test_report_fault_link_opens_the_report_form_with_type_and_description(staff_a):
    client = logged_in(staff_a)
    html = client.get("/readiness/check/").content.decode()
    assert "/incidents/new/?type=qms&amp;description=" in html

    form = client.get("/incidents/new/", {"type": "qms", "description": "Hệ thống bấm số lỗi"})
    text = form.content.decode()
    assert re.search(r'<input[^>]*value="qms"[^>]*checked', text)
    assert "Hệ thống bấm số lỗi" in text


def test_replaying_a_check_changes_nothing(staff_a):
    key = uuid.uuid4()
    first = services.check_record(
        actor=staff_a, center=staff_a.center, ok_items=[], client_uuid=key
    )
    again = services.check_record(
        actor=staff_a, center=staff_a.center, ok_items=[], all_ok=True, client_uuid=key
    )
    assert again.pk == first.pk
    assert DailyCheck.objects.get().faults == 10


def test_an_item_of_another_center_is_refused(staff_a, center_b):
    other = services.checklist(center_b)[0]
    client = logged_in(staff_a)
    answer = client.post("/readiness/check/", {"ok": [str(other.pk)]})
    assert answer.status_code == 400
    assert "không thuộc danh sách" in answer.content.decode()
    assert not DailyCheck.objects.exists()


def test_the_checklist_is_editable_per_center(center_a, center_b):
    services.checklist(center_a)
    CheckItem.objects.filter(center=center_a, label__startswith="Hệ thống bấm số").update(
        is_active=False
    )
    assert len(services.checklist(center_a)) == 9
    assert len(services.checklist(center_b)) == 10


@pytest.mark.parametrize(
    "moment, done, missed",
    [
        (MONDAY_0830, False, False),
        (MONDAY_0905, False, True),
        (MONDAY_0905, True, False),
        (SUNDAY_1000, False, False),
    ],
)
def test_a_check_is_missed_only_after_nine_on_a_working_day(
    center_a, staff_a, moment, done, missed
):
    if done:
        services.check_record(actor=staff_a, center=center_a, ok_items=[], now=moment)
    assert services.check_missed(center_a, moment) is missed


def test_the_leader_sees_a_missed_check_on_the_home_page(director_a, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_0905)
    html = logged_in(director_a).get("/").content.decode()
    assert "Chưa kiểm tra phần mềm đầu ngày" in html


def test_the_province_sees_which_centers_missed_the_check(
    province_user, center_b, staff_a, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_0905)
    services.check_record(actor=staff_a, center=staff_a.center, ok_items=[], all_ok=True)
    html = logged_in(province_user).get("/").content.decode()
    assert "Chưa kiểm tra phần mềm đầu ngày" in html
    assert f"?center={center_b.code}" in html
    assert f'?center={staff_a.center.code}"' not in html


def test_history_lists_past_checks(staff_a):
    services.check_record(actor=staff_a, center=staff_a.center, ok_items=[], now=MONDAY_0830)
    html = logged_in(staff_a).get("/readiness/check/history/").content.decode()
    assert "23/11/2026" in html


def test_the_check_page_is_available_in_english(staff_a):
    client = logged_in(staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/readiness/check/").content.decode()
    assert "Everything is fine" in page and "Report fault" in page
    assert "Tất cả đều tốt" not in page


def test_the_it_officer_edits_the_checklist(it_a, staff_a):
    client = logged_in(it_a)
    assert client.get("/readiness/check/items/").status_code == 200
    answer = client.post(
        "/readiness/check/items/",
        {"label": "Máy scan quầy 1 quét được", "type": "other", "is_active": "1"},
    )
    assert answer.status_code == 302
    qms = CheckItem.objects.get(center=it_a.center, incident_type__code="qms")
    client.post(
        "/readiness/check/items/",
        {"item": qms.pk, "label": qms.label, "type": "qms"},  # unticked: no longer used
    )
    labels = [i.label for i in services.checklist(it_a.center)]
    assert "Máy scan quầy 1 quét được" in labels and qms.label not in labels
    assert (
        "Máy scan quầy 1 quét được" in logged_in(staff_a).get("/readiness/check/").content.decode()
    )
    # An empty label is refused; staff cannot edit.
    assert client.post("/readiness/check/items/", {"label": " "}).status_code == 400
    assert logged_in(staff_a).get("/readiness/check/items/").status_code == 404
    assert len(services.checklist(it_a.center)) == 10


def test_replaying_an_older_check_after_a_newer_one_changes_nothing(staff_a):
    from datetime import timedelta

    center = staff_a.center
    first, second = uuid.uuid4(), uuid.uuid4()
    services.check_record(
        actor=staff_a, center=center, ok_items=[], client_uuid=first, now=MONDAY_0830
    )
    newer = services.check_record(
        actor=staff_a,
        center=center,
        ok_items=[],
        all_ok=True,
        client_uuid=second,
        now=MONDAY_0830 + timedelta(minutes=20),
    )
    assert newer.faults == 0
    # The phone that sent the first check comes back online and sends it again.
    again = services.check_record(
        actor=staff_a,
        center=center,
        ok_items=[],
        client_uuid=first,
        now=MONDAY_0830 + timedelta(minutes=40),
    )
    assert again.pk == newer.pk
    run = DailyCheck.objects.get(center=center)
    assert run.faults == 0 and run.client_uuid == second
    assert all(r.ok for r in run.results.all())


def test_a_bad_item_number_on_the_checklist_form_is_not_a_server_error(it_a):
    client = logged_in(it_a)
    for bad in ["abc", "1.5", "99999999999999999999"]:
        answer = client.post(
            "/readiness/check/items/", {"item": bad, "label": "Máy scan", "is_active": "1"}
        )
        assert answer.status_code == 404
    assert "Máy scan" not in [i.label for i in services.checklist(it_a.center)]


def test_an_unknown_or_retired_incident_type_is_refused(it_a):
    from ungcuu.catalog.models import IncidentType

    IncidentType.objects.filter(code="qms").update(is_active=False)
    client = logged_in(it_a)
    for code in ["khong-co", "qms"]:
        answer = client.post(
            "/readiness/check/items/",
            {"label": "Máy scan quầy 1 quét được", "type": code, "is_active": "1"},
        )
        assert answer.status_code == 400
        assert "Loại sự cố không có hoặc đã ngừng dùng" in answer.content.decode()
    labels = [i.label for i in services.checklist(it_a.center)]
    assert "Máy scan quầy 1 quét được" not in labels
