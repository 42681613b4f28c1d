"""Headers and sessions: the Content-Security-Policy and Permissions-Policy on every
answer, the API docs behind a login, the lockout per account across addresses, the
wrong-token throttle, and the session end each signed-in page announces."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from ungcuu.catalog.models import IncidentType
from ungcuu.continuity.services import intake_create
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.services import incident_report
from ungcuu.org.services import token_issue

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
SESSION_ENDS = "X-UngCuu-Session-Ends-In"


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (piece.strip() for piece in header.split(";"))
        if part
    }


def _is_vietnamese(text: str) -> bool:
    return bool(re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text))


@pytest.fixture
def outage(staff_a):
    return incident_report(
        actor=staff_a,
        center=staff_a.center,
        incident_type=IncidentType.objects.get(code="internet"),
        description="Mất mạng toàn bộ Bộ phận Một cửa",
        impact="stopped",
    ).incident


@pytest.fixture
def intake(staff_a):
    return intake_create(
        actor=staff_a,
        center=staff_a.center,
        citizen_name="Nguyễn Thị Lan",
        citizen_id="040190001234",
        procedure="Đăng ký khai sinh",
        processing_days=3,
    ).intake


# --- Content-Security-Policy and Permissions-Policy -----------------------------------


def test_pages_allow_scripts_and_styles_only_from_the_app(staff_a):
    policy = _policy(logged_in(staff_a).get("/"))

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["worker-src"] == "'self'"
    assert policy["manifest-src"] == "'self'"
    every_source = " ".join(policy.values())
    assert "unsafe" not in every_source
    assert "http" not in every_source
    assert "*" not in every_source


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/login/"),
        (None, "/offline/"),
        (None, "/sw.js"),
        ("staff", "/incidents/new/"),
        ("staff", "/api/v1/me"),
        ("admin", "/admin/"),
        ("admin", "/api/v1/docs"),
        ("admin", "/api/v1/openapi.json"),
    ],
)
def test_every_answer_carries_both_policies(staff_a, admin_user, who, path):
    client = {"staff": logged_in(staff_a), "admin": logged_in(admin_user), None: Client()}[who]

    response = client.get(path)

    assert response.status_code == 200
    assert _policy(response)["script-src"] == "'self'"
    features = dict(
        part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_an_error_page_and_the_api_error_carry_the_policy_too(staff_a):
    client = logged_in(staff_a)

    assert _policy(client.get("/incidents/999999/"))["script-src"] == "'self'"
    assert _policy(Client().get("/api/v1/me"))["script-src"] == "'self'"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "style element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: link"),
]


def test_the_pages_have_no_inline_script_or_style(
    staff_a, leader_a, province_user, center_b, outage, intake
):
    """What the policy would block: none of it is in the pages a person opens."""
    staff = logged_in(staff_a)
    leader = logged_in(leader_a)
    province = logged_in(province_user)
    pages = {
        "/": staff,
        "/incidents/new/": staff,
        f"/incidents/{outage.pk}/": staff,
        "/logbook/": staff,
        "/paper/": staff,
        "/paper/new/": staff,
        f"/paper/{intake.pk}/slip/": staff,
        f"/paper/{intake.pk}/slip/?size=a5": staff,
        "/paper/blank-forms/": staff,
        "/board/bachngoc/": staff,
        "/guides/": staff,
        "/readiness/": leader,
        "/readiness/supplies/": leader,
        "/readiness/supplies/?center=bachngoc": province,
        "/duty/": leader,
        "/offline/": staff,
        "/login/": Client(),
    }
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for pattern, what in INLINE:
            found = pattern.search(html)
            context = found and html[found.start() : found.start() + 80]
            assert not found, f"{path}: {what}: {context}"
    # The center picker changes page by itself, from app.js rather than an onchange.
    picker = province.get("/readiness/supplies/?center=bachngoc").content.decode()
    assert "data-autosubmit" in picker


def test_the_500_page_needs_no_inline_style():
    from django.template.loader import get_template

    html = get_template("500.html").render({})

    assert "<style" not in html
    assert "/static/ungcuu/error.css" in html
    assert Client().get("/static/ungcuu/error.css").status_code == 200


def test_the_slip_prints_on_the_paper_size_asked_for(staff_a, intake):
    client = logged_in(staff_a)

    a4 = client.get(f"/paper/{intake.pk}/slip/").content.decode()
    a5 = client.get(f"/paper/{intake.pk}/slip/?size=a5").content.decode()

    assert "continuity/page-slip-a4.css" in a4
    assert "continuity/page-slip-a5.css" in a5
    for name, size in (("page-slip-a4.css", "A4"), ("page-slip-a5.css", "A5")):
        response = Client().get(f"/static/continuity/{name}")
        css = b"".join(response.streaming_content).decode()
        assert f"size: {size} portrait" in css


# --- The API docs need a login --------------------------------------------------------


def test_the_openapi_document_answers_401_in_vietnamese_to_no_one(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert _is_vietnamese(body["detail"])
    assert "paths" not in body


def test_the_docs_page_sends_no_one_to_the_login_page_and_back(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/api/v1/docs"


def test_the_docs_open_after_signing_in_through_the_form(staff_a):
    client = Client()
    response = client.post(
        "/login/?next=/api/v1/docs", {"username": "a.staff", "password": PASSWORD}
    )
    assert response["Location"] == "/api/v1/docs"

    page = client.get("/api/v1/docs")
    document = client.get("/api/v1/openapi.json")

    assert page.status_code == 200
    assert b"swagger-ui-init.js" in page.content
    assert document.status_code == 200
    assert "/api/v1/incidents" in document.json()["paths"]


def test_the_openapi_document_opens_with_a_token_and_not_with_a_wrong_one(staff_a):
    assert api_client(staff_a).get("/api/v1/openapi.json").status_code == 200
    wrong = Client(HTTP_AUTHORIZATION="Bearer uc_sai").get("/api/v1/openapi.json")
    assert wrong.status_code == 401


def test_a_deactivated_person_cannot_read_the_docs(staff_a):
    client = logged_in(staff_a)
    staff_a.is_active = False
    staff_a.save()

    assert client.get("/api/v1/openapi.json").status_code == 401


# --- Lockout per account, across addresses ---------------------------------------------


def _login(username: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def _spread_failures(username: str, total: int, first_address: int = 1) -> int:
    """Wrong passwords from as many addresses as needed, each below its own limit."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    sent = 0
    address = first_address - 1
    status = None
    while sent < total:
        address += 1
        for _ in range(min(per_address, total - sent)):
            status = _login(username, "sai-mat-khau", f"203.0.113.{address}").status_code
            sent += 1
            # Refused as a wrong password, until the very last one locks the account.
            assert status == 200 or (status == 429 and sent == total)
    return address + 1


