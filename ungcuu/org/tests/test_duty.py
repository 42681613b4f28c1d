from __future__ import annotations

from django.utils import timezone

from ungcuu.core.testing import logged_in, make_user
from ungcuu.org.models import DutyShift, Role


def test_the_team_leader_puts_a_responder_on_duty_and_the_home_page_shows_it(leader_a, center_a):
    responder = make_user("a.responder", Role.RESPONDER, center=center_a, phone="0912 345 678")
    client = logged_in(leader_a)
    page = client.get("/duty/")
    assert page.status_code == 200
    day = page.context["rows"][0]["day"]

    response = client.post("/duty/", {f"d-{day.isoformat()}": ["a.responder"]})

    assert response.status_code == 302
    assert list(
        DutyShift.objects.filter(center=center_a, date=day).values_list(
            "person__username", flat=True
        )
    ) == ["a.responder"]
    if day == timezone.localdate():
        home = client.get("/").content.decode()
        assert responder.display_name in home


def test_staff_see_the_roster_but_cannot_change_it(staff_a, leader_a, center_a):
    make_user("a.responder", Role.RESPONDER, center=center_a)
    client = logged_in(staff_a)
    day = client.get("/duty/").context["rows"][0]["day"]

    client.post("/duty/", {f"d-{day.isoformat()}": ["a.responder"]})

    assert not DutyShift.objects.exists()


def test_a_person_of_another_center_cannot_be_put_on_duty(leader_a, staff_b, center_b):
    other = make_user("b.responder", Role.RESPONDER, center=center_b)
    client = logged_in(leader_a)
    day = client.get("/duty/").context["rows"][0]["day"]

    client.post("/duty/", {f"d-{day.isoformat()}": [other.username]})

    assert not DutyShift.objects.exists()


def test_people_without_a_center_get_404_on_center_pages(province_user):
    client = logged_in(province_user)
    assert client.get("/duty/").status_code == 404
    assert client.get("/contacts/").status_code == 404
