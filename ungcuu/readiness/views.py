"""Pages: the start-of-day check, supplies, equipment, certificates, drills."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from ungcuu.catalog.models import IncidentType
from ungcuu.core.errors import ServiceError, form_error
from ungcuu.core.numbers import parse_id
from ungcuu.incidents.selectors import incident_get
from ungcuu.org.models import Center, User
from ungcuu.org.scope import transfer_targets
from ungcuu.readiness import selectors, services
from ungcuu.readiness.forms import (
    CertificateForm,
    DrillForm,
    EquipmentForm,
    EvaluateForm,
    MovementForm,
    SupplyForm,
    TrainingForm,
)
from ungcuu.readiness.models import (
    DEFAULT_CHECK_DEADLINE,
    UNGCUU_DEFAULT,
    CheckItem,
    DrillStatus,
    MovementKind,
    SupplyItem,
    TrainingTopic,
)
from ungcuu.readiness.services.certificates import MAX_FILE, WARN_DAYS
from ungcuu.sync.outbox import node_owns


def _center(request) -> Center:
    return selectors.center_pick(
        request.user, request.GET.get("center") or request.POST.get("center")
    )


def _base(request, center: Center, **extra) -> dict:
    centers = selectors.readiness_centers(request.user)
    at_node = node_owns(center)  # the hub's copy: the center's node keeps the registers
    context = {
        "center": center,
        "centers": centers if len(centers) > 1 else [],
        "keeper": services.is_keeper(request.user) and not at_node,
        "kept_at_node": at_node,
        "today": timezone.localdate(),
        "ungcuu_default": UNGCUU_DEFAULT,
    }
    context.update(extra)
    return context


def _people(center: Center):
    return User.objects.filter(center=center, is_active=True).order_by("full_name", "username")


def _keeper_or_404(request) -> None:
    if not services.is_keeper(request.user):
        raise Http404


# --- hub ---------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    center = _center(request)
    return render(
        request,
        "readiness/index.html",
        _base(
            request,
            center,
            reminders=services.center_reminders(center),
            check=services.today_check(center, timezone.localdate()),
            training_count=selectors.training_for(request.user).filter(center=center).count(),
            untrained=[TrainingTopic(t).label for t in services.untrained_topics(center)],
        ),
    )


# --- start-of-day check ---------------------------------------------------------------


@login_required
def check(request):
    center = _center(request)
    if not services.is_checker(request.user):
        raise Http404
    status = 200
    error = ""
    if request.method == "POST":
        try:
            services.check_record(
                actor=request.user,
                center=center,
                ok_items=request.POST.getlist("ok"),
                all_ok="all_ok" in request.POST,
                client_uuid=request.POST.get("client_uuid") or None,
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Đã lưu kết quả kiểm tra đầu ngày."))
            return redirect(f"{reverse('readiness:check')}?center={center.code}")
    items = services.checklist(center)
    deadline = services.policy_for(center).check_deadline
    done = services.today_check(center, timezone.localdate())
    results = {r.item_id: r.ok for r in done.results.all()} if done else {}
    return render(
        request,
        "readiness/check.html",
        _base(
            request,
            center,
            items=[(item, results.get(item.pk)) for item in items],
            done=done,
            error=error,
            missed=services.check_missed(center),
            client_uuid=uuid.uuid4(),
            deadline=deadline,
            deadline_is_default=deadline == DEFAULT_CHECK_DEADLINE,
        ),
        status=status,
    )


@login_required
def check_items(request):
    """The center's checklist, editable by the IT officer and the leaders."""
    center = _center(request)
    _keeper_or_404(request)
    status = 200
    error = ""
    if request.method == "POST":
        item = None
        if request.POST.get("item"):
            raw = request.POST["item"].strip()
            item = (
                CheckItem.objects.filter(center=center, pk=int(raw)).first()
                if raw.isdecimal() and len(raw) < 10
                else None
            )
            if item is None:
                raise Http404
        code = request.POST.get("type") or ""
        incident_type = IncidentType.objects.active().filter(code=code).first() if code else None
        try:
            if code and incident_type is None:
                raise ServiceError("Loại sự cố không có hoặc đã ngừng dùng.", field="type")
            services.check_item_save(
                actor=request.user,
                center=center,
                label=request.POST.get("label", ""),
                incident_type=incident_type,
                is_active=request.POST.get("is_active") == "1",
                item=item,
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Đã lưu danh sách kiểm tra."))
            return redirect(f"{reverse('readiness:check_items')}?center={center.code}")
    services.checklist(center)
    return render(
        request,
        "readiness/check_items.html",
        _base(
            request,
            center,
            items=CheckItem.objects.filter(center=center).select_related("incident_type"),
            types=IncidentType.objects.active(),
            error=error,
        ),
        status=status,
    )


@login_required
@require_safe
def check_history(request):
    center = _center(request)
    page = Paginator(
        selectors.checks_for(request.user).filter(center=center).prefetch_related("results"), 30
    ).get_page(request.GET.get("page"))
    return render(request, "readiness/check_history.html", _base(request, center, page=page))


# --- supplies ------------------------------------------------------------------------


@login_required
@require_safe
def supplies(request):
    center = _center(request)
    items = selectors.supplies_for(request.user).filter(center=center)
    extra, status = {}, 200
    if services.may_report_usage(request.user):
        # 003 II.1a, R40: the usage report kept for the accounting office.
        year, period = request.GET.get("year", ""), request.GET.get("period", "")
        try:
            chosen = services.usage_period(year, period)
        except ServiceError as exc:
            chosen, status = services.usage_period(), 400
            extra["usage_error"] = exc.message
        extra.update(
            usage_period=chosen,
            usage_rows=services.supply_usage(center, chosen),
            usage_choices=services.period_choices(),
            usage_year=str(year)[:10] if status == 400 else chosen.year,
        )
    return render(
        request,
        "readiness/supplies.html",
        _base(request, center, items=items, **extra),
        status=status,
    )


@login_required
@require_safe
def supply_usage_export(request):
    """The usage report as a workbook for the accounting office (003 II.1a, R40)."""
    if not services.may_report_usage(request.user):
        raise Http404
    center = _center(request)
    try:
        period = services.usage_period(request.GET.get("year", ""), request.GET.get("period", ""))
    except ServiceError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    content = services.supply_usage_xlsx(center, period, services.supply_usage(center, period))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vat-tu-{center.code}-{period.year}-{period.code}.xlsx"'
    )
    return response


