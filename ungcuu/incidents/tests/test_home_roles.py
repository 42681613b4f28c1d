"""Each role's home shows its work first; the incident page offers what the incident needs."""

from __future__ import annotations

from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents.models import EventKind, Impact, Status
from ungcuu.incidents.services import incident_event, incident_report, incident_resolve
from ungcuu.org.models import Role


def _report(actor, incident_type, **extra):
    return incident_report(
        actor=actor, center=actor.center, incident_type=incident_type, **extra
    ).incident


def _close(incident, leader):
    incident_resolve(
        actor=leader, incident=incident, root_cause="Đứt cáp", on_site_reason="Nhà mạng nối lại"
    )
    incident_event(actor=leader, incident=incident, kind=EventKind.CLOSED, data={})


def _positions(html: str, *texts: str) -> list[int]:
    return [html.index(text) for text in texts]


def test_the_team_leader_sees_the_unacknowledged_complex_incident_before_older_simple_ones(
    staff_a, leader_a, printer_paper, internet
):
    printer = _report(staff_a, printer_paper, description="Máy in quầy 1")
    outage = _report(staff_a, internet, description="Mất mạng tầng 1")

    response = logged_in(leader_a).get("/")

    assert [i.pk for i in response.context["home"].incidents] == [outage.pk, printer.pk]
    html = response.content.decode()
    # Incidents come before the paper re-entry, readiness, duty and monthly panels.
    first, duty, month = _positions(html, "Mất mạng tầng 1", "Trực ứng cứu hôm nay", "Tháng này")
    assert first < duty < month
    assert html.count('name="back" value="home"') == 2  # one "Đã nhận tin" per card


def test_one_tap_on_home_acknowledges_and_comes_back_home(staff_a, leader_a, internet):
    outage = _report(staff_a, internet)

    response = logged_in(leader_a).post(
        f"/incidents/{outage.pk}/acknowledged/", {"back": "home"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert f"Đã nhận tin sự cố {outage.number}" in response.content.decode()
    outage.refresh_from_db()
    assert outage.status == Status.ACKNOWLEDGED


def test_staff_see_the_report_button_then_the_incidents_they_reported(
    staff_a, leader_a, printer_paper, internet
):
    other = make_user("a.staff2", Role.STAFF, center=staff_a.center)
    mine = _report(staff_a, printer_paper, description="Máy in của tôi")
    _report(other, internet, description="Mạng tầng 2")

    html = logged_in(staff_a).get("/").content.decode()

    button, heading, own, others = _positions(
        html,
        'class="btn btn-primary btn-big" href="/incidents/new/"',
        "Sự cố bạn đã báo, đang mở (1)",
        mine.number,
        "Sự cố khác của trung tâm (1)",
    )
    assert button < heading < own < others
    assert 'value="home"' not in html  # staff do not acknowledge


def test_the_center_leader_sees_the_live_state_and_what_waits_for_a_decision(
    staff_a, leader_a, director_a, printer_paper, internet
):
    outage = _report(staff_a, internet, impact=Impact.STOPPED, citizens_waiting=4)
    fixed = _report(staff_a, printer_paper)
    incident_resolve(actor=leader_a, incident=fixed, root_cause="Hết giấy")

    response = logged_in(director_a).get("/")

    home = response.context["home"]
    assert (home.live.open, home.live.intake_stopped, home.live.citizens_waiting) == (1, 1, 4)
    assert [i.pk for i in home.not_escalated] == [outage.pk]
    assert [i.pk for i in home.to_close] == [fixed.pk]
    html = response.content.decode()
    live, decide, month = _positions(html, "Tình hình hiện tại", "Cần quyết định", "Tháng này")
    assert live < decide < month
    assert "4 người dân đang chờ" in html


def test_the_commune_leader_is_not_asked_to_decide_what_only_the_center_may(
    staff_a, leader_a, internet
):
    reader = make_user("a.commune", Role.COMMUNE_LEADER, center=staff_a.center)
    _report(staff_a, internet)

    home = logged_in(reader).get("/").context["home"]

    assert home.live.open == 1
    assert home.not_escalated == [] and home.to_close == []
    assert not any(i.may_acknowledge for i in home.incidents)


def test_a_printer_out_of_paper_without_impact_offers_no_paper_intake(staff_a, printer_paper):
    printer = _report(staff_a, printer_paper, impact=Impact.NONE)

    html = logged_in(staff_a).get(f"/incidents/{printer.pk}/").content.decode()

    assert "Tiếp nhận hồ sơ bằng giấy" not in html
    assert "Thông báo loa, Zalo, Facebook" not in html
    assert "Phục vụ người dân trong khi chờ" not in html
    # The next step and the checklist come first.
    assert html.index('id="next-step"') < html.index('id="playbook"') < html.index("Phát sinh")


def test_an_outage_that_stops_intake_offers_paper_intake_first_and_the_announcements(
    staff_a, internet
):
    outage = _report(staff_a, internet, impact=Impact.STOPPED)

    html = logged_in(staff_a).get(f"/incidents/{outage.pk}/").content.decode()

    assert 'class="btn btn-primary" href="/paper/new/?incident=' in html
    assert f'href="/announce/{outage.pk}/"' in html


def test_a_closed_incident_shows_its_record_and_announces_the_return_to_normal(
    staff_a, leader_a, internet
):
    outage = _report(staff_a, internet, impact=Impact.STOPPED)
    _close(outage, leader_a)

    html = logged_in(staff_a).get(f"/incidents/{outage.pk}/").content.decode()
    announce = logged_in(staff_a).get(f"/announce/{outage.pk}/").content.decode()

    assert "Hồ sơ sự cố" in html and "Đứt cáp" in html
    assert "Phục vụ người dân trong khi chờ" not in html
    assert "Tiếp nhận hồ sơ bằng giấy" not in html
    assert 'id="next-step"' not in html
    assert "đang gặp sự cố" not in announce
    assert "hoạt động bình thường trở lại" in announce


def test_the_outsider_cannot_acknowledge_from_home(staff_a, staff_b, internet):
    outage = _report(staff_a, internet)

    response = logged_in(staff_b).post(f"/incidents/{outage.pk}/acknowledged/", {"back": "home"})

    assert response.status_code == 404
    outage.refresh_from_db()
    assert outage.status == Status.REPORTED
