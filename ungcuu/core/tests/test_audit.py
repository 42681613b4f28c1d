"""The audit of configuration: who changed what, what it was before, and who may read it."""

from __future__ import annotations

import json
import sys
import uuid
from html.parser import HTMLParser

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models.signals import pre_save
from django.test import Client

from ungcuu.catalog.models import IncidentType
from ungcuu.catalog.services import catalog_load
from ungcuu.core.audit.registry import audited_models
from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.notify.models import Channel, RoutingPolicy
from ungcuu.notify.services import channel_add, policy_for
from ungcuu.org.models import DutyShift, Organisation, OrganisationKind, Role, User
from ungcuu.org.services import duty_set

BOT_TOKEN = "123456789:AAHsecretBotTokenXYZ"
TELEGRAM = f"tgram://{BOT_TOKEN}/98765"


def entries_for(model) -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(model)
    return list(LogEntry.objects.filter(content_type=kind).order_by("pk"))


def admin_client(user: User) -> Client:
    """A signed-in admin who has passed the second step (the admin always needs one)."""
    client = logged_in(user)
    if not apps.is_installed("django_otp.plugins.otp_static"):
        return client
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


class FormValues(HTMLParser):
    """The values a browser would send back from a page's form, as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
            else:
                self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    return {k: v if len(v) > 1 else v[0] for k, v in parser.data.items()}


# --- what is recorded ---------------------------------------------------------------------------


def test_a_policy_change_on_the_page_records_who_and_what_it_was(leader_a, director_a):
    policy_for(leader_a.center)

    logged_in(leader_a).post(
        "/policy/",
        {"simple_ack_minutes": "20", "complex_ack_minutes": "5", "prolonged_minutes": "30"},
    )

    entry = entries_for(RoutingPolicy)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == leader_a
    assert entry.changes_dict["simple_ack_minutes"] == ["15", "20"]
    assert entry.changes_dict["sms_for_complex"] == ["True", "False"]
    assert "complex_ack_minutes" not in entry.changes_dict  # unchanged, not listed

    page = logged_in(director_a).get("/audit/").text
    assert "Quy tắc báo tin — TTPVHCC xã Bạch Ngọc" in page
    assert "15 → 20" in page
    assert "Có → Không" in page
    assert leader_a.display_name in page


def test_a_role_change_in_the_admin_is_recorded_without_the_password(admin_user, staff_a):
    client = admin_client(admin_user)
    url = f"/admin/org/user/{staff_a.pk}/change/"
    data = form_values(client.get(url).text)
    data["role"] = Role.IT_OFFICER

    response = client.post(url, data)

    assert response.status_code == 302, response.text[:2000]
    entry = entries_for(User)[-1]
    assert entry.actor == admin_user
    assert entry.changes_dict == {"role": ["staff", "it_officer"]}
    page = client.get("/audit/").text
    assert "Chuyên viên Bộ phận Một cửa → Cán bộ CNTT" in page
    listing = client.get("/admin/core/configchange/").text
    assert "Nhật ký thay đổi cấu hình" in listing or "nhật ký thay đổi cấu hình" in listing


def test_a_channel_url_is_recorded_with_its_token_masked(leader_a):
    channel = channel_add(person=leader_a, url=TELEGRAM, label="Telegram")
    channel.url = "tgram://123456789:AAHanotherSecret/11111"
    channel.save()

    created, changed = entries_for(Channel)
    assert created.changes_dict["url"] == ["None", "tgram://…8765"]
    assert changed.changes_dict["url"] == ["tgram://…8765", "tgram://…1111"]
    stored = json.dumps([created.changes, changed.changes, created.changes_text])
    assert "secret" not in stored.lower() and "AAH" not in stored


def test_a_channel_added_from_the_console_is_recorded_as_the_console(leader_a, monkeypatch):
    from ungcuu.cli import main

    argv = ["ungcuu", "channel", "--skip-checks", "add", leader_a.username, TELEGRAM]
    monkeypatch.setattr(sys, "argv", argv)
    # A command closes every connection when it ends; the test's transaction must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main()

    (entry,) = entries_for(Channel)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None
    assert entry.additional_data["via"] == "cli"
    assert entry.changes_dict["url"][1] == "tgram://…8765"
    admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True)
    assert "Dòng lệnh trên máy chủ" in admin_client(admin).get("/audit/").text


def test_an_overwritten_catalog_records_only_what_changed(admin_user):
    printer = IncidentType.objects.get(code="printer-paper")
    shipped = printer.citizen_notice
    printer.citizen_notice = "Thông báo do quản trị viên sửa"
    printer.save()

    catalog_load(overwrite=True)

    last = entries_for(IncidentType)[-1]
    assert last.changes_dict == {"citizen_notice": ["Thông báo do quản trị viên sửa", shipped]}
    assert len(entries_for(IncidentType)) == 2  # the edit and its undoing, nothing else
    assert IncidentType.objects.get(code="printer-paper").steps.count() > 0
    from ungcuu.catalog.models import PlaybookStep

    assert entries_for(PlaybookStep) == []  # the shipped steps were already in place


def test_the_duty_roster_records_who_was_put_on_and_taken_off(leader_a):
    from datetime import date

    day = date(2026, 12, 7)
    duty_set(actor=leader_a, center=leader_a.center, day=day, people=[leader_a])
    duty_set(actor=leader_a, center=leader_a.center, day=day, people=[])

    actions = [e.action for e in entries_for(DutyShift)]
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert all(e.actor is None for e in entries_for(DutyShift))  # called outside a request
    assert not DutyShift.objects.exists()


# --- the data-size guard ----------------------------------------------------------------------


def test_only_configuration_is_audited():
    names = {m._meta.label for m in audited_models()}
    for label in names:
        assert auditlog.contains(next(m for m in audited_models() if m._meta.label == label))
    high_volume = {
        "incidents.Incident",
        "incidents.IncidentEvent",
        "notify.Delivery",
        "notify.EscalationRun",
        "continuity.PaperIntake",
    }
    assert not names & high_volume
    assert not any(label.startswith("readiness.") for label in names)


def test_reporting_an_incident_touches_no_audited_row(staff_a):
    saved = []

    def spy(sender, **kwargs):
        saved.append(sender)

    for model in audited_models():
        pre_save.connect(spy, sender=model, dispatch_uid=f"spy-{model._meta.label}")
    try:
        before = LogEntry.objects.count()
        response = api_client(staff_a).post(
            "/api/v1/incidents",
            {"client_uuid": str(uuid.uuid4()), "type": "printer-paper"},
            content_type="application/json",
        )
    finally:
        for model in audited_models():
            pre_save.disconnect(sender=model, dispatch_uid=f"spy-{model._meta.label}")

    assert response.status_code == 201, response.text
    assert saved == []
    assert LogEntry.objects.count() == before


# --- who reads it -----------------------------------------------------------------------------


def test_a_province_sees_its_own_centers_and_the_shared_rows_only(
    province_user, center_a, center_c, staff_c
):
    for center in (center_a, center_c):
        policy = policy_for(center)
        policy.simple_ack_minutes = 25
        policy.save()
    staff_c.role = Role.IT_OFFICER
    staff_c.save()
    national = Organisation.objects.create(name="Cục Chuyển đổi số", kind=OrganisationKind.OTHER)
    national.hotline = "1900 0000"
    national.save()

    page = logged_in(province_user).get("/audit/").text

    assert 'href="/audit/"' in page  # in the menu
    assert "Quy tắc báo tin — TTPVHCC xã Bạch Ngọc" in page
    assert "Cục Chuyển đổi số" in page
    assert "Đồng Phúc" not in page and staff_c.display_name not in page
    # A created center lists its own values, not its reverse relations.
    assert "Trung tâm — TTPVHCC xã Bạch Ngọc" in page and ".None" not in page


def test_a_person_moved_away_stays_in_the_log_of_the_province_they_left(
    province_user, staff_a, center_c
):
    staff_a.center = center_c
    staff_a.save()

    page = logged_in(province_user).get("/audit/").text

    assert "TTPVHCC xã Bạch Ngọc → TTPVHCC xã Đồng Phúc" in page


def test_the_province_narrows_the_log_by_center_and_by_kind(province_user, center_a, center_b):
    for center in (center_a, center_b):
        policy = policy_for(center)
        policy.prolonged_minutes = 60
        policy.save()
    client = logged_in(province_user)

    by_center = client.get("/audit/", {"center": center_b.code}).text
    assert "TTPVHCC xã Tân Kỳ" in by_center and "Bạch Ngọc" not in by_center.split("<ul")[-1]

    by_kind = client.get("/audit/", {"kind": "channel"}).text
    assert "Quy tắc báo tin —" not in by_kind

    # A value that is not offered means "all", never an error.
    assert client.get("/audit/", {"center": "khong-co", "kind": "x" * 500}).status_code == 200
    assert client.get("/audit/", {"center": "\x00", "page": "1e30"}).status_code < 500


def test_a_center_leader_sees_only_the_own_center(director_a, center_b):
    for center in (director_a.center, center_b):
        policy = policy_for(center)
        policy.complex_ack_minutes = 7
        policy.save()

    page = logged_in(director_a).get("/audit/").text

    assert "TTPVHCC xã Bạch Ngọc" in page
    assert "Tân Kỳ" not in page


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "vendor_user", "staff_c"])
def test_other_roles_get_404(db, who, request):
    user = request.getfixturevalue(who)
    client = logged_in(user)
    assert client.get("/audit/").status_code == 404
    assert 'href="/audit/"' not in client.get("/").text


def test_a_visitor_is_sent_to_sign_in(db):
    response = Client().get("/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]
