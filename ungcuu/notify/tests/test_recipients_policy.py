"""R2: who each level tells is the center's own choice, made on /policy/ by its leaders
(003 III.1 asks for the technical officer *and* the center leader at once), with the team
leader always told at once (004 B1); R41: a disaster reaches the Ban Chỉ đạo at once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.forms.models import model_to_dict

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in, make_user
from ungcuu.incidents import services as incident_services
from ungcuu.notify import services
from ungcuu.notify.models import Delivery, Level, RoutingPolicy
from ungcuu.notify.tests.helpers import report
from ungcuu.org.models import Role

pytestmark = pytest.mark.django_db

MINUTES = {"simple_ack_minutes": "15", "complex_ack_minutes": "5", "prolonged_minutes": "30"}
DEFAULT_ROLES = {
    "at_once_simple_roles": ["team_leader", "responder", "it_officer"],
    "at_once_complex_roles": ["team_leader", "responder", "it_officer", "center_leader"],
    "disaster_roles": ["center_leader", "commune_leader"],
    "no_ack_roles": ["center_leader"],
    "prolonged_roles": ["center_leader", "commune_leader"],
}


@pytest.fixture
def team(center_a, leader_a, director_a, responder_a, commune_leader_a):
    """The center's people each level may name, the IT officer among them."""
    return {"it": make_user("a.it", Role.IT_OFFICER, center=center_a)}


def form(**roles) -> dict:
    """What the policy page posts: the minutes, the marker of its checkboxes, the roles."""
    return {**MINUTES, "roles_form": "1", **DEFAULT_ROLES, **roles}


def told(incident, level=Level.AT_ONCE) -> set[str]:
    rows = Delivery.objects.filter(incident=incident, level=level, person__isnull=False)
    return {d.person.username for d in rows.select_related("person")}


def section(page: str, title: str) -> str:
    """The part of the "who each level reaches" list under one level's heading."""
    reach = page.split("Ai nhận tin ở mỗi bước", 1)[1]
    found = re.search(rf"<h3>{re.escape(title)}[^<]*</h3>(.*?)</section>", reach, re.S)
    assert found, title
    return found.group(1)


# --- the setting changes who is told ----------------------------------------------------------


def test_the_team_leader_chooses_who_hears_of_a_simple_incident_at_once(
    send, team, leader_a, staff_a, printer_paper
):
    response = logged_in(leader_a).post(
        "/policy/", form(at_once_simple_roles=["team_leader", "center_leader"])
    )
    assert response.status_code == 302

    incident = send(report, staff_a, printer_paper)

    # 003 III.1 read as this center reads it: the center leader at once, not today's duty.
    assert told(incident) == {"a.leader", "a.director"}


def test_the_defaults_are_what_the_center_had_before_it_chose(
    send, team, staff_a, printer_paper, internet
):
    simple = send(report, staff_a, printer_paper)
    complex_ = send(report, staff_a, internet)

    assert told(simple) == {"a.leader", "a.duty", "a.it"}
    assert told(complex_) >= {"a.leader", "a.duty", "a.it", "a.director"}
    assert "a.commune" not in told(complex_)


def test_a_center_that_wants_its_commune_leader_told_when_nobody_takes_a_report(
    send, team, director_a, staff_a, printer_paper
):
    logged_in(director_a).post("/policy/", form(no_ack_roles=["commune_leader"]))
    incident = send(report, staff_a, printer_paper)

    send(services.escalation_sweep, now=incident.reported_at + timedelta(minutes=15))

    assert told(incident, Level.NO_ACK) == {"a.commune"}


def test_a_center_may_leave_the_commune_out_of_a_prolonged_incident(
    send, team, leader_a, staff_a, internet
):
    logged_in(leader_a).post("/policy/", form(prolonged_roles=["center_leader", "team_leader"]))
    incident = send(report, staff_a, internet, started_at=None)
    incident_services.incident_acknowledge(actor=leader_a, incident=incident)

    send(services.escalation_sweep, now=incident.started_at + timedelta(minutes=30))

    assert told(incident, Level.PROLONGED) == {"a.director", "a.leader"}


def test_the_it_officer_is_still_not_called_out_for_a_flood_even_when_named(
    send, team, leader_a, staff_a, printer_paper
):
    """The policy names the IT officer for incidents; a disaster is not theirs (003 III.1)."""
    flood = IncidentType.objects.get(code="disaster")
    incident = send(report, staff_a, flood)

    assert "a.it" not in told(incident)


# --- R41: the Ban Chỉ đạo -------------------------------------------------------------------


def test_a_disaster_reaches_the_ban_chi_dao_the_commune_and_center_leaders_at_once(
    send, team, staff_a, internet
):
    flood = IncidentType.objects.get(code="disaster")

    incident = send(report, staff_a, flood)
    outage = send(report, staff_a, internet)

    assert {"a.commune", "a.director", "a.leader"} <= told(incident)
    assert "a.commune" not in told(outage)  # only a disaster calls the Ban Chỉ đạo


