"""Two-step sign-in: who needs it, setting up the app, codes, backup codes, lockout, reset."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ungcuu.core.testing import api_client, make_user
from ungcuu.org.models import Role, User
from ungcuu.org.two_step import backup_codes_issue, two_step_required

PASSWORD = "mat-khau-thu-nghiem"  # what make_user gives everyone


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the phone shows now (or ``steps_ahead`` periods later)."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - steps_ahead * device.step,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    # Not the code of this, the previous or the next period (the allowed tolerance).
    near = {code_for(device, k) for k in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in near)


def phone_of(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def sign_in(client: Client, user, next_url: str = ""):
    """The password step, then every redirect followed, as a browser would."""
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, follow=True)


def let_time_pass(device) -> None:
    """As if the wait after the last wrong code were over (the count of failures stays)."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(days=30)
    )


@pytest.fixture
def strict_center(center_a):
    center_a.require_two_step = True
    center_a.save()
    return center_a


# --- who needs it -----------------------------------------------------------------------


def test_the_admin_always_needs_it_even_with_every_switch_off(admin_user, center_a):
    plain_admin = make_user("quantri", Role.ADMIN)
    assert not center_a.require_two_step and not center_a.province.require_two_step

    assert two_step_required(admin_user)
    assert two_step_required(plain_admin)


def test_center_leaders_need_it_only_when_their_center_turns_it_on(
    center_a, center_b, leader_a, director_a, staff_a
):
    leader_b = make_user("b.leader", Role.TEAM_LEADER, center=center_b)
    it_a = make_user("a.it", Role.IT_OFFICER, center=center_a)
    assert not any(two_step_required(u) for u in (leader_a, director_a, staff_a, leader_b))

    center_a.require_two_step = True
    center_a.save()
    leader_a.refresh_from_db()
    director_a.refresh_from_db()

    assert two_step_required(leader_a)
    assert two_step_required(director_a)
    assert not two_step_required(staff_a)
    assert not two_step_required(it_a)
    assert not two_step_required(leader_b)  # another center of the same province


def test_province_users_need_it_when_their_province_turns_it_on(
    center_a, center_c, province_user, leader_a
):
    other_province = make_user("thainguyen.province", Role.PROVINCE, province=center_c.province)
    assert not two_step_required(province_user)

    province = center_a.province
    province.require_two_step = True
    province.save()
    province_user.refresh_from_db()
    leader_a.refresh_from_db()

    assert two_step_required(province_user)
    assert not two_step_required(other_province)
    # Center roles follow their center's switch, not the province's.
    assert not two_step_required(leader_a)


def test_staff_of_a_strict_center_sign_in_with_the_password_alone(strict_center, staff_a):
    client = Client()

    response = sign_in(client, staff_a)

    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert client.get("/logbook/").status_code == 200


# --- setting up the app ---------------------------------------------------------------


def test_the_admin_sets_up_the_app_at_first_sign_in_with_a_real_code(admin_user):
    client = Client()

    page = sign_in(client, admin_user)

    assert page.redirect_chain[-1][0].startswith("/two-step/setup/")
    html = page.content.decode()
    assert "Cài đặt đăng nhập hai bước" in html
    assert "Google Authenticator" in html
    assert "<svg" in html  # the QR code, inline: no image from elsewhere, no script
    assert "<script>" not in html.split("</head>")[1]
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    shown = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert b32decode(shown.replace(" ", "")) == device.bin_key

    done = client.post("/two-step/setup/", {"code": code_for(device), "next": "/"}, follow=True)

    assert done.redirect_chain[0][0].startswith("/two-step/backup-codes/")
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert "Đã cài đặt xong đăng nhập hai bước." in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200
    printed = client.get("/two-step/backup-codes/print/").content.decode()
    assert all(code in printed for code in codes)


def test_a_wrong_first_code_does_not_finish_the_set_up(admin_user):
    client = Client()
    sign_in(client, admin_user)
    device = TOTPDevice.objects.get(user=admin_user)

    response = client.post("/two-step/setup/", {"code": wrong_code(device)})

    assert response.status_code == 400
    assert "Mã chưa đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"].startswith("/two-step/")


def test_a_password_alone_cannot_replace_the_owners_phone(strict_center, leader_a):
    phone_of(leader_a)
    client = Client()
    sign_in(client, leader_a)

    response = client.get("/two-step/setup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/two-step/?")
    assert TOTPDevice.objects.filter(user=leader_a).count() == 1


