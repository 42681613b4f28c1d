"""Pages: the quarterly report and its downloads, dashboards, incident minutes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ungcuu.core.errors import ServiceError
from ungcuu.incidents.selectors import incident_get
from ungcuu.org.models import Role
from ungcuu.org.scope import centers_for
from ungcuu.reports import documents, services, tasks
from ungcuu.reports.dashboard import dashboard_context
from ungcuu.reports.forms import MinutesForm, PeriodForm
from ungcuu.reports.models import JobState, ReportJob
from ungcuu.reports.periods import current_quarter, period_from
from ungcuu.reports.selectors import provinces_for, report_scope
from ungcuu.reports.stats import compute, incidents_in


def _scopes(user) -> list[tuple[str, str]]:
    choices = [(f"province:{p.code}", p.name) for p in provinces_for(user)]
    if user.role != Role.VENDOR:
        choices += [(f"center:{c.code}", c.short_name) for c in centers_for(user)]
    return choices


def _choice(request, form: PeriodForm) -> tuple:
    """The scope and period asked for; ServiceError when the period makes no sense."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        raise ServiceError(_("Vui lòng kiểm tra lại kỳ báo cáo."))
    kind, _sep, code = (data.get("scope") or request.GET.get("scope") or "").partition(":")
    scope = report_scope(
        request.user,
        center=request.GET.get("center") or (code if kind == "center" else None),
        province=request.GET.get("province") or (code if kind == "province" else None),
    )
    period = period_from(
        year=data.get("year"),
        quarter_number=data.get("quarter"),
        kind=data.get("period") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    return scope, period


def _period_form(request) -> PeriodForm:
    user = request.user
    if user.role == Role.VENDOR:
        raise Http404
    scopes = _scopes(user)
    if request.GET:
        return PeriodForm(request.GET, scopes=scopes)
    period = current_quarter()
    return PeriodForm(
        initial={"year": period.year, "quarter": period.quarter, "period": period.kind},
        scopes=scopes,
    )


def _query(scope, period) -> str:
    params = dict(scope.query())
    if period.quarter:
        params.update(year=period.year, quarter=period.quarter, period=period.kind)
    else:
        params.update(date_from=period.first.isoformat(), date_to=period.last.isoformat())
    return urlencode(params)


def _figures_page(request, template: str):
    """A page of the period's figures; a bad choice of scope or period is a 400 form."""
    form = _period_form(request)
    status = 200
    context = {"form": form}
    try:
        scope, period = _choice(request, form)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        status = 400
    else:
        context.update(dashboard_context(scope, period, compute(scope, period)))
        context["query"] = _query(scope, period)
    return render(request, template, context, status=status)


@login_required
@require_safe
def index(request):
    """Choose the scope and period; see the figures; download Word or Excel."""
    return _figures_page(request, "reports/index.html")


@login_required
@require_safe
def download(request, format: str):
    """The report file: at once when small, else built in the background with progress."""
    if format not in ("docx", "xlsx"):
        raise Http404
    form = _period_form(request)
    try:
        scope, period = _choice(request, form)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reports:index")
    count = incidents_in(scope, period).count()
    if count > settings.REPORT_INLINE_MAX:
        params = {
            **scope.query(),
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "year": period.year,
            "quarter": period.quarter,
            "kind": period.kind,
        }
        job = services.report_job_create(actor=request.user, params=params, format=format)
        transaction.on_commit(lambda: tasks.build_report(job.pk))
        return redirect("reports:job", job.uuid)
    stats = compute(scope, period)
    content, name = documents.quarterly_file(scope, period, stats, format)
    response = HttpResponse(
        content, content_type=documents.DOCX if format == "docx" else documents.XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job(request, job_uuid) -> ReportJob:
    job = ReportJob.objects.filter(uuid=job_uuid, user=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_safe
def job(request, job_uuid):
    job = _job(request, job_uuid)
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": job, "states": JobState})


@login_required
@require_safe
def job_file(request, job_uuid):
    job = _job(request, job_uuid)
    if job.state != JobState.DONE:
        return redirect("reports:job", job.uuid)
    path = services.reports_dir() / job.file_name
    if not path.exists():
        raise Http404
    name = job.file_name.split("-", 5)[-1]
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
@require_safe
def dashboard(request):
    return _figures_page(request, "reports/dashboard.html")


# --- minutes ------------------------------------------------------------------


def _minutes_incident(request, incident_id: int):
    """Minutes are read by whoever may read the incident (a vendor that was a party, too)."""
    return incident_get(request.user, incident_id)


@login_required
def minutes(request, incident_id: int):
    incident = _minutes_incident(request, incident_id)
    view = services.minutes_view(incident)
    may_edit = services.may_edit_minutes(request.user)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                saved = services.minutes_save(
                    actor=request.user, incident=incident, data=form.cleaned_data
                )
            except ServiceError as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Đã lưu biên bản số %(number)02d. Tải bản Word hoặc in để ký.")
                    % {"number": saved.number},
                )
                return redirect("reports:minutes", incident.pk)
        status = 400
    else:
        form = MinutesForm(initial=MinutesForm.initial_from(view))
    return render(
        request,
        "reports/minutes.html",
        {"incident": incident, "form": form, "minutes": view, "may_edit": may_edit},
        status=status,
    )


@login_required
@require_safe
def minutes_print(request, incident_id: int):
    incident = _minutes_incident(request, incident_id)
    return render(request, "reports/minutes_print.html", {"m": services.minutes_view(incident)})


@login_required
@require_safe
def minutes_docx(request, incident_id: int):
    incident = _minutes_incident(request, incident_id)
    response = HttpResponse(
        documents.minutes_docx(services.minutes_view(incident)), content_type=documents.DOCX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-su-co-{incident.number}.docx"'
    )
    return response
