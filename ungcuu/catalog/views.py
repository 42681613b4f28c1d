"""The center's plan, for the staff to read, train on and print (R24), and for the center
leader or the province to adjust (R25)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ungcuu.catalog import adjust
from ungcuu.catalog.models import BodyKind, IncidentType, PlanLevel
from ungcuu.catalog.plan import plan_for
from ungcuu.catalog.selectors import plan_center, plan_centers
from ungcuu.core.audit import selectors as audit
from ungcuu.core.errors import ServiceError
from ungcuu.org.models import OrganisationKind


@login_required
@require_safe
def plan(request):
    center = plan_center(request.user, request.GET.get("center"))
    centers = list(plan_centers(request.user)) if not request.user.center_id else []
    adjustable = [
        owner
        for owner in (adjust.Owner(center=center), adjust.Owner(province=center.province))
        if adjust.may_adjust(request.user, owner)
    ]
    return render(
        request,
        "catalog/plan.html",
        {
            "plan": plan_for(center),
            "center": center,
            "centers": centers,
            "adjust_owner": adjustable[0] if adjustable else None,
        },
    )


def _owner(request) -> adjust.Owner:
    source = request.POST if request.method == "POST" else request.GET
    try:
        return adjust.owner_from(
            request.user, center=source.get("center"), province=source.get("province")
        )
    except ServiceError as exc:
        raise Http404(exc.message) from exc


def _history(owner: adjust.Owner) -> list[dict]:
    return [
        {
            "entry": entry,
            "label": audit.entry_label(entry),
            "actor": audit.entry_actor(entry),
            "action": audit.entry_action(entry),
            "changes": audit.entry_changes(entry),
        }
        for entry in adjust.history(owner)
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_adjust(request):
    """The plan's own settings: the level word, the bodies reported to, which types have
    the owner's own version, and who changed what."""
    owner = _owner(request)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            adjust.settings_save(actor=request.user, owner=owner, data=request.POST)
        except ServiceError as exc:
            errors = exc.fields or {"__all__": exc.message}
            status = exc.status if exc.status in (400, 403) else 400
        else:
            messages.success(request, _("Đã lưu phương án."))
            return redirect(f"{request.path}?{owner.query}")
    values = adjust.settings_values(owner)
    rows = list(values["bodies"]) + [None] * 2  # room for two more bodies per save
    own_types = adjust.adjusted_types(owner)
    return render(
        request,
        "catalog/adjust.html",
        {
            "owner": owner,
            "owners": adjust.owners_for(request.user),
            "values": values,
            "rows": rows[: adjust.MAX_BODIES],
            "body_kinds": BodyKind.choices,
            "levels": PlanLevel.choices,
            "organisations": adjust.organisations_for(owner).order_by("name"),
            "types": [{"type": t, "own": t.pk in own_types} for t in IncidentType.objects.active()],
            "history": _history(owner),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_adjust_type(request, type_code: str):
    """One type as the owner's plan has it: symptoms, steps, owner, prevention, contacts."""
    owner = _owner(request)
    incident_type = IncidentType.objects.active().filter(code=type_code).first()
    if incident_type is None:
        raise Http404
    errors: dict[str, str] = {}
    status = 200
    posted = None
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                adjust.type_reset(actor=request.user, owner=owner, incident_type=incident_type)
                messages.success(request, _("Đã trở về phương án chung."))
            else:
                adjust.type_adjust(
                    actor=request.user, owner=owner, incident_type=incident_type, data=request.POST
                )
                messages.success(request, _("Đã lưu phương án cho loại sự cố này."))
        except ServiceError as exc:
            errors = exc.fields or {"__all__": exc.message}
            status = exc.status if exc.status in (400, 403) else 400
            posted = request.POST
        else:
            return redirect(f"{request.path}?{owner.query}")
    form = adjust.type_form_values(owner, incident_type)
    values = form["values"]
    if posted is not None:  # what the person typed stays on the page
        values = {
            **values,
            **{name: posted.get(name, "") for name in [*adjust.TEXT_FIELDS, "steps"]},
            "escalation_targets": posted.getlist("escalation_targets"),
        }
    return render(
        request,
        "catalog/adjust_type.html",
        {
            "owner": owner,
            "incident_type": incident_type,
            "values": values,
            "own": form["own"],
            "kinds": OrganisationKind.choices,
            "errors": errors,
        },
        status=status,
    )