# --- signing in with a code -------------------------------------------------------------


def test_a_team_leader_of_a_strict_center_signs_in_with_the_code(strict_center, leader_a):
    device = phone_of(leader_a)
    client = Client()

    page = sign_in(client, leader_a, next_url="/logbook/")

    assert page.redirect_chain[-1][0] == "/two-step/?next=%2Flogbook%2F"
    assert "Nhập mã 6 số trên ứng dụng xác thực" in page.content.decode()
    half_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/two-step/", {"code": code_for(device), "next": "/logbook/"})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != half_session
    assert response.status_code == 302
    assert response["Location"] == "/logbook/"
    assert client.get("/logbook/").status_code == 200


def test_a_wrong_code_is_refused_counted_and_slows_the_next_try(strict_center, leader_a):
    device = phone_of(leader_a)
    client = Client()
    sign_in(client, leader_a)

    response = client.post("/two-step/", {"code": wrong_code(device)})

    assert response.status_code == 400
    assert "Mã chưa đúng" in response.content.decode()
    assert AccessAttempt.objects.get(username=leader_a.username).failures_since_start == 1
    # Straight away, even the right code waits: guessing a million codes takes forever.
    too_soon = client.post("/two-step/", {"code": code_for(device)})
    assert too_soon.status_code == 400
    assert "Vui lòng đợi" in too_soon.content.decode()
    assert client.get("/")["Location"].startswith("/two-step/")


def test_wrong_codes_up_to_the_limit_lock_the_account(strict_center, leader_a, admin_user):
    device = phone_of(leader_a)
    client = Client()
    sign_in(client, leader_a)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        let_time_pass(device)
        response = client.post("/two-step/", {"code": wrong_code(device)})

    assert response.status_code == 429
    assert "Tài khoản tạm khóa" in response.content.decode()
    assert client.get("/")["Location"].startswith("/login/")
    # The password alone no longer opens even the first step.
    again = client.post("/login/", {"username": leader_a.username, "password": PASSWORD})
    assert again.status_code == 429


def test_signing_in_again_with_the_password_does_not_reset_the_wait(strict_center, leader_a):
    device = phone_of(leader_a)
    client = Client()
    for _ in range(3):
        sign_in(client, leader_a)
        let_time_pass(device)
        client.post("/two-step/", {"code": wrong_code(device)})
        client.post("/logout/")

    sign_in(client, leader_a)
    response = client.post("/two-step/", {"code": code_for(device)})

    assert response.status_code == 400
    assert "Vui lòng đợi" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 3