def test_the_center_names_its_own_ban_chi_dao(send, team, leader_a, staff_a):
    logged_in(leader_a).post("/policy/", form(disaster_roles=["commune_leader", "it_officer"]))

    incident = send(report, staff_a, IncidentType.objects.get(code="disaster"))

    assert {"a.commune", "a.it"} <= told(incident)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (
            {"at_once_simple_roles": ["responder", "it_officer"]},
            "Tổ trưởng Tổ ứng cứu luôn được báo ngay (phương án 004, bước 1)",
        ),
        (
            {"at_once_complex_roles": ["center_leader"]},
            "Tổ trưởng Tổ ứng cứu luôn được báo ngay (phương án 004, bước 1)",
        ),
        ({"no_ack_roles": ["province"]}, "Vai trò được chọn không có trong danh sách."),
        ({"prolonged_roles": ["admin", "center_leader"]}, "không có trong danh sách"),
        ({"disaster_roles": ["commune_leader\x00"]}, "ký tự không hợp lệ (NUL)"),
        ({"at_once_simple_roles": ["team_leader", "team\x00leader"]}, "ký tự không hợp lệ (NUL)"),
        ({"at_once_simple_roles": ["team_leader", "responder "]}, "không có trong danh sách"),
        ({"no_ack_roles": []}, "Chọn ít nhất một vai trò được báo ở bước này."),
    ],
)
def test_a_bad_choice_is_refused_in_vietnamese_and_changes_nothing(leader_a, roles, message):
    policy = services.policy_for(leader_a.center)
    before = model_to_dict(policy)

    # The minutes sent with it are valid: they are not saved either.
    response = logged_in(leader_a).post("/policy/", {**form(**roles), "simple_ack_minutes": "40"})

    assert response.status_code == 400
    assert message in response.text
    policy.refresh_from_db()
    assert model_to_dict(policy) == before


def test_the_refused_form_comes_back_as_it_was_sent(leader_a):
    response = logged_in(leader_a).post(
        "/policy/", form(at_once_simple_roles=["center_leader"], no_ack_roles=["commune_leader"])
    )

    page = response.text
    assert response.status_code == 400
    assert 'name="at_once_simple_roles" value="center_leader" checked' in page
    assert 'name="at_once_simple_roles" value="team_leader" checked' not in page
    assert 'name="no_ack_roles" value="commune_leader" checked' in page


def test_the_service_refuses_the_same_whoever_calls_it(leader_a):
    from ungcuu.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        services.policy_update(
            actor=leader_a,
            center=leader_a.center,
            data={
                **MINUTES,
                "at_once_complex_roles": ["it_officer"],
                "disaster_roles": ["commune_leader\x00"],
            },
        )

    assert refused.value.status == 400
    assert "Tổ trưởng" in refused.value.fields["at_once_complex_roles"]
    assert "không có trong danh sách" in refused.value.fields["disaster_roles"]


def test_the_admin_cannot_drop_the_team_leader_either(admin_user, center_a):
    policy = services.policy_for(center_a)
    data = {
        "center": center_a.pk,
        **MINUTES,
        "complex_outside": "at_once",
        "complex_outside_minutes": "15",
        **DEFAULT_ROLES,
        "at_once_simple_roles": ["responder"],
    }

    response = logged_in(admin_user).post(f"/admin/notify/routingpolicy/{policy.pk}/change/", data)

    assert response.status_code == 200
    assert "Tổ trưởng Tổ ứng cứu luôn được báo ngay" in response.text
    assert (
        RoutingPolicy.objects.get(pk=policy.pk).at_once_simple_roles
        == (DEFAULT_ROLES["at_once_simple_roles"])
    )


# --- the page ---------------------------------------------------------------------------------


def test_the_page_ticks_the_roles_and_lists_whom_each_level_reaches(team, leader_a):
    client = logged_in(leader_a)
    page = client.get("/policy/").text
    assert 'name="at_once_complex_roles" value="center_leader" checked' in page
    assert 'name="at_once_simple_roles" value="center_leader">' in page
    assert "A Commune" in section(page, "Báo ngay – thiên tai, bão lụt, hỏa hoạn: Ban Chỉ đạo")
    assert "A Commune" in section(page, "Sự cố kéo dài")

    client.post("/policy/", form(prolonged_roles=["team_leader"]))
    page = client.get("/policy/").text

    prolonged = section(page, "Sự cố kéo dài")
    assert "A Leader" in prolonged
    assert "A Commune" not in prolonged and "A Director" not in prolonged


def test_the_page_says_which_defaults_are_ungcuus_own(leader_a):
    page = logged_in(leader_a).get("/policy/").text

    assert "Mặc định của UngCuu, phương án không quy định." in page  # nobody took it
    assert "Phương án không nêu thành viên Ban Chỉ đạo" in page
    assert "Không báo ngay lãnh đạo Trung tâm là mặc định của UngCuu" in page
    assert "mặc định của UngCuu, phương án không quy định" in page  # the minutes
