"""Two-step sign-in: after the password, a 6-digit code from an authenticator app.

Who must use it: the admin always; province users, center leaders and team leaders when
their province or center turns it on. Anyone else who set up a phone of their own accord
is asked for a code too (the login marks the session as pending).
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ungcuu.org.models import Role, User

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Ứng dụng xác thực"
BACKUP_DEVICE_NAME = "Mã dự phòng"
# Set at the password step for someone who is not required to use a second step but
# set one up anyway: until the code is given, they are treated like those required.
PENDING_SESSION_KEY = "two_step_pending"
CENTER_ROLES_WITH_SWITCH = frozenset({Role.CENTER_LEADER, Role.TEAM_LEADER})

_SIX_DIGITS = re.compile(r"\d{6}")


def two_step_required(user: User) -> bool:
    """Whether the rules (not the person's own choice) require a second step."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role == Role.PROVINCE:
        return bool(user.province_id and user.province.require_two_step)
    if user.role in CENTER_ROLES_WITH_SWITCH:
        return bool(user.center_id and user.center.require_two_step)
    return False


def two_step_needed(request) -> bool:
    """Whether this session must still pass the second step before going anywhere."""
    user = request.user
    if not user.is_authenticated or user_is_verified(user):
        return False
    return bool(request.session.get(PENDING_SESSION_KEY)) or two_step_required(user)


def user_is_verified(user) -> bool:
    # ``is_verified`` is installed by OTPMiddleware; a user object made elsewhere (a
    # fresh login() in the same request) has none and is not verified.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mark_pending_after_password(sender, request, user, **kwargs) -> None:
    """On login: someone who set up an app of their own accord owes a code too."""
    if request is None or not hasattr(request, "session"):
        return
    if not two_step_required(user) and has_app(user):
        request.session[PENDING_SESSION_KEY] = True


def enrolment_device(*, user: User) -> TOTPDevice:
    """The not-yet-confirmed app device being set up; the same one on each reload."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, to type into the app by hand."""
    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The setup address as an inline SVG QR code: no image request, no script."""
    qr = segno.make(device.config_url, error="m")
    # segno's own markup; the only text in it is the encoded address, as modules.
    return mark_safe(qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", omitsize=True))


def clean_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw or "").lower()


@dataclass(frozen=True)
class Check:
    ok: bool
    wait_seconds: int = 0
    backup_left: int | None = None


def _wait_for(device) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


def enrolment_confirm(*, request, device: TOTPDevice, code: str) -> Check:
    """Confirm a new app with its first code; the old app (if any) stops working."""
    code = clean_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        wait = _wait_for(device)
        if wait:
            return Check(ok=False, wait_seconds=wait)
        if not (_SIX_DIGITS.fullmatch(code) and device.verify_token(code)):
            _count_failure(request)
            return Check(ok=False)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    _passed(request, device)
    return Check(ok=True)


def code_check(*, request, code: str) -> Check:
    """The second step: a 6-digit app code, or one of the printed backup codes."""
    user = request.user
    code = clean_code(code)
    is_app_code = bool(_SIX_DIGITS.fullmatch(code))
    model = TOTPDevice if is_app_code else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
        )
        if devices and all(_wait_for(d) for d in devices):
            return Check(ok=False, wait_seconds=min(_wait_for(d) for d in devices))
        matched = next((d for d in devices if code and d.verify_token(code)), None)
    if matched is None:
        _count_failure(request)
        return Check(ok=False)
    _passed(request, matched)
    left = None
    if isinstance(matched, StaticDevice):
        left = StaticToken.objects.filter(device=matched).count()
    return Check(ok=True, backup_left=left)


def _passed(request, device) -> None:
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    # More is allowed now than before: a new session key, as at the password step.
    request.session.cycle_key()


def _count_failure(request) -> None:
    # A wrong code counts as a failed login for the lockout (django-axes), like a wrong
    # password; the device's own throttle doubles the wait after each wrong code and is
    # not reset by signing in with the password again.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )


def backup_codes_issue(*, user: User) -> list[str]:
    """Ten new one-time backup codes; the earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes(user: User) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


def two_step_reset(*, user: User) -> int:
    """Remove every app and backup code of the person (a lost phone): they enrol again."""
    removed = 0
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
    return removed


def two_step_status(user: User) -> dict:
    return {
        "required": two_step_required(user),
        "app": has_app(user),
        "backup_left": len(backup_codes(user)),
    }
