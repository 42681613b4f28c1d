"""The pages a desk officer and a team leader use: report, playbook, resolve, home."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents import services
from ungcuu.incidents.models import EventKind, Incident, Status
from ungcuu.org.models import Role

TWELVE_CODES = [
    "printer-paper",
    "printer-ink",
    "login",
    "slow-system",
    "internet",
    "software-down",
    "national-db",
    "digital-cert",
    "power",
    "qms",
    "disaster",
    "other",
]


def report_post(**extra) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "incident_type": "printer-paper",
        "impact": "partial",
        "description": "Máy in quầy 2 kẹt giấy",
        "citizens_waiting": "4",
        "started_at": "",
        **extra,
    }


def report(actor, incident_type, **kwargs):
    kwargs.setdefault("started_at", timezone.now() - timedelta(hours=1))
    return services.incident_report(
        actor=actor, center=actor.center, incident_type=incident_type, **kwargs
    ).incident


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- reporting ----------------------------------------------------------------------------


def test_the_report_form_offers_the_twelve_types(staff_a):
    response = logged_in(staff_a).get("/incidents/new/")

    assert response.status_code == 200
    html = response.content.decode()
    for incident_type in IncidentType.objects.filter(code__in=TWELVE_CODES):
        assert escape(incident_type.name) in html
        assert f'value="{incident_type.code}"' in html
    assert IncidentType.objects.filter(code__in=TWELVE_CODES).count() == 12


def test_the_report_form_needs_a_login():
    response = Client().get("/incidents/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_reporting_opens_the_incident_with_its_playbook(staff_a, printer_paper):
    client = logged_in(staff_a)

    response = client.post("/incidents/new/", report_post())

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.center == staff_a.center
    assert incident.reporter == staff_a
    assert incident.incident_type == printer_paper
    assert incident.citizens_waiting == 4

    page = client.get(response["Location"])
    html = page.content.decode()
    assert f"Đã báo sự cố {incident.number}" in html
    assert escape(printer_paper.name) in html
    steps = list(printer_paper.steps.all())
    assert len(steps) >= 4
    for step in steps:
        assert escape(step.text) in html
    assert escape(printer_paper.citizen_notice) in html


def test_reporting_the_same_form_twice_creates_one_incident(staff_a, printer_paper):
    client = logged_in(staff_a)
    data = report_post()

    first = client.post("/incidents/new/", data)
    again = client.post("/incidents/new/", data)

    assert Incident.objects.count() == 1
    assert first["Location"] == again["Location"] == f"/incidents/{Incident.objects.get().pk}/"


def test_a_report_without_a_type_is_refused_in_vietnamese(staff_a):
    response = logged_in(staff_a).post("/incidents/new/", report_post(incident_type=""))

    assert response.status_code == 400
    assert "Vui lòng chọn loại sự cố." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_report_with_an_onset_in_the_future_is_refused(staff_a, printer_paper):
    ahead = local_input(timezone.now() + timedelta(hours=2))

    response = logged_in(staff_a).post("/incidents/new/", report_post(started_at=ahead))

    assert response.status_code == 400
    assert "Thời điểm không được ở tương lai." in response.content.decode()
    assert not Incident.objects.exists()


# --- the incident page --------------------------------------------------------------------


def test_another_center_cannot_open_the_incident(staff_a, staff_b, printer_paper):
    incident = report(staff_a, printer_paper)

    assert logged_in(staff_b).get(f"/incidents/{incident.pk}/").status_code == 404
    assert logged_in(staff_a).get(f"/incidents/{incident.pk}/").status_code == 200


def test_ticking_a_step_without_htmx_goes_back_to_the_incident(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)

    response = logged_in(staff_a).post(f"/incidents/{incident.pk}/step_done/", {"step": "2"})

    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/"
    incident.refresh_from_db()
    assert incident.steps_done == [2]
    assert incident.events.filter(kind=EventKind.STEP_DONE).count() == 1


def test_ticking_a_step_with_htmx_answers_with_the_playbook(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)
    step = printer_paper.steps.get(position=2)
    client = logged_in(staff_a)

    response = client.post(
        f"/incidents/{incident.pk}/step_done/", {"step": "2"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="playbook"')
    assert "<html" not in html
    total = printer_paper.steps.count()
    assert f"(1/{total})" in html
    done_button = (
        '<button class="step done" aria-pressed="true">'
        '<span class="box" aria-hidden="true">✓</span>'
        f'<span class="text">{escape(step.text)}</span>'
    )
    assert done_button in html
    assert html.count('aria-pressed="true"') == 1

    again = client.post(
        f"/incidents/{incident.pk}/step_done/", {"step": "2"}, headers={"HX-Request": "true"}
    )

    assert again.status_code == 200
    assert f"(1/{total})" in again.content.decode()
    assert incident.events.filter(kind=EventKind.STEP_DONE).count() == 1


def test_unticking_a_step_with_htmx(staff_a, printer_paper):
    incident = report(staff_a, printer_paper)
    services.incident_step(actor=staff_a, incident=incident, step=3)

    response = logged_in(staff_a).post(
        f"/incidents/{incident.pk}/step_undone/", {"step": "3"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert 'aria-pressed="true"' not in response.content.decode()
    incident.refresh_from_db()
    assert incident.steps_done == []


def test_another_center_cannot_tick_a_step(staff_a, staff_b, printer_paper):
    incident = report(staff_a, printer_paper)

    response = logged_in(staff_b).post(f"/incidents/{incident.pk}/step_done/", {"step": "1"})

    assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.steps_done == []


def test_a_refused_action_with_htmx_answers_with_its_status(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)
    services.incident_resolve(actor=leader_a, incident=incident, root_cause="Hết giấy")

    response = logged_in(staff_a).post(
        f"/incidents/{incident.pk}/step_done/", {"step": "1"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 409
    assert "đã khắc phục" in response.content.decode()


# --- resolving ----------------------------------------------------------------------------


def test_the_team_leader_resolves_from_the_page(staff_a, leader_a, printer_paper):
    onset = timezone.now() - timedelta(hours=2)
    incident = report(staff_a, printer_paper, started_at=onset)
    client = logged_in(leader_a)
    restored = onset + timedelta(minutes=45)

    form = client.get(f"/incidents/{incident.pk}/resolve/")
    assert form.status_code == 200
    assert "Xác nhận đã khắc phục" in form.content.decode()

    response = client.post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Khay giấy bị lệch",
            "resolution": "Lắp lại khay",
            "restored_at": local_input(restored),
            "citizens_affected": "6",
            "dossiers_delayed": "1",
        },
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(f"/incidents/{incident.pk}/", 302)]
    assert '<span class="badge st-resolved">Đã khắc phục</span>' in html
    assert f"Đã ghi nhận khắc phục sự cố {incident.number}" in html
    assert "Khay giấy bị lệch" in html
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert local_input(incident.restored_at) == local_input(restored)
    assert incident.citizens_affected == 6
    assert incident.resolved_at is not None


def test_resolving_without_a_root_cause_is_refused(staff_a, leader_a, printer_paper):
    incident = report(staff_a, printer_paper)

    response = logged_in(leader_a).post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "",
            "restored_at": local_input(timezone.now()),
            "citizens_affected": "0",
            "dossiers_delayed": "0",
        },
    )

    assert response.status_code == 400
    assert "Vui lòng ghi nguyên nhân." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED


def test_a_restore_time_before_the_onset_is_shown_as_a_field_error(
    staff_a, leader_a, printer_paper
):
    onset = timezone.now() - timedelta(hours=1)
    incident = report(staff_a, printer_paper, started_at=onset)

    response = logged_in(leader_a).post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Kẹt giấy",
            "restored_at": local_input(onset - timedelta(hours=1)),
            "citizens_affected": "0",
            "dossiers_delayed": "0",
        },
    )

    assert response.status_code == 400
    assert "sớm hơn lúc sự cố phát sinh" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED


def test_a_fix_within_the_minute_of_the_report_can_be_confirmed(staff_a, leader_a, printer_paper):
    # Reported at hh:mm:30 with no onset given, so the onset is hh:mm:30.
    minute = timezone.now().replace(second=0, microsecond=0)
    incident = report(staff_a, printer_paper, started_at=None, now=minute + timedelta(seconds=30))

    response = logged_in(leader_a).post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Hết giấy",
            "restored_at": local_input(minute),  # what the form offers in that minute
            "citizens_affected": "0",
            "dossiers_delayed": "0",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED


def test_a_staff_member_is_not_offered_the_resolve_form_of_an_incident_they_never_handled(
    staff_a, printer_paper
):
    # Their own simple incident they may fix on the spot (R12); a colleague's they never
    # touched they may not.
    colleague = make_user("a.colleague", Role.STAFF, center=staff_a.center)
    incident = report(colleague, printer_paper)
    client = logged_in(staff_a)

    response = client.post(
        f"/incidents/{incident.pk}/resolve/",
        {
            "root_cause": "Tự sửa",
            "restored_at": local_input(timezone.now()),
            "citizens_affected": "0",
            "dossiers_delayed": "0",
        },
        follow=True,
    )

    assert "Bạn không thể xác nhận khắc phục sự cố này." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED


def test_another_center_cannot_open_the_resolve_form(staff_a, printer_paper, center_b):
    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=center_b)
    incident = report(staff_a, printer_paper)

    assert logged_in(leader_b).get(f"/incidents/{incident.pk}/resolve/").status_code == 404


# --- home and login -----------------------------------------------------------------------


def test_home_lists_the_open_incidents_of_the_users_center_only(
    staff_a, leader_a, staff_b, printer_paper, internet
):
    open_here = report(staff_a, internet, description="Mất mạng tầng 1")
    resolved_here = report(staff_a, printer_paper)
    services.incident_resolve(actor=leader_a, incident=resolved_here, root_cause="Hết giấy")
    elsewhere = report(staff_b, printer_paper, description="Máy in Tân Kỳ")

    response = logged_in(staff_a).get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert open_here.number in html
    assert "Mất mạng tầng 1" in html
    assert resolved_here.number not in html
    assert elsewhere.number not in html
    assert "Máy in Tân Kỳ" not in html
    # A staff member's home lists first the incidents they reported.
    assert "Sự cố bạn đã báo, đang mở (1)" in html


def test_home_needs_a_login():
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_login_page_is_in_vietnamese(db):
    response = Client().get("/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html
    assert "Tên đăng nhập" in html