def test_failures_at_one_address_do_not_lock_the_account_elsewhere(staff_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("a.staff", "sai-mat-khau", "203.0.113.7")

    assert _login("a.staff", PASSWORD, "203.0.113.7").status_code == 429
    assert _login("a.staff", PASSWORD, "198.51.100.20").status_code == 302


def test_guesses_shared_out_over_many_addresses_lock_the_account_everywhere(staff_a, leader_a):
    next_address = _spread_failures("a.staff", settings.LOCKOUT_ACCOUNT_FAILURES - 1)
    assert AccessAttempt.objects.filter(username="a.staff").values("ip_address").count() > 1
    # One short of the account's limit: the person still gets in, at their own desk.
    assert _login("a.staff", PASSWORD, "198.51.100.20").status_code == 302

    # Signing in there did not wipe the guesses made elsewhere: one more locks it.
    _spread_failures("a.staff", 1, first_address=next_address)
    response = _login("a.staff", PASSWORD, "198.51.100.21")

    assert response.status_code == 429
    assert "Tài khoản a.staff đã bị tạm khóa" in response.content.decode()
    # Only that account: a colleague at the same addresses signs in.
    assert _login("a.leader", PASSWORD, "203.0.113.1").status_code == 302


def test_the_account_opens_again_after_the_cool_off(staff_a):
    _spread_failures("a.staff", settings.LOCKOUT_ACCOUNT_FAILURES)
    assert _login("a.staff", PASSWORD, "198.51.100.20").status_code == 429

    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)

    assert _login("a.staff", PASSWORD, "198.51.100.20").status_code == 302


# --- Wrong API tokens -------------------------------------------------------------------


def _wrong_tokens(address: str, count: int) -> None:
    for number in range(count):
        response = Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer uc_sai{number}").get(
            "/api/v1/me"
        )
        assert response.status_code == 401


