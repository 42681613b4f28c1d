"""Adjusting the plan: a province for all its centers, a center leader for the center
(000/001 V: "Lãnh đạo Trung tâm ... điều chỉnh phương án khi cần thiết"; R25).

An adjustment keeps only what differs from the level above, so a later correction of the
shipped catalog still reaches every field a center has not changed itself. Every write
goes through the audit log (the history shown on the page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from ungcuu.catalog import playbooks
from ungcuu.catalog.models import (
    BodyKind,
    IncidentType,
    PlanLevel,
    PlanSetting,
    ReportBody,
    TypeAdjustment,
)
from ungcuu.core.errors import ServiceError
from ungcuu.core.numbers import whole_number
from ungcuu.core.text import clean_text
from ungcuu.org.models import Center, Organisation, OrganisationKind, Province, Role, User
from ungcuu.org.scope import sees_everything

MAX_TEXT = 4000
MAX_STEPS = 60
MAX_STEP = 500
MAX_BODIES = 8
TEXT_FIELDS = {
    "symptoms": "Biểu hiện",
    "owner": "Phụ trách",
    "prevention": "Biện pháp phòng ngừa",
    "escalation": "Báo cáo, liên hệ",
}


@dataclass(frozen=True)
class Owner:
    """Whose plan is adjusted: one center, or one province for all its centers."""

    center: Center | None = None
    province: Province | None = None

    @property
    def filter(self) -> dict:
        return {"center": self.center} if self.center else {"province": self.province}

    @property
    def label(self) -> str:
        return self.center.name if self.center else self.province.name

    @property
    def query(self) -> str:
        return f"center={self.center.code}" if self.center else f"province={self.province.code}"


def may_adjust(user: User, owner: Owner) -> bool:
    """The center's leader for the center; a province user for the province; an
    administrator for any."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    if owner.center is not None:
        return user.role == Role.CENTER_LEADER and user.center_id == owner.center.pk
    return user.role == Role.PROVINCE and user.province_id == owner.province.pk


def owners_for(user: User) -> list[Owner]:
    """Every plan ``user`` may adjust, the own first."""
    if not (user.is_authenticated and user.is_active):
        return []
    if sees_everything(user):
        provinces = [Owner(province=p) for p in Province.objects.order_by("name")]
        centers = Center.objects.select_related("province").order_by("name")
        return provinces + [Owner(center=c) for c in centers]
    if user.role == Role.CENTER_LEADER and user.center_id:
        return [Owner(center=user.center)]
    if user.role == Role.PROVINCE and user.province_id:
        return [Owner(province=user.province)]
    return []


def owner_from(user: User, *, center: str | None, province: str | None) -> Owner:
    """The plan named by the query (a center code or a province code), or the user's own;
    one the user may not adjust is a 404, as if it did not exist."""
    owners = owners_for(user)
    if center:
        found = next((o for o in owners if o.center and o.center.code == center), None)
    elif province:
        found = next((o for o in owners if o.province and str(o.province.code) == province), None)
    else:
        found = owners[0] if owners else None
    if found is None:
        raise ServiceError("Không tìm thấy phương án.", status=404)
    return found


def _require(actor: User, owner: Owner) -> None:
    if not may_adjust(actor, owner):
        raise ServiceError("Bạn không được điều chỉnh phương án này.", status=403)


def _text(value, field: str, label: str, *, limit: int = MAX_TEXT) -> str:
    text = clean_text(value if isinstance(value, str) else "" if value is None else str(value))
    text = text.strip()
    if len(text) > limit:
        raise ServiceError(f"{label}: tối đa {limit} ký tự.", field=field)
    return text


