"""Who is calling: a bearer token or the browser session, nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from ungcuu.api.tests.helpers import INCIDENTS, is_vietnamese, report, report_body
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.models import Incident
from ungcuu.org.models import ApiToken
from ungcuu.org.services import token_issue

PROTECTED = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/centers"),
    ("GET", "/api/v1/catalog"),
    ("GET", INCIDENTS + "/{id}"),
    ("POST", INCIDENTS),
    ("POST", INCIDENTS + "/{id}/events"),
    ("POST", INCIDENTS + "/{id}/ack"),
]


def _call(client: Client, method: str, path: str, incident_id: int):
    url = path.format(id=incident_id)
    if method == "GET":
        return client.get(url)
    return client.post(url, report_body(), content_type="application/json")


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_credentials_answer_401_in_vietnamese(staff_a, method, path):
    incident = report(staff_a, staff_a.center)

    response = _call(Client(), method, path, incident.pk)

    assert response.status_code == 401
    assert is_vietnamese(response.json()["detail"])
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_wrong_bearer_token_answers_401(staff_a, method, path):
    incident = report(staff_a, staff_a.center)
    token_issue(user=staff_a)

    response = _call(Client(HTTP_AUTHORIZATION="Bearer uc_sai"), method, path, incident.pk)

    assert response.status_code == 401
    assert Incident.objects.count() == 1


def test_a_token_in_another_scheme_is_not_accepted(staff_a):
    token = token_issue(user=staff_a)

    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me")

    assert response.status_code == 401


def test_a_deactivated_users_token_answers_401(staff_a):
    client = api_client(staff_a)
    assert client.get("/api/v1/me").status_code == 200

    staff_a.is_active = False
    staff_a.save()

    assert client.get("/api/v1/me").status_code == 401
    response = client.post(INCIDENTS, report_body(), content_type="application/json")
    assert response.status_code == 401
    assert Incident.objects.count() == 0


def test_a_deleted_token_answers_401(staff_a):
    client = api_client(staff_a)
    ApiToken.objects.filter(user=staff_a).delete()

    assert client.get("/api/v1/me").status_code == 401


def test_a_token_speaks_for_its_own_user(staff_a, leader_a):
    assert api_client(staff_a).get("/api/v1/me").json()["username"] == "a.staff"
    assert api_client(leader_a).get("/api/v1/me").json()["username"] == "a.leader"


def test_using_a_token_records_when_it_was_last_used(staff_a):
    client = api_client(staff_a)
    assert ApiToken.objects.get(user=staff_a).last_used_at is None

    client.get("/api/v1/me")

    assert ApiToken.objects.get(user=staff_a).last_used_at is not None


def test_a_used_token_is_not_written_again_within_the_hour(staff_a):
    token = token_issue(user=staff_a)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/me")
    first = ApiToken.objects.get(user=staff_a).last_used_at

    client.get("/api/v1/me")

    # The token, its user and the user's center come in one statement, with the times
    # in the database's own form turned into aware times (the hour's check compares).
    assert ApiToken.objects.get(user=staff_a).last_used_at == first
    assert first.tzinfo is not None


@pytest.mark.django_db  # the users are picked by name: ordered with the database tests
@pytest.mark.parametrize("who", ["staff_a", "province_user", "admin_user"])
def test_the_token_speaks_for_its_user_with_or_without_a_center(request, who):
    user = request.getfixturevalue(who)
    token = token_issue(user=user)

    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me")

    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert me.json()["center"] == (user.center.code if user.center_id else None)


def test_the_browser_session_reads_the_api(staff_a):
    incident = report(staff_a, staff_a.center)
    client = logged_in(staff_a)

    me = client.get("/api/v1/me")
    detail = client.get(f"{INCIDENTS}/{incident.pk}")

    assert me.status_code == 200
    assert me.json()["username"] == "a.staff"
    assert detail.status_code == 200
    assert detail.json()["number"] == incident.number


def _browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_post_without_the_csrf_token_is_refused(staff_a):
    client = _browser(staff_a)

    response = client.post(INCIDENTS, report_body(), content_type="application/json")

    assert response.status_code == 403
    assert Incident.objects.count() == 0


def test_a_session_post_with_the_csrf_token_is_accepted(staff_a):
    client = _browser(staff_a)
    client.get("/")  # the page sets the CSRF cookie, as in a browser
    token = client.cookies["csrftoken"].value

    response = client.post(
        INCIDENTS, report_body(), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 201
    assert Incident.objects.count() == 1


def test_a_bearer_token_needs_no_csrf_token(staff_a):
    client = Client(
        enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_issue(user=staff_a)}"
    )

    response = client.post(INCIDENTS, report_body(), content_type="application/json")

    assert response.status_code == 201


def test_a_tool_posting_with_a_revoked_token_is_told_it_is_unauthenticated(staff_a):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer uc_da-thu-hoi")

    response = client.post(INCIDENTS, report_body(), content_type="application/json")

    assert response.status_code == 401
    assert is_vietnamese(response.json()["detail"])


def test_the_csrf_refusal_is_explained_in_vietnamese(staff_a):
    response = _browser(staff_a).post(INCIDENTS, report_body(), content_type="application/json")

    assert is_vietnamese(response.json()["detail"])
