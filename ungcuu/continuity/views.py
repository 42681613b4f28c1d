"""Pages: paper intake, the slip, re-entry, blank forms, the waiting-room board, the
public status of a dossier, announcements."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ungcuu.continuity import announcements, qr, sample_forms, selectors, services
from ungcuu.continuity.forms import BoardNoticeForm, IntakeForm, ReentryForm
from ungcuu.continuity.models import BoardNotice, PaperIntake, Procedure
from ungcuu.core.errors import ServiceError, form_error
from ungcuu.core.site import absolute
from ungcuu.core.uploads import file_response
from ungcuu.incidents import permissions
from ungcuu.incidents.models import OPEN_STATUSES, Incident
from ungcuu.incidents.selectors import incident_get
from ungcuu.org.models import Center, Role
from ungcuu.org.scope import center_for_report, centers_for

BOARD_EDITORS = frozenset({Role.TEAM_LEADER, Role.CENTER_LEADER, Role.IT_OFFICER, Role.ADMIN})


def _intake_get(user, intake_id: int) -> PaperIntake:
    intake = selectors.intakes_for(user).filter(pk=intake_id).first()
    if intake is None:
        raise Http404
    return intake


@login_required
def intake_new(request):
    user = request.user
    if not permissions.may_report(user):
        raise Http404
    centers = list(centers_for(user))
    chosen = request.POST.get("center") or request.GET.get("center") or ""
    if not chosen and len(centers) == 1:
        chosen = centers[0].code
    center = center_for_report(user, chosen) if chosen else None
    open_incidents = list(
        Incident.objects.filter(center__in=centers, status__in=OPEN_STATUSES)
        .select_related("incident_type", "center")
        .order_by("-started_at")[:20]
    )
    incident_choice = request.POST.get("incident") or request.GET.get("incident") or ""
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid() and center is None:
            form.add_error(None, _("Vui lòng chọn trung tâm."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                result = services.intake_create(
                    actor=user,
                    center=center,
                    incident=services.intake_incident(center, incident_choice),
                    client_uuid=data["client_uuid"],
                    citizen_name=data["citizen_name"],
                    citizen_id=data["citizen_id"],
                    phone=data["phone"],
                    address=data["address"],
                    procedure=data["procedure"],
                    procedure_code=data["procedure_code"],
                    processing_days=data["processing_days"],
                    documents=data["documents"],
                    documents_note=data["documents_note"],
                    copies=data["copies"],
                    received_at=data["received_at"],
                    return_place=data["return_place"],
                    needs_db_check=data["needs_db_check"],
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi hồ sơ %(number)s. In phiếu hẹn cho người dân.")
                    % {"number": result.intake.receipt_number},
                )
                return redirect("continuity:slip", intake_id=result.intake.pk)
    else:
        form = IntakeForm()
    return render(
        request,
        "continuity/intake_form.html",
        {
            "form": form,
            "centers": centers,
            "chosen_center": chosen,
            "open_incidents": open_incidents,
            "incident_choice": incident_choice,
            "procedures": Procedure.objects.all()[:300],
        },
    )


@login_required
@require_safe
def register(request):
    """The paper intake register of the user's centers, newest first."""
    qs = selectors.intakes_for(request.user).order_by("-received_at", "-id")
    incident_id = request.GET.get("incident", "")
    if incident_id.isdigit():
        qs = qs.filter(incident_id=incident_id)
    return render(
        request,
        "continuity/register.html",
        {"intakes": qs[:200], "show_center": not request.user.center_id},
    )


@login_required
@require_safe
def slip(request, intake_id: int):
    intake = _intake_get(request.user, intake_id)
    status_url = absolute(intake_status_path(intake))
    return render(
        request,
        "continuity/slip.html",
        {
            "intake": intake,
            "status_url": status_url,
            "qr_svg": qr.svg(status_url),
            "copies": [_("Liên 1: Giao người nộp hồ sơ"), _("Liên 2: Lưu hồ sơ")],
            "size": "a5" if request.GET.get("size") == "a5" else "a4",
        },
    )


def intake_status_path(intake: PaperIntake) -> str:
    from django.urls import reverse

    return reverse("continuity:status", kwargs={"token": intake.status_token})


def _db_check(request, intake: PaperIntake):
    if not permissions.may_report(request.user):
        raise Http404
    try:
        services.intake_db_check(actor=request.user, intake=intake)
    except ServiceError as exc:
        messages.error(request, f"{intake.receipt_number}: {exc.message}")
    else:
        messages.success(
            request,
            _("Đã ghi nhận đối chiếu CSDL quốc gia cho hồ sơ %(number)s.")
            % {"number": intake.receipt_number},
        )
    return redirect("continuity:reentry")


@login_required
def reentry(request):
    """Paper dossiers still to enter into the one-stop software, oldest first."""
    user = request.user
    if request.method == "POST":
        raw = request.POST.get("intake") or ""
        intake = _intake_get(user, int(raw) if raw.isascii() and raw.isdecimal() else 0)
        if request.POST.get("action") == "db_check":
            return _db_check(request, intake)
        form = ReentryForm(request.POST)
        if form.is_valid():
            try:
                result = services.intake_reenter(
                    actor=user, intake=intake, dossier_code=form.cleaned_data["dossier_code"]
                )
            except ServiceError as exc:
                messages.error(request, f"{intake.receipt_number}: {exc.message}")
            else:
                messages.success(
                    request,
                    _("Đã ghi mã %(code)s cho hồ sơ %(number)s.")
                    % {"code": result.intake.dossier_code, "number": intake.receipt_number},
                )
                if result.warning:
                    messages.warning(request, result.warning)
        else:
            messages.error(request, _("Vui lòng nhập mã hồ sơ chính thức."))
        return redirect("continuity:reentry")
    rows = selectors.worklist(user)
    return render(
        request,
        "continuity/reentry.html",
        {
            "rows": rows,
            "to_check": list(selectors.db_check_worklist(user)),
            "overdue": sum(1 for r in rows if r.overdue),
            "show_center": not user.center_id,
        },
    )