def parse_steps(value) -> list[dict]:
    """The steps as written on the page: one step per line; a line starting with "#" names
    the group of the steps under it."""
    text = _text(value, "steps", "Các bước xử lý", limit=MAX_STEPS * (MAX_STEP + 2))
    steps, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            section = line.lstrip("#").strip()[:200]
            continue
        line = line.lstrip("-•").strip()
        if len(line) > MAX_STEP:
            raise ServiceError(f"Mỗi bước tối đa {MAX_STEP} ký tự.", field="steps")
        steps.append({"section": section, "text": line})
    if not steps:
        raise ServiceError("Cần ít nhất một bước xử lý.", field="steps")
    if len(steps) > MAX_STEPS:
        raise ServiceError(f"Tối đa {MAX_STEPS} bước.", field="steps")
    return steps


def steps_text(steps: list[playbooks.Step]) -> str:
    """The steps as the page's text box shows them (the inverse of :func:`parse_steps`)."""
    lines, section = [], None
    for step in steps:
        if step.section != section:
            section = step.section
            if section:
                lines.append(f"# {section}")
        lines.append(step.text)
    return "\n".join(lines)


def _above(owner: Owner, incident_type: IncidentType) -> playbooks.Playbook:
    """The type as the level above ``owner`` has it: the province's for a center, the
    shipped catalog for a province."""
    adjustments = {}
    if owner.center is not None:
        row = TypeAdjustment.objects.filter(
            province_id=owner.center.province_id, incident_type=incident_type
        ).first()
        if row:
            adjustments[playbooks.SOURCE_PROVINCE] = row
    return playbooks._resolve(incident_type, adjustments, playbooks.PlanLevel.PROVINCE.label)


def type_form_values(owner: Owner, incident_type: IncidentType) -> dict:
    """What the edit page shows: the owner's current version, and which fields are its own."""
    row = TypeAdjustment.objects.filter(incident_type=incident_type, **owner.filter).first()
    above = _above(owner, incident_type)
    values = {
        "symptoms": above.symptoms,
        "steps": steps_text(above.steps),
        "owner": above.owner,
        "prevention": "\n".join(above.prevention),
        "escalation": above.escalation,
        "escalation_targets": above.escalation_targets,
    }
    own = set()
    if row is not None:
        for name in playbooks.ADJUSTABLE:
            value = getattr(row, name)
            if value is None:
                continue
            own.add(name)
            if name == "steps":
                values[name] = steps_text(playbooks.steps_of(value))
            else:
                values[name] = value
    return {"values": values, "own": own, "row": row}


@transaction.atomic
def type_adjust(
    *, actor: User, owner: Owner, incident_type: IncidentType, data
) -> TypeAdjustment | None:
    """Save the owner's version of ``incident_type``; a field equal to the level above is
    not kept. Returns the adjustment, or None when nothing differs any more."""
    _require(actor, owner)
    above = _above(owner, incident_type)
    new: dict = {}
    for name, label in TEXT_FIELDS.items():
        value = _text(data.get(name), name, label)
        inherited = "\n".join(above.prevention) if name == "prevention" else getattr(above, name)
        if name == "prevention":
            value = "\n".join(playbooks.prevention_lines(value))
        new[name] = None if value == inherited.strip() else value
    steps = parse_steps(data.get("steps"))
    shipped = [{"section": s.section, "text": s.text} for s in above.steps]
    new["steps"] = None if steps == shipped else steps
    kinds = data.getlist("escalation_targets") if hasattr(data, "getlist") else None
    if kinds is None:
        kinds = list(data.get("escalation_targets") or [])
    unknown = [k for k in kinds if k not in OrganisationKind.values]
    if unknown:
        raise ServiceError("Loại đơn vị không hợp lệ.", field="escalation_targets")
    kinds = sorted(set(kinds), key=OrganisationKind.values.index)
    inherited_kinds = sorted(set(above.escalation_targets), key=OrganisationKind.values.index)
    new["escalation_targets"] = None if kinds == inherited_kinds else kinds
    row = (
        TypeAdjustment.objects.select_for_update()
        .filter(incident_type=incident_type, **owner.filter)
        .first()
    )
    if all(value is None for value in new.values()):
        if row is not None:
            row.delete()
        playbooks.forget()
        return None
    if row is None:
        row = TypeAdjustment(incident_type=incident_type, **owner.filter)
    changed = row.pk is None
    for name, value in new.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:  # a save with nothing changed writes no history
        row.save()
    playbooks.forget()
    return row


