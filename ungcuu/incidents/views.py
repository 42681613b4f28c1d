"""Pages: home, report, the incident with its playbook and timeline, the log book."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ungcuu.catalog.models import IncidentType
from ungcuu.catalog.playbooks import incident_steps, playbook_for, playbooks_for
from ungcuu.core.errors import ServiceError, form_error
from ungcuu.incidents import permissions, services
from ungcuu.incidents.exports import logbook_xlsx
from ungcuu.incidents.forms import LogbookFilterForm, ReportForm, ResolveForm, local_now
from ungcuu.incidents.home import home_for
from ungcuu.incidents.models import EventKind, Status
from ungcuu.incidents.selectors import (
    LogbookFilter,
    attachment_get,
    incident_get,
    logbook,
    major_noted,
)
from ungcuu.incidents.services.major import recent_by_type
from ungcuu.notify.messages import escalation_note, share_text
from ungcuu.notify.selectors import failed_deliveries
from ungcuu.notify.services import detail_url
from ungcuu.org.models import Role
from ungcuu.org.scope import assignable_people, centers_for, escalation_targets
from ungcuu.org.selectors import contacts_for, on_duty

PAGE_SIZE = 50
# The buttons that move an incident to its next state, first on its page.
STATUS_ACTIONS = frozenset(
    {EventKind.ACKNOWLEDGED, EventKind.STARTED, EventKind.RESOLVED, EventKind.CLOSED}
)
LEADER_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.CENTER_LEADER, Role.IT_OFFICER, Role.PROVINCE, Role.ADMIN}
)


@login_required
@require_safe
def home(request):
    user = request.user
    today = timezone.localdate()
    page = home_for(user, today)
    context = {
        "home": page,
        "may_report": permissions.may_report(user),
        "show_center": not user.center_id,
        "summary": page.summary,
        "by_center": page.by_center,
        "failed_deliveries": failed_deliveries(user)[:20] if user.role in LEADER_ROLES else [],
    }
    if user.center_id:
        context["on_duty"] = on_duty(user.center, today)
    return render(request, "incidents/home.html", context)


@login_required
def report(request):
    user = request.user
    if not permissions.may_report(user):
        raise Http404
    centers = list(centers_for(user))
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        center = _chosen_center(user, centers, request.POST.get("center"))
        if form.is_valid() and center is not None:
            data = form.cleaned_data
            try:
                result = services.incident_report(
                    actor=user,
                    center=center,
                    incident_type=data["incident_type"],
                    description=data["description"],
                    started_at=data["started_at"],
                    impact=data["impact"],
                    citizens_waiting=data["citizens_waiting"] or 0,
                    tier=data["tier"] or None,
                    client_uuid=data["client_uuid"],
                    files=data["files"],
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã báo sự cố %(number)s. Làm theo các bước dưới đây.")
                    % {"number": result.incident.number},
                )
                return redirect("incidents:detail", result.incident.pk)
        elif center is None:
            form.add_error(None, _("Vui lòng chọn trung tâm."))
        status = 400
    else:
        initial = {}
        if request.GET.get("type"):
            initial["incident_type"] = request.GET["type"]
        initial["description"] = request.GET.get("description", "")[:4000]
        form = ReportForm(initial=initial)
        status = 200
    types = list(IncidentType.objects.active())
    if user.center_id:  # the symptoms as the center's own plan words them (R25, R43)
        for incident_type, playbook in zip(
            types, playbooks_for(user.center, types, with_steps=False), strict=True
        ):
            incident_type.symptoms = playbook.symptoms
        recent = recent_by_type(user.center)  # a shared outage, seen before reporting
        for incident_type in types:
            incident_type.recent, incident_type.recent_minutes = recent.get(
                incident_type.pk, (0, 0)
            )
    return render(
        request,
        "incidents/report.html",
        {
            "form": form,
            "types": types,
            "centers": centers if len(centers) > 1 else [],
            "chosen_center": request.POST.get("center", ""),
        },
        status=status,
    )


def _chosen_center(user, centers, code):
    if user.center_id:
        return user.center
    return next((c for c in centers if c.code == code), None)


@login_required
@require_safe
def detail(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


def _detail_context(request, incident, **extra):
    user = request.user
    playbook = playbook_for(incident.center, incident.incident_type)
    steps = incident_steps(incident)
    done = set(incident.steps_done)
    allowed = permissions.allowed_kinds(user, incident)
    sections = []
    for step in steps:
        if not sections or sections[-1]["title"] != step.section:
            sections.append({"title": step.section, "steps": []})
        sections[-1]["steps"].append({"step": step, "done": step.position in done})
    events = _timeline(incident)
    context = {
        "incident": incident,
        "playbook": playbook,
        "sections": sections,
        "steps_total": len(steps),
        "steps_done": len(done),
        "next_step": next(
            (
                {"number": number, "text": step.text}
                for number, step in enumerate(steps, 1)
                if step.position not in done
            ),
            None,
        ),
        "events": events,
        "major_noted": major_noted(incident, events),
        "attachments": incident.attachments.all(),
        "allowed": allowed,
        "status_actions": bool(allowed & STATUS_ACTIONS),
        "kinds": EventKind,
        "organisations": _escalation_choices(incident) if EventKind.ESCALATED in allowed else [],
        "people": assignable_people(incident) if EventKind.ASSIGNED in allowed else [],
        "escalated_to": incident.escalated_to.all(),
        "deliveries": incident.deliveries.select_related("channel"),
        "share_text": share_text(incident, detail_url=detail_url(incident)),
        "escalation_note": escalation_note(incident) if EventKind.ESCALATED in allowed else "",
        "contacts": contacts_for(incident.center, playbook.escalation_targets)
        if incident.incident_type.escalation_targets
        else [],
    }
    context.update(extra)
    return context


def _timeline(incident):
    """The events, latest first; one written on the other side of a node's link that
    changed nothing (the incident had moved on meanwhile) is marked so."""
    from ungcuu.incidents.services.state import superseded_events

    events = list(incident.events.select_related("actor").order_by("-hlc", "-uuid"))
    superseded = superseded_events(incident, events)
    for event in events:
        event.superseded = event.pk in superseded
    return events


def _escalation_choices(incident):
    """Organisations of the incident's province (or nationwide), the type's targets first."""
    targets = set(incident.incident_type.escalation_targets)
    # The service's own rule, so the page never offers what the service refuses.
    orgs = escalation_targets(incident)
    return sorted(orgs, key=lambda org: (org.kind not in targets, org.name))


@login_required
@require_POST
def act(request, incident_id: int, kind: str):
    """Record one event from a button or small form on the incident page."""
    incident = incident_get(request.user, incident_id)
    data = {
        "text": request.POST.get("text", ""),
        "step": request.POST.get("step"),
        "assignee": request.POST.get("assignee"),
        "organisations": request.POST.getlist("organisations"),
        "reason": request.POST.get("reason", ""),
        "root_cause": request.POST.get("root_cause", ""),
    }
    # The one-tap "Đã nhận tin" of the home page leads back there.
    back_home = request.POST.get("back") == "home"
    try:
        services.incident_event(
            actor=request.user,
            incident=incident,
            kind=kind,
            data=data,
            event_uuid=request.POST.get("event_uuid") or None,
        )
    except ServiceError as exc:
        if request.htmx:
            return HttpResponse(exc.message, status=exc.status)
        messages.error(request, exc.message)
    else:
        if back_home and kind == EventKind.ACKNOWLEDGED:
            messages.success(
                request, _("Đã nhận tin sự cố %(number)s.") % {"number": incident.number}
            )
    if request.htmx and kind in (EventKind.STEP_DONE, EventKind.STEP_UNDONE):
        incident.refresh_from_db()
        return render(
            request, "incidents/_playbook.html", _detail_context(request, incident, oob=True)
        )
    if back_home:
        return redirect("home")
    return redirect("incidents:detail", incident.pk)


@login_required
def resolve(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    if EventKind.RESOLVED not in permissions.allowed_kinds(request.user, incident):
        messages.error(request, _("Bạn không thể xác nhận khắc phục sự cố này."))
        return redirect("incidents:detail", incident.pk)
    status = 200
    if request.method == "POST":
        form = ResolveForm(request.POST, incident=incident)
        if form.is_valid():
            try:
                services.incident_resolve(
                    actor=request.user, incident=incident, **form.cleaned_data
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận khắc phục sự cố %(number)s.") % {"number": incident.number},
                )
                return redirect("incidents:detail", incident.pk)
        status = 400
    else:
        form = ResolveForm(
            initial={
                "restored_at": local_now(),
                "citizens_affected": incident.citizens_waiting,
            },
            incident=incident,
        )
    return render(
        request, "incidents/resolve.html", {"incident": incident, "form": form}, status=status
    )


@login_required
@require_POST
def attach(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    try:
        services.attachment_add(
            actor=request.user, incident=incident, files=request.FILES.getlist("files")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thêm ảnh/video."))
    return redirect("incidents:detail", incident.pk)


@login_required
@require_safe
def attachment(request, incident_id: int, attachment_uuid):
    item = attachment_get(request.user, incident_id, attachment_uuid)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.file.name.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _logbook_query(request):
    user = request.user
    centers = list(centers_for(user))
    form = LogbookFilterForm(
        request.GET or None,
        centers=centers,
        types=IncidentType.objects.all(),
        statuses=Status.choices,
    )
    flt = LogbookFilter()
    if form.is_bound and form.is_valid():
        flt = LogbookFilter(**form.cleaned_data)
    return form, flt, centers


@login_required
@require_safe
def logbook_page(request):
    form, flt, _centers = _logbook_query(request)
    paginator = Paginator(logbook(request.user, flt), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/logbook.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "show_center": not request.user.center_id,
        },
    )


@login_required
@require_safe
def logbook_export(request):
    form, flt, _centers = _logbook_query(request)
    stamp = timezone.localtime()
    content = logbook_xlsx(
        logbook(request.user, flt).iterator(chunk_size=2000),
        title=_("SỔ THEO DÕI SỰ CỐ KỸ THUẬT – xuất lúc %(time)s")
        % {"time": f"{stamp:%H:%M %d/%m/%Y}"},
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-su-co-{stamp:%Y%m%d}.xlsx"'
    )
    return response
