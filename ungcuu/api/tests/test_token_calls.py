"""A call with a token goes around the browser's middleware and keeps every guard that
concerns it; a browser's call, and the hub's sync, go the whole way."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from ungcuu.api.middleware import BROWSER_ONLY, is_token_call, token_call_middleware
from ungcuu.core.testing import api_client, logged_in
from ungcuu.org.services import token_issue

pytestmark = pytest.mark.django_db

HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Language",
)


def _report(client, description="Hết giấy in"):
    body = {"client_uuid": str(uuid.uuid4()), "type": "printer-paper", "description": description}
    return client.post("/api/v1/incidents", data=json.dumps(body), content_type="application/json")


def test_a_token_call_touches_no_session_and_carries_every_answers_headers(staff_a):
    by_token = api_client(staff_a).get("/api/v1/me")
    in_browser = logged_in(staff_a).get("/api/v1/me")

    assert by_token.status_code == in_browser.status_code == 200
    assert json.loads(by_token.content) == json.loads(in_browser.content)
    for header in HEADERS:
        assert by_token[header] == in_browser[header], header
    assert not by_token.cookies  # no session, no CSRF cookie
    assert "Cookie" not in by_token["Vary"]  # the answer does not depend on one
    assert "Cookie" in in_browser["Vary"]


def test_a_token_call_still_meets_the_input_boundary_and_answers_in_vietnamese(staff_a):
    client = api_client(staff_a)

    assert _report(client).status_code == 201  # a plain report goes through

    nul = _report(client, description="hết\x00giấy")
    assert nul.status_code == 400
    assert "description" in json.loads(nul.content)["errors"]

    wrong = Client(HTTP_AUTHORIZATION="Bearer uc_khong_dung").get("/api/v1/me")
    assert wrong.status_code == 401
    assert "mã truy cập" in json.loads(wrong.content)["detail"]


def test_a_browsers_call_keeps_the_csrf_check(staff_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_a)

    refused = _report(browser)

    assert refused.status_code == 403
    assert "CSRF" in json.loads(refused.content)["detail"]


def test_a_token_with_a_session_cookie_goes_the_whole_way(staff_a):
    browser = logged_in(staff_a)
    token = token_issue(user=staff_a)

    answer = browser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert answer.status_code == 200
    assert "Cookie" in answer["Vary"]


@pytest.mark.parametrize(
    "path, authorization, cookie, short",
    [
        ("/api/v1/incidents", "Bearer uc_x", None, True),
        ("/api/v1/incidents", "bearer uc_x", None, True),
        ("/api/v1/incidents", "Basic eDp5", None, False),
        ("/api/v1/incidents", "", None, False),
        ("/api/v1/incidents", "Bearer uc_x", settings.SESSION_COOKIE_NAME, False),
        ("/api/v1/sync/push", "Bearer node_x", None, False),  # may change audited rows
        ("/incidents/new/", "Bearer uc_x", None, False),
    ],
)
def test_which_requests_take_the_shorter_way(path, authorization, cookie, short):
    request = RequestFactory().post(path, HTTP_AUTHORIZATION=authorization)
    if cookie:
        request.COOKIES[cookie] = "abc"
    assert is_token_call(request) is short


def test_the_guards_of_every_answer_stay_on_the_shorter_way():
    kept = token_call_middleware()
    for guard in (
        "django.middleware.security.SecurityMiddleware",
        "ungcuu.core.boundary.InputBoundaryMiddleware",
        "csp.middleware.CSPMiddleware",
        "ungcuu.core.middleware.SecurityHeadersMiddleware",
    ):
        assert guard in kept
    assert not BROWSER_ONLY & set(kept)