@transaction.atomic
def type_reset(*, actor: User, owner: Owner, incident_type: IncidentType) -> bool:
    """Go back to the level above for this type. True when there was something to undo."""
    _require(actor, owner)
    row = TypeAdjustment.objects.filter(incident_type=incident_type, **owner.filter).first()
    playbooks.forget()
    if row is None:
        return False
    row.delete()
    return True


def organisations_for(owner: Owner):
    """The organisations a body may be linked to: the province's and the national ones."""
    province_id = owner.center.province_id if owner.center else owner.province.pk
    return Organisation.objects.filter(Q(province_id=province_id) | Q(province__isnull=True))


# Reports upward (R17, R23): the bounds a province or a center may set.
UPWARD_LIMITS = {
    "long_outage_minutes": (30, 10080, "Sự cố kéo dài: báo cấp trên sau (phút)"),
    "repeat_count": (2, 50, "Sự cố lặp lại: số lần cùng loại"),
    "repeat_days": (1, 366, "Sự cố lặp lại: trong số ngày"),
}
SOURCE_UNGCUU = "ungcuu"


def upward_inherited(owner: Owner) -> dict[str, tuple[object, str]]:
    """Each upward-report rule as the owner gets it when it leaves the field empty: the
    province's choice for a center, else UngCuu's own default; with where it comes from."""
    values = {name: (value, SOURCE_UNGCUU) for name, value in playbooks.UPWARD_DEFAULTS.items()}
    if owner.center is not None:
        row = PlanSetting.objects.filter(province_id=owner.center.province_id).first()
        for name in playbooks.UPWARD_DEFAULTS:
            if row is not None and getattr(row, name) is not None:
                values[name] = (getattr(row, name), playbooks.SOURCE_PROVINCE)
    return values


def _upward_posted(data, setting: PlanSetting | None) -> dict:
    """The upward-report rules as posted; a field left empty follows the level above, a
    field not sent at all stays as it was."""
    found = {}
    for name, (low, high, label) in UPWARD_LIMITS.items():
        if name not in data:
            found[name] = getattr(setting, name) if setting else None
            continue
        value = _text(data.get(name), name, label, limit=20)
        found[name] = (
            whole_number(value, field=name, low=low, high=high, label=label) if value else None
        )
    name = "report_every_incident"
    if name not in data:
        found[name] = setting.report_every_incident if setting else None
    else:
        choice = _text(data.get(name), name, "Gửi báo cáo", limit=5)
        if choice not in ("", "1", "0"):
            raise ServiceError("Chọn sự cố nào được gửi báo cáo cấp trên.", field=name)
        found[name] = None if choice == "" else choice == "1"
    return found


def settings_values(owner: Owner) -> dict:
    setting = PlanSetting.objects.filter(**owner.filter).first()
    own_bodies = list(ReportBody.objects.filter(**owner.filter).order_by("position", "pk"))
    if owner.center is not None:
        current = playbooks.report_bodies(owner.center)
    else:
        current = [
            playbooks.Body(b.name, b.kind, b.organisation_id, b.email, playbooks.SOURCE_PROVINCE)
            for b in own_bodies
        ]
    inherited = upward_inherited(owner)
    upward = {
        name: {
            "own": ""
            if setting is None or getattr(setting, name) is None
            else getattr(setting, name),
            "inherited": value,
            "source": source,
        }
        for name, (value, source) in inherited.items()
    }
    return {
        "level": setting.level if setting else "",
        "own_bodies": bool(own_bodies),
        "bodies": current,
        "upward": upward,
    }