def test_many_wrong_tokens_from_one_address_answer_429_in_vietnamese(staff_a):
    token = token_issue(user=staff_a)
    _wrong_tokens("203.0.113.9", settings.TOKEN_FAILURES)

    refused = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {token}").get(
        "/api/v1/me"
    )
    elsewhere = Client(REMOTE_ADDR="198.51.100.30", HTTP_AUTHORIZATION=f"Bearer {token}").get(
        "/api/v1/me"
    )
    docs = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer uc_sai").get(
        "/api/v1/openapi.json"
    )

    # Even the right token: the address gets no more answers to guess from.
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert _is_vietnamese(refused.json()["detail"])
    assert "phút" in refused.json()["detail"]
    assert elsewhere.status_code == 200
    assert docs.status_code == 429


def test_wrong_tokens_counted_by_another_worker_block_the_address_within_a_second(
    staff_a, monkeypatch
):
    from django.core.cache import cache

    from ungcuu.api import security

    token = token_issue(user=staff_a)
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {token}")
    clock = [1000.0]
    monkeypatch.setattr(security.time, "monotonic", lambda: clock[0])
    assert client.get("/api/v1/me").status_code == 200

    # Another web worker process counted the address's wrong tokens to the limit: this
    # one sees it in the shared cache once its own "below the limit" note lapses.
    cache.set("ungcuu:wrong-token:203.0.113.9", settings.TOKEN_FAILURES, timeout=600)
    clock[0] += 1.5

    assert client.get("/api/v1/me").status_code == 429


def test_below_the_limit_a_right_token_still_works(staff_a):
    token = token_issue(user=staff_a)
    _wrong_tokens("203.0.113.9", settings.TOKEN_FAILURES - 1)

    response = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {token}").get(
        "/api/v1/me"
    )

    assert response.status_code == 200


def test_the_address_is_let_through_again_after_the_window(staff_a, settings):
    settings.TOKEN_BLOCK_SECONDS = 3
    token = token_issue(user=staff_a)
    _wrong_tokens("203.0.113.9", settings.TOKEN_FAILURES)
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").status_code == 429

    time.sleep(3.2)

    assert client.get("/api/v1/me").status_code == 200


def test_a_signed_in_browser_is_not_counted_as_a_wrong_token(staff_a):
    client = logged_in(staff_a)
    for _ in range(settings.TOKEN_FAILURES + 1):
        assert client.get("/api/v1/me").status_code == 200


# --- Session end, for the offline copies --------------------------------------------------


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_signed_in_page_says_how_long_its_session_has_left(staff_a):
    client = logged_in(staff_a)
    Session.objects.filter(pk=_session_key(client)).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )

    first = int(client.get("/").headers[SESSION_ENDS])
    again = int(client.get("/paper/").headers[SESSION_ENDS])

    # The session's own end, not a fresh twelve hours counted from each page.
    assert 590 <= first <= 600
    assert again <= first


def test_a_fresh_login_announces_the_whole_session(staff_a):
    client = Client()
    client.post("/login/", {"username": "a.staff", "password": PASSWORD})

    left = int(client.get("/").headers[SESSION_ENDS])

    assert settings.SESSION_COOKIE_AGE - 60 <= left <= settings.SESSION_COOKIE_AGE


def test_no_session_end_on_anonymous_pages_or_api_answers(staff_a):
    assert SESSION_ENDS not in Client().get("/login/").headers
    assert SESSION_ENDS not in logged_in(staff_a).get("/api/v1/me").headers
    assert SESSION_ENDS not in api_client(staff_a).get("/api/v1/me").headers


def test_the_worker_reads_the_same_header_the_pages_send():
    import json

    body = Client().get("/sw.js").content.decode()
    config = json.loads(re.search(r"^var CONFIG = (\{.*\});$", body, re.M).group(1))

    assert config["session_header"] == SESSION_ENDS
    assert "CONFIG.session_header" in body


def test_the_counters_live_where_every_web_worker_process_sees_them():
    from ungcuu import settings as configured

    cache = configured.CACHES["default"]
    if configured.REDIS_URL:
        assert cache["BACKEND"] == "ungcuu.core.cache.RedisCache"
        assert cache["LOCATION"] == configured.REDIS_URL
    else:
        # Not the per-process memory cache: a count in one worker would be unseen in the next.
        assert cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
        assert cache["LOCATION"] == str(configured.DATA_DIR / "cache")