def test_a_backup_code_works_once(strict_center, leader_a):
    phone_of(leader_a)
    codes = backup_codes_issue(user=leader_a)
    client = Client()
    sign_in(client, leader_a)

    # As typed from paper: capitals and a space are fine.
    typed = f"{codes[3][:4].upper()} {codes[3][4:].upper()}"
    response = client.post("/two-step/", {"code": typed, "next": "/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "còn 9 mã" in response.content.decode()
    assert StaticToken.objects.filter(device__user=leader_a).count() == 9
    other = Client()
    sign_in(other, leader_a)
    reused = other.post("/two-step/", {"code": codes[3]})
    assert reused.status_code == 400
    assert other.get("/")["Location"].startswith("/two-step/")


def test_new_backup_codes_replace_the_old_ones(admin_user):
    from ungcuu.core.testing import logged_in

    client = logged_in(admin_user)
    old = backup_codes_issue(user=admin_user)

    client.post("/two-step/backup-codes/")

    new = list(StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=admin_user).count() == 1


# --- nothing opens before the second step -----------------------------------------------


@pytest.mark.parametrize("path", ["/", "/logbook/", "/admin/", "/duty/", "/reports/"])
def test_before_the_code_no_page_opens(strict_center, director_a, path):
    phone_of(director_a)
    client = Client()
    client.force_login(director_a)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/two-step/?next=")


def test_before_the_code_the_api_answers_401_in_json_but_tokens_still_work(
    strict_center, director_a
):
    client = Client()
    client.force_login(director_a)

    response = client.get("/api/v1/incidents")

    assert response.status_code == 401
    assert "hai bước" in response.json()["detail"]
    assert api_client(director_a).get("/api/v1/incidents").status_code == 200
    # A wrong token does not fall back on the half-finished session.
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer sai"
    assert client.get("/api/v1/incidents").status_code == 401


def test_before_the_code_an_htmx_request_is_sent_to_the_code_page(strict_center, leader_a):
    client = Client()
    client.force_login(leader_a)

    response = client.get("/logbook/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith("/two-step/?next=")


def test_before_the_code_one_can_still_sign_out(strict_center, leader_a):
    client = Client()
    client.force_login(leader_a)

    client.post("/logout/")

    assert client.get("/")["Location"].startswith("/login/")


def test_the_key_and_the_backup_codes_are_never_kept_by_a_cache(admin_user):
    from ungcuu.core.pwa import worker_config

    client = Client()
    sign_in(client, admin_user)
    backup_codes_issue(user=admin_user)

    setup = client.get("/two-step/setup/")

    assert "no-store" in setup["Cache-Control"]
    assert "/two-step/" in worker_config()["never"]  # the offline page cache skips them


# --- of one's own accord ----------------------------------------------------------------


def test_staff_may_set_it_up_and_are_then_asked_for_the_code(staff_a):
    client = Client()
    sign_in(client, staff_a)
    client.get("/two-step/setup/")
    device = TOTPDevice.objects.get(user=staff_a)
    client.post("/two-step/setup/", {"code": code_for(device)})
    client.post("/logout/")

    page = sign_in(client, staff_a)

    assert page.redirect_chain[-1][0].startswith("/two-step/")
    assert client.get("/")["Location"].startswith("/two-step/")


def test_signing_in_through_the_admin_login_page_still_asks_for_the_code(staff_a):
    staff_a.is_staff = True
    staff_a.save()
    phone_of(staff_a)
    client = Client()

    client.post("/admin/login/", {"username": staff_a.username, "password": PASSWORD})

    assert client.get("/admin/")["Location"].startswith("/two-step/?next=%2Fadmin%2F")
    assert client.get("/")["Location"].startswith("/two-step/")


# --- ungcuu otp -------------------------------------------------------------------------


def test_otp_reset_removes_the_app_and_backup_codes_so_the_person_sets_up_again(
    strict_center, leader_a
):
    phone_of(leader_a)
    backup_codes_issue(user=leader_a)
    out = StringIO()

    call_command("otp", "reset", leader_a.username, stdout=out)

    assert "Đã xóa ứng dụng xác thực và mã dự phòng của “a.leader”" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=leader_a).exists()
    assert not StaticDevice.objects.filter(user=leader_a).exists()
    page = sign_in(Client(), leader_a)
    assert page.redirect_chain[-1][0].startswith("/two-step/setup/")


def test_otp_status_and_an_unknown_name(strict_center, leader_a):
    phone_of(leader_a)
    backup_codes_issue(user=leader_a)
    out = StringIO()

    call_command("otp", "status", leader_a.username, stdout=out)

    assert out.getvalue().strip() == (
        "Bắt buộc: có. Ứng dụng xác thực: đã cài. Mã dự phòng còn: 10."
    )
    with pytest.raises(CommandError, match="Không có người dùng “ai.do”"):
        call_command("otp", "reset", "ai.do")


# --- the demo ---------------------------------------------------------------------------


def test_the_demo_asks_only_the_admin_for_a_second_step_and_says_so(db):
    from ungcuu.core.demo import ADMIN_LOGIN, DEMO_LOGINS, DEMO_PASSWORD

    out = StringIO()
    call_command("demo", months=0, stdout=out)

    assert f"Tài khoản {ADMIN_LOGIN} luôn phải đăng nhập hai bước" in out.getvalue()
    needing = {
        u.username for u in User.objects.filter(username__in=DEMO_LOGINS) if two_step_required(u)
    }
    assert needing == {ADMIN_LOGIN}
    for username, first_page in (("bachngoc.leader", "/"), (ADMIN_LOGIN, "/two-step/setup/?")):
        page = Client().post(
            "/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert page.redirect_chain[-1][0].startswith(first_page), username


# --- English ----------------------------------------------------------------------------


def test_the_code_page_speaks_english_when_chosen(strict_center, leader_a):
    phone_of(leader_a)
    client = Client()
    client.force_login(leader_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/two-step/").content.decode()

    assert "Enter the 6-digit code" in html
