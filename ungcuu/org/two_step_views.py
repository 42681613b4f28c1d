"""Pages of the second sign-in step: the code, setting up the app, the backup codes."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ungcuu.org import two_step
from ungcuu.org.views import locked_out


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _lock_response(request):
    """The lockout page, signed out, when wrong passwords or codes reached the limit."""
    username = request.user.get_username()
    if not AxesProxyHandler.is_locked(request, {"username": username}):
        return None
    logout(request)
    return locked_out(request, credentials={"username": username})


def _after_failure(request, check: two_step.Check):
    """The lockout page once wrong codes reach the limit, else the message to show."""
    if getattr(request, "axes_locked_out", False):
        username = request.user.get_username()
        logout(request)
        return locked_out(request, credentials={"username": username}), ""
    if check.wait_seconds:
        message = _("Bạn đã nhập sai nhiều lần. Vui lòng đợi %(n)d giây rồi thử lại.") % {
            "n": check.wait_seconds
        }
    else:
        message = _("Mã chưa đúng. Xem lại mã đang hiện trên ứng dụng rồi nhập lại.")
    return None, message


@never_cache
@login_required
def code(request):
    """The second step: the 6-digit code from the phone, or a printed backup code."""
    target = _next_url(request)
    if not two_step.two_step_needed(request):
        return redirect(target)
    if not two_step.has_app(request.user):
        return redirect(_with_next("two_step_enrol", target))
    locked = _lock_response(request)
    if locked:
        return locked
    error = ""
    if request.method == "POST":
        check = two_step.code_check(request=request, code=request.POST.get("code", ""))
        if check.ok:
            if check.backup_left is not None:
                messages.warning(
                    request,
                    _(
                        "Bạn vừa dùng một mã dự phòng; còn %(n)d mã. "
                        "Nếu đã mất điện thoại, hãy báo quản trị viên."
                    )
                    % {"n": check.backup_left},
                )
            return redirect(target)
        locked, error = _after_failure(request, check)
        if locked:
            return locked
    return render(
        request,
        "org/two_step.html",
        {"next": target, "error": error},
        status=400 if error else 200,
    )


@never_cache
@login_required
def enrol(request):
    """Set up the authenticator app: QR code, the key as text, a first code to confirm."""
    target = _next_url(request)
    user = request.user
    # Without the second step done, only someone with no app yet may set one up:
    # otherwise a stolen password would be enough to replace the owner's phone.
    if two_step.has_app(user) and not two_step.user_is_verified(user):
        return redirect(_with_next("two_step", target))
    locked = _lock_response(request)
    if locked:
        return locked
    device = two_step.enrolment_device(user=user)
    error = ""
    if request.method == "POST":
        check = two_step.enrolment_confirm(
            request=request, device=device, code=request.POST.get("code", "")
        )
        if check.ok:
            two_step.backup_codes_issue(user=user)
            messages.success(request, _("Đã cài đặt xong đăng nhập hai bước."))
            return redirect(_with_next("two_step_backup", target))
        locked, error = _after_failure(request, check)
        if locked:
            return locked
    return render(
        request,
        "org/two_step_enrol.html",
        {
            "next": target,
            "error": error,
            "qr": two_step.qr_svg(device),
            "secret": two_step.secret_text(device),
            "config_url": device.config_url,
            "required": two_step.two_step_required(user),
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
def backup(request, print_view: bool = False):
    """The printable one-time backup codes; a new set on request."""
    target = _next_url(request)
    if not two_step.user_is_verified(request.user):
        return redirect(_with_next("two_step", target))
    if request.method == "POST":
        two_step.backup_codes_issue(user=request.user)
        messages.success(request, _("Đã tạo 10 mã dự phòng mới. Các mã cũ không dùng được nữa."))
        return redirect(_with_next("two_step_backup", target))
    return render(
        request,
        "org/two_step_backup_print.html" if print_view else "org/two_step_backup.html",
        {"next": target, "codes": two_step.backup_codes(request.user)},
    )