@login_required
@require_safe
def blank_forms(request):
    """Blank paper forms to print in advance, for when no device works at all."""
    center = request.user.center
    if center is None:
        center = centers_for(request.user).first()
    if center is None:  # a vendor no center has escalated to: no center to print for
        raise Http404
    return _blank_forms_page(request, center)


def _blank_forms_page(request, center, *, sample_error=None, title="", status=200):
    return render(
        request,
        "continuity/blank_forms.html",
        {
            "center": center,
            "lines": range(12),
            "year": timezone.localdate().year,
            "samples": list(sample_forms.samples_for(request.user, center)),
            "may_add_sample": sample_forms.may_add_sample(request.user),
            "sample_error": sample_error,
            "sample_title": title,
        },
        status=status,
    )


@login_required
@require_POST
def sample_add(request):
    """A center's own sample dossier or form, kept to print (000 2.2.5, R79)."""
    if not sample_forms.may_add_sample(request.user):
        raise Http404
    title = request.POST.get("title", "")
    try:
        sample_forms.sample_form_add(
            actor=request.user, title=title, upload=request.FILES.get("file")
        )
    except ServiceError as exc:
        return _blank_forms_page(
            request, request.user.center, sample_error=exc.message, title=title, status=400
        )
    messages.success(request, _("Đã thêm mẫu in sẵn."))
    return redirect(f"{reverse('continuity:blank_forms')}#samples")


@login_required
@require_safe
def sample_file(request, sample_uuid):
    return file_response(sample_forms.sample_get(request.user, sample_uuid))


@login_required
@require_POST
def sample_remove(request, sample_uuid):
    if not sample_forms.may_add_sample(request.user):
        raise Http404
    sample = sample_forms.sample_get(request.user, sample_uuid)
    try:
        sample_forms.sample_form_remove(actor=request.user, sample=sample)
    except ServiceError as exc:  # another center's sample: not there for this user
        raise Http404 from exc
    messages.success(request, _("Đã xóa mẫu in sẵn."))
    return redirect(f"{reverse('continuity:blank_forms')}#samples")


# --- public pages: no login, nothing personal --------------------------------------------
# Citizens read them in Vietnamese, whatever language the screen's browser asks for.


def _in_vietnamese(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with translation.override("vi"):
            return view(*args, **kwargs)  # render() has produced the page by now

    return wrapped


@require_safe
@never_cache
@_in_vietnamese
def status(request, token: str):
    intake = get_object_or_404(
        PaperIntake.objects.select_related("center"), status_token=token, is_drill=False
    )
    return render(request, "continuity/status.html", {"intake": intake})


def _board_center(code: str) -> Center:
    return get_object_or_404(Center.objects.select_related("province"), code=code)


@require_safe
@_in_vietnamese
def board(request, code: str):
    center = _board_center(code)
    url = absolute(reverse("continuity:board", args=[center.code]))
    return render(
        request,
        "continuity/board.html",
        {"center": center, "board_url": url, "board_qr": qr.svg(url, scale=3), **_board(center)},
    )


@require_safe
@never_cache
@_in_vietnamese
def board_state(request, code: str):
    center = _board_center(code)
    state = _board(center)
    return JsonResponse(
        {
            "normal": state["state"].normal,
            "html": _render_board_body(request, center, state),
            "updated": timezone.localtime().strftime("%H:%M"),
        }
    )


def _board(center: Center) -> dict:
    from ungcuu.continuity.board import services_status

    state = selectors.board_state(center)
    notice = BoardNotice.objects.filter(center=center).first()
    return {
        "state": state,
        "notice": notice,
        "services": services_status(state, notice),
        "script": announcements.WAITING_SCRIPT,
        "prepare": announcements.WHILE_WAITING,
    }


def _render_board_body(request, center: Center, state: dict) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "continuity/_board_body.html", {"center": center, **state}, request=request
    )


@login_required
def board_edit(request):
    user = request.user
    if user.role not in BOARD_EDITORS or user.center_id is None:
        raise Http404
    notice, _created = BoardNotice.objects.get_or_create(center=user.center)
    if request.method == "POST":
        form = BoardNoticeForm(request.POST, instance=notice)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = user
            saved.save()
            messages.success(request, _("Đã cập nhật màn hình phòng chờ."))
            return redirect("continuity:board_edit")
    else:
        form = BoardNoticeForm(instance=notice)
    return render(
        request,
        "continuity/board_edit.html",
        {
            "form": form,
            "center": user.center,
            "board_url": absolute(reverse("continuity:board", args=[user.center.code])),
            **_board(user.center),
        },
    )


@login_required
@require_safe
def announce(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    return render(
        request,
        "continuity/announce.html",
        {"incident": incident, "texts": _vietnamese_announcements(incident)},
    )


def _vietnamese_announcements(incident):
    with translation.override("vi"):
        return announcements.for_incident(incident)
