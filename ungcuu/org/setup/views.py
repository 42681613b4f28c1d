"""The first-run page: pick the commune or ward, import the workbook, add and test channels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from vietnam_provinces import Province as VnProvince
from vietnam_provinces import Ward as VnWard

from ungcuu.core.errors import ServiceError
from ungcuu.notify.models import Channel
from ungcuu.notify.trial import channel_center, channel_test
from ungcuu.org.models import Center
from ungcuu.org.scope import sees_everything
from ungcuu.org.setup import importer
from ungcuu.org.setup.checks import center_checks, may_set_up
from ungcuu.org.setup.services import (
    awaiting_password,
    channel_owners,
    first_sign_in_link,
    first_sign_in_user,
    setup_center_create,
    setup_channel_add,
    suggested_codes,
)

WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _center(request) -> Center | None:
    """The center being set up: the user's own; an administrator names one (or none yet)."""
    user = request.user
    code = request.GET.get("center") or request.POST.get("center") or ""
    if sees_everything(user):
        return Center.objects.filter(code=code).first() if code else None
    if user.center_id and may_set_up(user, user.center):
        return user.center
    raise Http404


def _official_choices(province_code: str) -> tuple[list, list, int | None]:
    provinces = [(int(p.code), p.name) for p in VnProvince.iter_all()]
    try:
        chosen = int(province_code)
    except (TypeError, ValueError):
        return provinces, [], None
    if chosen not in dict(provinces):
        return provinces, [], None
    taken = set(Center.objects.values_list("ward_code", flat=True))
    wards = [
        (int(w.code), w.name)
        for w in VnWard.iter_by_province(VnProvince.from_code(chosen).code)
        if int(w.code) not in taken
    ]
    return provinces, sorted(wards, key=lambda w: w[1]), chosen


def _page(request, center, *, status=200, **extra):
    context = {"center": center, "admin": sees_everything(request.user)}
    if center is None:
        provinces, wards, chosen = _official_choices(request.GET.get("province", ""))
        context.update(
            provinces=provinces,
            wards=wards,
            province=chosen,
            centers=Center.objects.select_related("province"),
        )
        ward = request.GET.get("ward", "")
        if ward.isdecimal() and int(ward) in dict(wards):
            context["ward"] = int(ward)
            context["code"], context["prefix"] = suggested_codes(int(ward))
    else:
        owners = channel_owners(center)
        channels = Channel.objects.filter(Q(person__center=center) | Q(contact__center=center))
        context.update(
            checks=center_checks(center),
            owners=owners,
            channels=channels.select_related("person", "contact").order_by(
                "person", "contact", "position"
            ),
            waiting=[(p, first_sign_in_link(p)) for p in awaiting_password(center)],
            center_query=f"?center={center.code}" if sees_everything(request.user) else "",
        )
        context["missing"] = sum(1 for c in context["checks"] if not c.ok)
    context.update(extra)
    return render(request, "org/setup.html", context, status=status)


@login_required
def setup(request):
    """The first-run page of a center: a checklist, the import, the channels."""
    if not sees_everything(request.user) and not may_set_up(request.user, request.user.center):
        raise Http404
    return _page(request, _center(request))


@login_required
@require_POST
def setup_center(request):
    if not sees_everything(request.user):
        raise Http404
    try:
        center = setup_center_create(
            actor=request.user,
            ward_code=request.POST.get("ward", ""),
            code=request.POST.get("code", ""),
            prefix=request.POST.get("prefix", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _page(request, None, status=exc.status)
    messages.success(request, _("Đã tạo %(name)s.") % {"name": center.name})
    return redirect(f"{reverse('setup')}?center={center.code}")


@login_required
def setup_template(request):
    """The workbook to fill in, with the role and kind lists."""
    if not sees_everything(request.user) and not may_set_up(request.user, request.user.center):
        raise Http404
    response = HttpResponse(importer.template_bytes(), content_type=WORKBOOK)
    response["Content-Disposition"] = 'attachment; filename="ungcuu-mau-khai-bao.xlsx"'
    return response


@login_required
@require_POST
def setup_import(request):
    center = _center(request)
    if center is None:
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn tệp Excel (.xlsx) để tải lên."))
        return _page(request, center, status=400)
    if upload.size > importer.MAX_BYTES:
        messages.error(request, _("Tệp quá lớn (tối đa 2 MB)."))
        return _page(request, center, status=400)
    try:
        outcome = importer.setup_import(actor=request.user, center=center, data=upload.read())
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _page(request, center, status=exc.status)
    if outcome.errors:
        messages.error(
            request,
            _("Tệp có %(n)s lỗi: chưa ghi dòng nào. Sửa các dòng dưới đây rồi tải lên lại.")
            % {"n": len(outcome.errors)},
        )
        return _page(request, center, status=400, outcome=outcome)
    if outcome.changed:
        messages.success(request, _("Đã nhập dữ liệu từ tệp."))
    else:
        messages.info(request, _("Tệp không có gì mới: dữ liệu đã có sẵn, không thay đổi gì."))
    return _page(request, center, outcome=outcome)


@login_required
@require_POST
def setup_channel(request):
    center = _center(request)
    if center is None:
        raise Http404
    try:
        setup_channel_add(
            actor=request.user,
            center=center,
            owner=request.POST.get("owner", ""),
            url=request.POST.get("url", ""),
            label=request.POST.get("label", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _page(request, center, status=exc.status)
    messages.success(request, _("Đã thêm kênh. Bấm “Gửi thử” để chắc chắn kênh nhận được tin."))
    return redirect(reverse("setup") + _query(request, center) + "#channels")


def _query(request, center) -> str:
    return f"?center={center.code}" if sees_everything(request.user) else ""


@login_required
@require_POST
def setup_channel_test(request):
    """Send a test message now and show the channel's own answer."""
    raw = request.POST.get("channel", "")
    channel = (
        Channel.objects.select_related("person__center", "contact__center")
        .filter(pk=int(raw))
        .first()
        if raw.isascii() and raw.isdecimal() and len(raw) < 18
        else None
    )
    center = channel_center(channel) if channel else None
    if channel is None or not may_set_up(request.user, center):
        raise Http404
    try:
        channel = channel_test(actor=request.user, channel=channel)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if channel.test_ok:
            messages.success(request, f"{channel}: {channel.test_answer}")
        else:
            messages.error(
                request,
                _("%(channel)s trả lời: %(answer)s")
                % {"channel": channel, "answer": channel.test_answer},
            )
    return redirect(reverse("setup") + _query(request, center) + "#channels")


def first_sign_in(request, token: str):
    """A new person chooses their own password through the link the leader handed over."""
    user = first_sign_in_user(token)
    if user is None:
        return render(request, "org/first_sign_in.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã đặt mật khẩu. Mời đăng nhập."))
        return redirect("login")
    return render(
        request,
        "org/first_sign_in.html",
        {"form": form, "person": user},
        status=400 if form.errors else 200,
    )
