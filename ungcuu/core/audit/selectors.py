"""Who reads which audit entries, and how an entry reads to a person."""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungcuu.core.audit.registry import audited_models
from ungcuu.org.models import Center, Role, User
from ungcuu.org.scope import centers_for, sees_everything

EMPTY = gettext_lazy("(trống)")
BOOLEANS = {"True": gettext_lazy("Có"), "False": gettext_lazy("Không")}
LONG_NAME = "Trung tâm Phục vụ hành chính công"


def may_read_audit(user: User) -> bool:
    """Administrators, province users and center leaders; nobody else."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    return (user.role == Role.PROVINCE and bool(user.province_id)) or (
        user.role == Role.CENTER_LEADER and bool(user.center_id)
    )


def _center_q(center_id: int) -> Q:
    return Q(additional_data__center=center_id) | Q(additional_data__center_before=center_id)


def audit_entries_for(user: User) -> QuerySet[LogEntry]:
    """The entries ``user`` may read, newest first: an administrator all of them, a
    province user those of its province's centers and the rows every province shares,
    a center leader those of the own center."""
    audited = ContentType.objects.get_for_models(*audited_models()).values()
    qs = LogEntry.objects.filter(content_type__in=audited).select_related("actor", "content_type")
    qs = qs.order_by("-timestamp", "-pk")
    if not may_read_audit(user):
        return qs.none()
    if sees_everything(user):
        return qs
    if user.role == Role.PROVINCE:
        return qs.filter(
            Q(additional_data__province=user.province_id)
            | Q(additional_data__province_before=user.province_id)
            | Q(additional_data__global=True)
        )
    return qs.filter(_center_q(user.center_id))


def audit_centers_for(user: User) -> QuerySet[Center]:
    """The centers a reader may narrow the log to."""
    if not may_read_audit(user):
        return Center.objects.none()
    return centers_for(user)


def audit_kinds() -> list[tuple[str, str]]:
    """(model name, Vietnamese name) of each audited kind, for the filter."""
    kinds = [(m._meta.model_name, capfirst(str(m._meta.verbose_name))) for m in audited_models()]
    return sorted(kinds, key=lambda kind: kind[1])


def filter_entries(
    entries: QuerySet[LogEntry], *, center: Center | None = None, kind: str = ""
) -> QuerySet[LogEntry]:
    if center is not None:
        entries = entries.filter(_center_q(center.pk))
    if kind:
        entries = entries.filter(content_type__model=kind)
    return entries


@dataclass
class Change:
    field: str
    before: str
    after: str
    shown: str  # "15 → 20"; a created row shows its value only, a deleted one what it was


ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Thêm"),
    LogEntry.Action.UPDATE: gettext_lazy("Sửa"),
    LogEntry.Action.DELETE: gettext_lazy("Xóa"),
}


def entry_label(entry: LogEntry) -> str:
    """ "Quy tắc báo tin — TTPVHCC xã Bạch Ngọc"."""
    model = entry.content_type.model_class()
    kind = capfirst(str(model._meta.verbose_name)) if model else entry.content_type.model
    return f"{kind} — {entry.object_repr.replace(LONG_NAME, 'TTPVHCC')}"


def entry_actor(entry: LogEntry) -> str:
    if entry.actor_id:
        return entry.actor.display_name
    if (entry.additional_data or {}).get("via") == "cli":
        return _("Dòng lệnh trên máy chủ")
    return _("Hệ thống")


def entry_action(entry: LogEntry) -> str:
    return str(ACTIONS.get(entry.action, ""))


def entry_changes(entry: LogEntry) -> list[Change]:
    """Each changed field, from → to, with the model's Vietnamese field names and labels."""
    model = entry.content_type.model_class()
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        before, after = (values + ["", ""])[:2] if isinstance(values, list) else ("", "")
        label = name
        choices: dict = {}
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                label = capfirst(str(getattr(field, "verbose_name", name)))
                choices = {str(k): str(v) for k, v in (getattr(field, "choices", None) or [])}
        before, after = _value(before, choices), _value(after, choices)
        if entry.action == LogEntry.Action.CREATE:
            shown = after
        elif entry.action == LogEntry.Action.DELETE:
            shown = before
        else:
            shown = f"{before} → {after}"
        if shown != str(EMPTY):
            changes.append(Change(label, before, after, shown))
    return changes


def _value(raw, choices: dict[str, str]) -> str:
    text = "" if raw is None else str(raw)
    if text in ("", "None"):
        return str(EMPTY)
    if text in choices:
        return choices[text]
    if text in BOOLEANS:
        return str(BOOLEANS[text])
    return text.replace(LONG_NAME, "TTPVHCC")
