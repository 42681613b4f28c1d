"""The center's leaders set how long to wait before the next level is told."""

from __future__ import annotations

import pytest
from django.test import Client

from ungcuu.core.testing import logged_in
from ungcuu.notify.models import RoutingPolicy
from ungcuu.notify.services import channel_add


def policy_for(center) -> RoutingPolicy:
    return RoutingPolicy.objects.get(center=center)


pytestmark = pytest.mark.django_db


def test_the_team_leader_changes_the_waiting_times(leader_a):
    client = logged_in(leader_a)

    response = client.post(
        "/policy/",
        {"simple_ack_minutes": "20", "complex_ack_minutes": "3", "prolonged_minutes": "45"},
    )

    policy = policy_for(leader_a.center)
    assert response.status_code == 302
    assert (policy.simple_ack_minutes, policy.complex_ack_minutes) == (20, 3)
    assert policy.prolonged_minutes == 45 and policy.sms_for_complex is False


def test_bad_minutes_are_refused_in_vietnamese_and_change_nothing(director_a):
    response = logged_in(director_a).post(
        "/policy/",
        {"simple_ack_minutes": "0", "complex_ack_minutes": "năm", "prolonged_minutes": "30"},
    )

    policy = policy_for(director_a.center)
    assert response.status_code == 400
    assert "Số phút phải từ 1 đến 240." in response.text
    assert "Vui lòng nhập số phút." in response.text
    assert (policy.simple_ack_minutes, policy.complex_ack_minutes) == (15, 5)


def test_the_page_shows_who_cannot_be_reached(leader_a, director_a):
    channel_add(person=leader_a, url="json://127.0.0.1:9/hook")

    page = logged_in(leader_a).get("/policy/").text

    assert "chưa có kênh nhận tin" in page  # the center leader has none
    assert leader_a.display_name in page and director_a.display_name in page


def test_only_the_centers_leaders_may_open_it(staff_a, province_user):
    assert logged_in(staff_a).get("/policy/").status_code == 404
    assert logged_in(province_user).get("/policy/").status_code == 404
    response = Client().get("/policy/")
    assert response.status_code == 302 and "/login" in response.url
