"""What a node copies from its hub: the hub owns it, the node reads it.

The rows keep the hub's ids, so records written on either side point at the same
people, types and units. Only the center's own people are copied (with their password
hashes: they sign in at the node with the same passwords).

``snapshot(center, first=True)`` is what an empty node fills itself with; later pulls
bring ``snapshot(center)`` again when its digest changed (the catalog, contacts,
policies, holidays, guides, the center's people). The center's own readiness records
come with the first snapshot only: from then on the node keeps them."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import ProtectedError, Q

from ungcuu.org.models import Center, User
from ungcuu.org.system import SYSTEM_USERNAME, system_user
from ungcuu.sync.records import SyncError


def _querysets(center: Center, first: bool) -> list:
    province_id = center.province_id
    people = User.objects.filter(Q(center=center) | Q(pk=system_user().pk))
    orgs = apps.get_model("org", "Organisation").objects.filter(
        Q(province_id=province_id) | Q(province__isnull=True)
    )
    contacts = apps.get_model("org", "Contact").objects.filter(
        Q(center=center) | Q(center__isnull=True, organisation__in=orgs)
    )
    own = Q(province_id=province_id) | Q(center=center)
    model = apps.get_model
    sets = [
        model("org", "Province").objects.filter(pk=province_id),
        Center.objects.filter(province_id=province_id),
        orgs,
        people,
        contacts,
        model("org", "DutyShift").objects.filter(center=center),
        model("notify", "Channel").objects.filter(Q(person__in=people) | Q(contact__in=contacts)),
        model("notify", "RoutingPolicy").objects.filter(center=center),
        model("catalog", "IncidentType").objects.all(),
        model("catalog", "PlaybookStep").objects.all(),
        model("catalog", "PlanSetting").objects.filter(own),
        model("catalog", "ReportBody").objects.filter(own & Q(organisation__in=orgs)),
        model("catalog", "TypeAdjustment").objects.filter(own),
        model("continuity", "CalendarDay").objects.all(),
        model("continuity", "Procedure").objects.all(),
        model("readiness", "ReadinessPolicy").objects.filter(center=center),
        model("readiness", "CheckItem").objects.filter(Q(center=center) | Q(center__isnull=True)),
        model("knowledge", "Guide").objects.all(),
        model("knowledge", "GuideStep").objects.all(),
        model("knowledge", "GuideNote").objects.filter(center=center),
        model("otp_totp", "TOTPDevice").objects.filter(user__in=people),
        model("otp_static", "StaticDevice").objects.filter(user__in=people),
        model("otp_static", "StaticToken").objects.filter(device__user__in=people),
    ]
    if first:
        sets += [
            model("incidents", "IncidentSequence").objects.filter(center=center),
            model("continuity", "IntakeSequence").objects.filter(center=center),
            model("continuity", "BoardNotice").objects.filter(center=center),
            model("readiness", "SupplyItem").objects.filter(center=center),
            model("readiness", "Equipment").objects.filter(center=center),
            model("readiness", "Certificate").objects.filter(center=center),
            model("readiness", "TrainingRecord").objects.filter(center=center),
        ]
    return sets


def snapshot(center: Center, *, first: bool = False) -> tuple[str, str]:
    """The serialized reference data of ``center`` and its digest."""
    parts = [
        serializers.serialize("json", qs.order_by("pk"), use_natural_foreign_keys=False)
        for qs in _querysets(center, first)
    ]
    text = "[" + ",".join(p.strip()[1:-1] for p in parts if p.strip() not in ("[]", "")) + "]"
    return text, hashlib.sha256(text.encode()).hexdigest()


def _clear_clashes(obj) -> None:
    """A row made here under another id with the same unique value (a type the node's own
    migrations made before it joined): the hub's row takes its place."""
    model = type(obj)
    groups = [(f.attname,) for f in model._meta.fields if f.unique and not f.primary_key]
    groups += [
        tuple(model._meta.get_field(name).attname for name in c.fields)
        for c in model._meta.total_unique_constraints
        if c.condition is None
    ]
    for names in groups:
        values = {name: getattr(obj, name) for name in names}
        if any(v in (None, "") for v in values.values()):
            continue
        clashing = model._default_manager.filter(**values).exclude(pk=obj.pk)
        if clashing.exists():
            try:
                with transaction.atomic():
                    clashing.delete()
            except ProtectedError as exc:
                raise SyncError(
                    f"Không thay được {model._meta.verbose_name} “{obj}” bằng bản của máy chủ: "
                    "đang được dùng ở máy này."
                ) from exc


def _dangling_users(obj, known: set[int], stand_in: int) -> None:
    """A foreign key to a person who was not copied (a province user who wrote a
    guide note): empty when it may be, else the system account."""
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.related_model is User:
            value = getattr(obj, field.attname)
            if value is not None and value not in known:
                setattr(obj, field.attname, None if field.null else stand_in)


# Rows the hub may remove (a channel, a shift, a step): gone from its snapshot, gone here.
REMOVABLE = (
    ("notify", "Channel"),
    ("org", "DutyShift"),
    ("org", "Contact"),
    ("catalog", "PlaybookStep"),
    ("catalog", "TypeAdjustment"),
    ("catalog", "ReportBody"),
    ("knowledge", "GuideStep"),
)


def _drop_removed(objects) -> None:
    kept: dict[type, set] = {}
    for item in objects:
        kept.setdefault(type(item.object), set()).add(item.object.pk)
    for app, name in REMOVABLE:
        model = apps.get_model(app, name)
        try:
            with transaction.atomic():
                model.objects.exclude(pk__in=kept.get(model, set())).delete()
        except ProtectedError:  # still named by a record here: kept
            pass


def apply_snapshot(text: str) -> int:
    """Write the hub's reference rows here, under the hub's ids. Returns how many."""
    objects = list(serializers.deserialize("json", text, ignorenonexistent=True))
    known = {o.object.pk for o in objects if isinstance(o.object, User)}
    stand_in = next(
        (
            o.object.pk
            for o in objects
            if isinstance(o.object, User) and o.object.username == SYSTEM_USERNAME
        ),
        None,
    )
    tables = set()
    with transaction.atomic(), connection.constraint_checks_disabled():
        for item in objects:
            if isinstance(item.object, User):
                item.m2m_data = {}  # groups and permissions are not used
            elif stand_in is not None:
                _dangling_users(item.object, known, stand_in)
            _clear_clashes(item.object)
            item.save()
            tables.add(item.object._meta.db_table)
        connection.check_constraints(table_names=sorted(tables))
        _drop_removed(objects)
    models = {type(item.object) for item in objects}
    with connection.cursor() as cursor:  # PostgreSQL: ids made here come after the hub's
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    return len(objects)
