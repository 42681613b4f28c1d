"""What is audited, with which fields, and which center or province each entry concerns.

Only configuration is registered: the rows that decide how a center responds. The
high-volume rows (incidents, events, deliveries, paper intakes, readiness records) are
deliberately absent, so reporting writes no audit row and the log stays small.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

from ungcuu.core.audit.context import via

MASK = "…"
# A person's home and powers; never the password hash or the last sign-in time.
USER_FIELDS = [
    "role",
    "center",
    "province",
    "organisation",
    "is_active",
    "is_staff",
    "is_superuser",
]


def mask_channel_url(value: str) -> str:
    """An Apprise URL carries a bot token or a password: keep the scheme and the last four
    characters, enough to tell two channels apart."""
    if not value or value == "None":  # auditlog's text for "no value" (created/deleted)
        return value
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    tail = rest[-4:] if len(rest) > 8 else ""
    return f"{scheme}{sep}{MASK}{tail}"


def audited_models() -> dict[type[Model], dict]:
    """Each audited model and its auditlog options."""
    from ungcuu.catalog.models import (
        IncidentType,
        PlanSetting,
        PlaybookStep,
        ReportBody,
        TypeAdjustment,
    )
    from ungcuu.continuity.models import CalendarDay
    from ungcuu.notify.models import Channel, RoutingPolicy
    from ungcuu.org.models import Center, Contact, DutyShift, Organisation, Province, User

    return {
        IncidentType: {},
        PlaybookStep: {},
        PlanSetting: {},
        ReportBody: {},
        TypeAdjustment: {},
        RoutingPolicy: {},
        Channel: {
            "mask_fields": ["url"],
            "mask_callable": "ungcuu.core.audit.registry.mask_channel_url",
        },
        User: {"include_fields": USER_FIELDS},
        Contact: {},
        Organisation: {},
        DutyShift: {},
        CalendarDay: {},
        Center: {},
        Province: {},
    }


def register() -> None:
    """Called once from ``CoreConfig.ready``."""
    for model, options in audited_models().items():
        if auditlog.contains(model):
            continue
        # Named columns only: on a create auditlog would otherwise list every reverse
        # relation ("readiness.Certificate.None") as a changed field.
        options.setdefault(
            "include_fields",
            [f.name for f in model._meta.concrete_fields if not f.primary_key],
        )
        auditlog.register(model, **options)
    # auditlog only offers signals to extend an entry; this one adds where the change
    # belongs, which the log page needs to scope its readers.
    post_log.connect(_record_scope, dispatch_uid="ungcuu.audit.scope")


def scope_of(instance: Model | None) -> dict:
    """Which center and province a configuration row belongs to; ``global`` for the rows
    every province relies on (catalog, holidays, national organisations)."""
    from ungcuu.notify.models import Channel
    from ungcuu.org.models import Center, Contact, Organisation, Province, User

    empty = {"center": None, "province": None, "global": False}
    if instance is None:
        return empty
    try:
        if isinstance(instance, Center):
            return {**empty, "center": instance.pk, "province": instance.province_id}
        if isinstance(instance, Province):
            return {**empty, "province": instance.pk}
        if isinstance(instance, Channel):
            return scope_of(instance.person if instance.person_id else instance.contact)
        if isinstance(instance, User | Contact) and instance.center_id:
            return {**empty, "center": instance.center_id, "province": _province(instance)}
        if isinstance(instance, User):
            if instance.province_id:
                return {**empty, "province": instance.province_id}
            if instance.organisation_id:
                return scope_of(instance.organisation)
            return empty  # an administrator: only administrators read it
        if isinstance(instance, Contact):
            return scope_of(instance.organisation)
        if isinstance(instance, Organisation):
            if instance.province_id:
                return {**empty, "province": instance.province_id}
            return {**empty, "global": True}
        if getattr(instance, "center_id", None):  # routing policy, duty roster, own plan
            return {**empty, "center": instance.center_id, "province": _province(instance)}
        if getattr(instance, "province_id", None):  # a province's plan for its centers
            return {**empty, "province": instance.province_id}
    except ObjectDoesNotExist:  # deleted together with its owner
        return empty
    return {**empty, "global": True}  # catalog, holiday calendar


def _province(instance: Model) -> int | None:
    from ungcuu.org.models import Center

    return (
        Center.objects.filter(pk=instance.center_id).values_list("province_id", flat=True).first()
    )


def _record_scope(sender, *, log_entry=None, instance=None, instance_old=None, **kwargs) -> None:
    if log_entry is None:
        return
    data = dict(log_entry.additional_data or {})
    data.update(scope_of(instance))
    if instance_old is not None and instance_old is not instance:
        before = scope_of(instance_old)  # a person moved to another center stays visible to both
        if (before["center"], before["province"]) != (data["center"], data["province"]):
            data["center_before"] = before["center"]
            data["province_before"] = before["province"]
    if via():
        data["via"] = via()
    # An update, not save(): auditlog's request context re-applies itself on every save.
    LogEntry.objects.filter(pk=log_entry.pk).update(additional_data=data)
    log_entry.additional_data = data