@transaction.atomic
def settings_save(*, actor: User, owner: Owner, data) -> None:
    """The level word, the bodies each incident is reported to and when it is reported
    upward. Body rows come as ``body-N-name``, ``body-N-kind``, ``body-N-organisation``,
    ``body-N-email``; with ``bodies=default`` the owner's own list is dropped. The rules
    (``report_every_incident`` "1"/"0", ``long_outage_minutes``, ``repeat_count``,
    ``repeat_days``) left empty follow the level above (R17, R23)."""
    _require(actor, owner)
    level = _text(data.get("level"), "level", "Cấp trên", limit=20)
    if level and level not in PlanLevel.values:
        raise ServiceError("Chọn “tỉnh” hoặc “thành phố”.", field="level")
    bodies: list[ReportBody] = []
    if data.get("bodies") != "default":
        allowed = set(organisations_for(owner).values_list("pk", flat=True))
        for n in range(MAX_BODIES):
            prefix = f"body-{n}-"
            name = _text(data.get(prefix + "name"), prefix + "name", "Tên cơ quan", limit=200)
            if not name:
                continue
            kind = _text(data.get(prefix + "kind"), prefix + "kind", "Loại", limit=20)
            if kind not in BodyKind.values:
                raise ServiceError("Loại cơ quan không hợp lệ.", field=prefix + "kind")
            organisation = _text(data.get(prefix + "organisation"), prefix + "organisation", "")
            org_id = None
            if organisation:
                if not organisation.isdigit() or int(organisation) not in allowed:
                    raise ServiceError(
                        "Đơn vị không có trong danh bạ của tỉnh.", field=prefix + "organisation"
                    )
                org_id = int(organisation)
            email = _text(data.get(prefix + "email"), prefix + "email", "Thư điện tử", limit=254)
            if email:
                try:
                    validate_email(email)
                except ValidationError as exc:
                    raise ServiceError(
                        "Địa chỉ thư điện tử không hợp lệ.", field=prefix + "email"
                    ) from exc
            bodies.append(
                ReportBody(
                    position=len(bodies) + 1,
                    name=name,
                    kind=kind,
                    organisation_id=org_id,
                    email=email,
                    **owner.filter,
                )
            )
        if not bodies:
            raise ServiceError("Cần ít nhất một nơi nhận báo cáo.", field="body-0-name")
    setting = PlanSetting.objects.select_for_update().filter(**owner.filter).first()
    wanted = {"level": level, **_upward_posted(data, setting)}
    if setting is None and any(value not in ("", None) for value in wanted.values()):
        PlanSetting.objects.create(**wanted, **owner.filter)
    elif setting is not None and any(getattr(setting, k) != v for k, v in wanted.items()):
        for name, value in wanted.items():
            setattr(setting, name, value)
        setting.save()
    current = list(ReportBody.objects.filter(**owner.filter).order_by("position", "pk"))
    same = [(b.name, b.kind, b.organisation_id, b.email) for b in current] == [
        (b.name, b.kind, b.organisation_id, b.email) for b in bodies
    ]
    if not same:
        for row in current:  # one by one, so the history shows each removed body
            row.delete()
        for row in bodies:
            row.save()


def history(owner: Owner, limit: int = 30) -> list:
    """Who changed what in this plan, newest first (the audit log's entries)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    kinds = ContentType.objects.get_for_models(PlanSetting, ReportBody, TypeAdjustment).values()
    entries = LogEntry.objects.filter(content_type__in=kinds).select_related(
        "actor", "content_type"
    )
    if owner.center is not None:
        entries = entries.filter(additional_data__center=owner.center.pk)
    else:
        entries = entries.filter(
            additional_data__province=owner.province.pk, additional_data__center=None
        )
    return list(entries.order_by("-timestamp", "-pk")[:limit])


def adjusted_types(owner: Owner) -> set[int]:
    return set(
        TypeAdjustment.objects.filter(**owner.filter).values_list("incident_type_id", flat=True)
    )
