"""Pages: a center's probes, and adding, changing, pausing and removing them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ungcuu.core.errors import ServiceError, form_error
from ungcuu.monitor import selectors, services
from ungcuu.monitor.forms import ProbeForm
from ungcuu.monitor.models import Probe
from ungcuu.monitor.presets import preset_get, presets_for
from ungcuu.org.models import Center
from ungcuu.readiness.selectors import center_pick, readiness_centers

FIELDS = (
    "name",
    "kind",
    "target",
    "keyword",
    "interval_s",
    "fail_after",
    "recover_after",
    "flap_changes",
    "flap_minutes",
    "enabled",
)
DEFAULTS = {
    "interval_s": 60,
    "fail_after": 3,
    "recover_after": 2,
    "flap_changes": 4,
    "flap_minutes": 30,
    "enabled": True,
}


def _center(request) -> Center:
    return center_pick(request.user, request.GET.get("center") or request.POST.get("center"))


def _list_url(center: Center) -> str:
    return f"{reverse('monitor:index')}?center={center.code}"


def _manager_or_404(request, center: Center) -> None:
    if not services.may_manage(request.user, center):
        raise Http404


@login_required
@require_safe
def index(request):
    center = _center(request)
    centers = readiness_centers(request.user)
    return render(
        request,
        "monitor/index.html",
        {
            "center": center,
            "centers": centers if len(centers) > 1 else [],
            "strips": selectors.strips(center),
            "manager": services.may_manage(request.user, center),
            "presets": presets_for(center),
        },
    )


def _form_page(request, center: Center, probe: Probe | None):
    _manager_or_404(request, center)
    status = 200
    if request.method == "POST":
        form = ProbeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.probe_save(
                    actor=request.user,
                    center=center,
                    probe=probe,
                    incident_type=data["incident_type"],
                    **{field: data[field] for field in FIELDS},
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã lưu điểm giám sát “%s”.") % saved.name)
                return redirect(_list_url(center))
        status = 400
    else:
        if probe is not None:
            initial = {field: getattr(probe, field) for field in FIELDS}
            initial["incident_type"] = probe.incident_type.code
        else:
            initial = dict(DEFAULTS)
            preset = preset_get(center, request.GET.get("preset"))
            if preset is not None:
                initial.update(
                    name=preset.name,
                    kind=preset.kind,
                    target=preset.target,
                    incident_type=preset.incident_type,
                    keyword=preset.keyword,
                )
        form = ProbeForm(initial=initial)
    return render(
        request,
        "monitor/form.html",
        {
            "center": center,
            "form": form,
            "probe": probe,
            "title": _("Sửa điểm giám sát") if probe else _("Thêm điểm giám sát"),
        },
        status=status,
    )


@login_required
def probe_new(request):
    return _form_page(request, _center(request), None)


@login_required
def probe_edit(request, pk: int):
    probe = selectors.probe_get(request.user, pk)
    return _form_page(request, probe.center, probe)


@login_required
def probe_delete(request, pk: int):
    probe = selectors.probe_get(request.user, pk)
    _manager_or_404(request, probe.center)
    if request.method == "POST":
        try:
            services.probe_delete(actor=request.user, probe=probe)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã xóa điểm giám sát “%s”.") % probe.name)
        return redirect(_list_url(probe.center))
    return render(request, "monitor/delete.html", {"center": probe.center, "probe": probe})


@login_required
@require_POST
def probe_toggle(request, pk: int):
    probe = selectors.probe_get(request.user, pk)
    _manager_or_404(request, probe.center)
    enable = request.POST.get("enabled") == "1"
    try:
        services.probe_set_enabled(actor=request.user, probe=probe, enabled=enable)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (_("Đã bật “%s”.") if enable else _("Đã tạm dừng “%s”.")) % probe.name,
        )
    return redirect(_list_url(probe.center))