def _initial(item, fields) -> dict:
    return {f: getattr(item, f) for f in fields} if item is not None else {}


def _register_form(request, center: Center, form, save, *, saved, detail, title, back, **extra):
    """The add/edit page of a register entry (supply, equipment, certificate): ``save``
    takes the cleaned data and returns the saved entry."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = save(form.cleaned_data)
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, saved)
                return redirect(detail, entry.pk)
        status = 400
    return render(
        request,
        "readiness/form.html",
        _base(request, center, form=form, title=title, back=reverse(back), **extra),
        status=status,
    )


SUPPLY_FIELDS = ("kind", "name", "printer_model", "unit", "quota", "threshold", "assignee")


def _supply_form_page(request, center: Center, item: SupplyItem | None):
    _keeper_or_404(request)
    people = _people(center)
    if request.method == "POST":
        form = SupplyForm(request.POST, people=people)
    else:
        form = SupplyForm(initial=_initial(item, SUPPLY_FIELDS), people=people)
    return _register_form(
        request,
        center,
        form,
        lambda data: services.supply_save(actor=request.user, center=center, item=item, **data),
        saved=_("Đã lưu vật tư."),
        detail="readiness:supply",
        title=_("Vật tư"),
        back="readiness:supplies",
    )


@login_required
def supply_new(request):
    return _supply_form_page(request, _center(request), None)


@login_required
def supply_edit(request, pk: int):
    item = selectors.supply_get(request.user, pk)
    return _supply_form_page(request, item.center, item)


@login_required
def supply(request, pk: int):
    item = selectors.supply_get(request.user, pk)
    # The service's own rule: a center's own keeper cannot put stock into another
    # center's books; the province (or admin) may, within the province.
    others = list(transfer_targets(request.user, item.center))
    status = 200
    if request.method == "POST":
        form = MovementForm(request.POST, centers=others)
        if form.is_valid():
            data = form.cleaned_data
            to_center = next((c for c in others if c.code == data["to_center"]), None)
            try:
                services.stock_move(
                    actor=request.user,
                    item=item,
                    kind=data["kind"],
                    quantity_value=data["quantity"],
                    note=data["note"],
                    to_center=to_center,
                    client_uuid=data["client_uuid"],
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã ghi nhập/xuất vật tư."))
                return redirect("readiness:supply", item.pk)
        status = 400
    else:
        form = MovementForm(centers=others)
    item.refresh_from_db()
    return render(
        request,
        "readiness/supply.html",
        _base(
            request,
            item.center,
            item=item,
            form=form,
            movements=item.movements.select_related("actor", "incident", "other_center")[:100],
        ),
        status=status,
    )


# --- equipment -----------------------------------------------------------------------


@login_required
@require_safe
def equipment(request):
    center = _center(request)
    items = selectors.equipment_for(request.user).filter(center=center)
    return render(request, "readiness/equipment.html", _base(request, center, items=items))


def _equipment_form_page(request, center: Center, item):
    _keeper_or_404(request)
    if request.method == "POST":
        form = EquipmentForm(request.POST)
    else:
        form = EquipmentForm(initial=_initial(item, EquipmentForm.base_fields))
    return _register_form(
        request,
        center,
        form,
        lambda data: services.equipment_save(
            actor=request.user, center=center, equipment=item, **data
        ),
        saved=_("Đã lưu thiết bị."),
        detail="readiness:equipment_item",
        title=_("Thiết bị"),
        back="readiness:equipment",
    )


@login_required
def equipment_new(request):
    return _equipment_form_page(request, _center(request), None)


@login_required
def equipment_edit(request, pk: int):
    item = selectors.equipment_get(request.user, pk)
    return _equipment_form_page(request, item.center, item)


@login_required
@require_safe
def equipment_item(request, pk: int):
    item = selectors.equipment_get(request.user, pk)
    links = item.incident_links.select_related("incident__incident_type").order_by(
        "-incident__started_at"
    )
    real = sum(1 for link in links if not link.incident.is_drill)  # drills never count
    return render(
        request,
        "readiness/equipment_item.html",
        _base(request, item.center, item=item, links=links, real_count=real),
    )


@login_required
@require_POST
def equipment_tested(request, pk: int):
    item = selectors.equipment_get(request.user, pk)
    try:
        services.equipment_tested(actor=request.user, equipment=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi kiểm tra, chạy thử hôm nay."))
    return redirect("readiness:equipment_item", item.pk)


# --- the incident page's small forms -----------------------------------------------------


@login_required
@require_POST
def incident_equipment(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    try:
        item = selectors.equipment_get(request.user, parse_id(request.POST.get("equipment")) or 0)
    except (Http404, ValueError):
        messages.error(request, _("Vui lòng chọn thiết bị."))
        return redirect("incidents:detail", incident.pk)
    try:
        services.equipment_link(actor=request.user, incident=incident, equipment=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi thiết bị liên quan."))
    return redirect("incidents:detail", incident.pk)


@login_required
@require_POST
def incident_supply(request, incident_id: int):
    incident = incident_get(request.user, incident_id)
    try:
        item = selectors.supply_get(request.user, parse_id(request.POST.get("item")) or 0)
    except (Http404, ValueError):
        messages.error(request, _("Vui lòng chọn vật tư."))
        return redirect("incidents:detail", incident.pk)
    try:
        services.stock_move(
            actor=request.user,
            item=item,
            kind=MovementKind.USED,
            quantity_value=request.POST.get("quantity", ""),
            note=incident.number,
            incident=incident,
            client_uuid=request.POST.get("client_uuid") or None,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi vật tư đã dùng."))
    return redirect("incidents:detail", incident.pk)


# --- certificates --------------------------------------------------------------------


@login_required
@require_safe
def certificates(request):
    center = _center(request)
    today = timezone.localdate()
    rows = [
        (cert, services.warning_level(cert, today), cert.days_left(today))
        for cert in selectors.certificates_for(request.user).filter(center=center)
    ]
    return render(
        request,
        "readiness/certificates.html",
        _base(
            request,
            center,
            rows=rows,
            steps=services.RENEWAL_STEPS,
            warn_days=", ".join(str(d) for d in WARN_DAYS),
        ),
    )


CERTIFICATE_FIELDS = ("holder", "provider", "serial", "valid_from", "valid_to", "status")


def _certificate_form_page(request, center: Center, cert):
    _keeper_or_404(request)
    people = _people(center)
    if request.method == "POST":
        form = CertificateForm(request.POST, request.FILES, people=people)
    else:
        form = CertificateForm(initial=_initial(cert, CERTIFICATE_FIELDS), people=people)

    def save(data):
        upload = data.pop("file")
        return services.certificate_save(
            actor=request.user,
            center=center,
            certificate=cert,
            file_bytes=upload.read(MAX_FILE + 1) if upload else None,
            **data,
        )

    return _register_form(
        request,
        center,
        form,
        save,
        saved=_("Đã lưu chứng thư số."),
        detail="readiness:certificate",
        title=_("Chứng thư số"),
        back="readiness:certificates",
        multipart=True,
    )


@login_required
def certificate_new(request):
    return _certificate_form_page(request, _center(request), None)


@login_required
def certificate_edit(request, pk: int):
    cert = selectors.certificate_get(request.user, pk)
    return _certificate_form_page(request, cert.center, cert)


@login_required
@require_safe
def certificate(request, pk: int):
    cert = selectors.certificate_get(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "readiness/certificate.html",
        _base(
            request,
            cert.center,
            cert=cert,
            level=services.warning_level(cert, today),
            days_left=cert.days_left(today),
            steps=services.RENEWAL_STEPS,
        ),
    )


# --- drills --------------------------------------------------------------------------


@login_required
@require_safe
def drills(request):
    center = _center(request)
    this_year = timezone.localdate().year
    raw = (request.GET.get("year") or "").strip()
    year = int(raw) if raw.isdecimal() and len(raw) == 4 else this_year
    if not 2000 <= year <= 9998:  # year ± 1 stays a valid date for the links
        year = this_year
    rows = selectors.drills_for(request.user).filter(center=center, scheduled_at__year=year)
    return render(
        request,
        "readiness/drills.html",
        _base(request, center, drills=rows, year=year, years=(year - 1, year + 1)),
    )


@login_required
def drill_new(request):
    center = _center(request)
    _keeper_or_404(request)
    people = _people(center)
    status = 200
    if request.method == "POST":
        form = DrillForm(request.POST, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                drill = services.drill_schedule(
                    actor=request.user,
                    center=center,
                    scenario=data["scenario"],
                    scheduled_at=data["scheduled_at"],
                    participants=data["participants"],
                    client_uuid=data["client_uuid"],
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã lên lịch diễn tập."))
                return redirect("readiness:drill", drill.pk)
        status = 400
    else:
        form = DrillForm(people=people)
    return render(
        request,
        "readiness/form.html",
        _base(
            request,
            center,
            form=form,
            title=_("Lên lịch diễn tập"),
            back=reverse("readiness:drills"),
        ),
        status=status,
    )


@login_required
def drill(request, pk: int):
    item = selectors.drill_get(request.user, pk)
    status = 200
    form = EvaluateForm(
        initial={"minutes_to_paper": item.minutes_to_paper, "lessons": item.lessons}
    )
    if request.method == "POST":
        form = EvaluateForm(request.POST)
        if form.is_valid():
            try:
                services.drill_evaluate(actor=request.user, drill=item, **form.cleaned_data)
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã lưu đánh giá diễn tập."))
                return redirect("readiness:drill", item.pk)
        status = 400
    return render(
        request,
        "readiness/drill.html",
        _base(
            request,
            item.center,
            drill=item,
            form=form,
            incidents=services.drill_incidents(item).select_related("incident_type")
            if item.started_at
            else [],
            statuses=DrillStatus,
            # The report form asks a complex incident for a description (004 B2): the
            # drill's own scenario is it.
            drill_description=_("Diễn tập tình huống: %(scenario)s")
            % {"scenario": item.scenario.name},
        ),
        status=status,
    )


DRILL_ACTIONS = {
    "start": (
        services.drill_start,
        gettext_lazy("Đã bắt đầu diễn tập: sự cố báo từ lúc này được ghi là DIỄN TẬP."),
    ),
    "end": (services.drill_end, gettext_lazy("Đã kết thúc diễn tập.")),
    "cancel": (services.drill_cancel, gettext_lazy("Đã hủy buổi diễn tập.")),
}


@login_required
@require_POST
def drill_act(request, pk: int, action: str):
    item = selectors.drill_get(request.user, pk)
    if action not in DRILL_ACTIONS:
        raise Http404
    service, done = DRILL_ACTIONS[action]
    try:
        service(actor=request.user, drill=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("readiness:drill", item.pk)


# --- training ------------------------------------------------------------------------


@login_required
@require_safe
def training(request):
    center = _center(request)
    topic = request.GET.get("topic", "")
    rows = selectors.training_for(request.user).filter(center=center)
    if topic in TrainingTopic.values:
        rows = rows.filter(topic=topic)
    else:
        topic = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "readiness/training.html",
        _base(
            request,
            center,
            page=page,
            topic=topic,
            topics=TrainingTopic.choices,
            may_record=services.may_record_training(request.user),
            untrained=[TrainingTopic(t).label for t in services.untrained_topics(center)],
        ),
    )


@login_required
def training_new(request):
    center = _center(request)
    if not services.may_record_training(request.user):
        raise Http404
    people = _people(center)
    status = 200
    if request.method == "POST":
        form = TrainingForm(request.POST, people=people)
        if form.is_valid():
            try:
                services.training_record(actor=request.user, center=center, **form.cleaned_data)
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận tập huấn."))
                return redirect(f"{reverse('readiness:training')}?center={center.code}")
        status = 400
    else:
        form = TrainingForm(people=people, initial={"trained_on": timezone.localdate()})
    return render(
        request,
        "readiness/form.html",
        _base(
            request,
            center,
            form=form,
            title=_("Ghi nhận tập huấn"),
            back=reverse("readiness:training"),
        ),
        status=status,
    )
