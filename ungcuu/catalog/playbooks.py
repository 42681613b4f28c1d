"""Each center's own plan (R25): the shipped catalog, then the province's adjustments, then
the center's, field by field. Every page, message and document that shows a type's
symptoms, steps, owner, prevention or contacts, or names the upper level, reads it here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from ungcuu.catalog.models import IncidentType, PlanLevel, PlanSetting, TypeAdjustment
from ungcuu.org.models import Center, Province

# Where a value came from, as the plan page says it.
SOURCE_CATALOG = "catalog"
SOURCE_PROVINCE = "province"
SOURCE_CENTER = "center"
ADJUSTABLE = ("symptoms", "steps", "owner", "prevention", "escalation", "escalation_targets")

# Seed 003 (Hưng Đạo, Hải Phòng) says "thành phố" where the others say "tỉnh".
_CITY_WORDS = [
    ("hành chính công tỉnh", "hành chính công thành phố"),
    ("UBND tỉnh", "UBND thành phố"),
    ("Công nghệ tỉnh", "Công nghệ thành phố"),
    ("cấp tỉnh", "cấp thành phố"),
    ("VNPT tỉnh", "VNPT thành phố"),
    ("Tổ Công tác tỉnh", "Tổ Công tác thành phố"),
    ("Sở Nội vụ tỉnh", "Sở Nội vụ thành phố"),
]


def localised(text: str, level: str) -> str:
    """``text`` with the plans' "tỉnh" wording turned to "thành phố" for a city's center."""
    if level != PlanLevel.CITY.label:
        return text
    for old, new in _CITY_WORDS:
        text = text.replace(old, new)
    return text


def default_level(province: Province) -> str:
    """ "thành phố" for a centrally-run city (Hải Phòng, seed 003), "tỉnh" otherwise."""
    if province.name.lower().startswith("thành phố"):
        return PlanLevel.CITY.label
    return PlanLevel.PROVINCE.label


def plan_level(center: Center) -> str:
    """What the center's plan calls its upper level: the center's choice, else the
    province's, else what the province's official name says."""
    settings = {
        ("center" if row.center_id else "province"): row.level
        for row in PlanSetting.objects.filter(
            Q(center=center) | Q(province_id=center.province_id)
        ).exclude(level="")
    }
    chosen = settings.get("center") or settings.get("province")
    if chosen:
        return str(PlanLevel(chosen).label)
    return default_level(center.province)


def province_word(province: Province) -> str:
    """What a province's own documents call it: its choice, else its official name's."""
    chosen = (
        PlanSetting.objects.filter(province=province)
        .exclude(level="")
        .values_list("level", flat=True)
    ).first()
    return str(PlanLevel(chosen).label) if chosen else default_level(province)


@dataclass(frozen=True)
class UpwardRules:
    """When the center's incidents are reported to the bodies of its plan (R17, R23)."""

    every_incident: bool  # False: complex incidents only (000 III.5 as UngCuu reads it)
    long_outage_minutes: int  # an incident still open this long is reported as it happens
    repeat_count: int  # this many incidents of one type …
    repeat_days: int  # … within this many days are reported as a repeated fault


# UngCuu's own defaults: the plans say "kéo dài hoặc lặp lại nhiều lần" with no number.
UPWARD_DEFAULTS = {
    "report_every_incident": False,
    "long_outage_minutes": 240,
    "repeat_count": 3,
    "repeat_days": 30,
}


def upward_rules(center: Center) -> UpwardRules:
    """The center's choice, else its province's, else UngCuu's defaults, field by field."""
    return upward_rules_many([center])[center.pk]


def upward_rules_many(centers: Iterable[Center]) -> dict[int, UpwardRules]:
    """``upward_rules`` of many centers (by id) in one query."""
    centers = {c.pk: c for c in centers}
    provinces = {c.province_id for c in centers.values()}
    settings = list(
        PlanSetting.objects.filter(Q(center__in=list(centers)) | Q(province_id__in=provinces))
    )
    return {
        pk: _upward_rules(
            {
                ("center" if row.center_id else "province"): row
                for row in settings
                if row.center_id == pk
                or (not row.center_id and row.province_id == center.province_id)
            }
        )
        for pk, center in centers.items()
    }


def _upward_rules(rows: dict) -> UpwardRules:
    values = dict(UPWARD_DEFAULTS)
    for level in ("province", "center"):
        row = rows.get(level)
        for name in UPWARD_DEFAULTS:
            if row is not None and getattr(row, name) is not None:
                values[name] = getattr(row, name)
    return UpwardRules(
        every_incident=values["report_every_incident"],
        long_outage_minutes=values["long_outage_minutes"],
        repeat_count=values["repeat_count"],
        repeat_days=values["repeat_days"],
    )


@dataclass(frozen=True)
class Step:
    position: int
    section: str
    text: str


@dataclass(frozen=True)
class Playbook:
    """One type as a center's plan has it."""

    incident_type: IncidentType
    symptoms: str
    steps: list[Step]
    owner: str
    prevention: list[str]
    escalation: str
    escalation_targets: list[str]
    sources: dict[str, str]  # field → catalog / province / center

    @property
    def adjusted(self) -> bool:
        return any(source != SOURCE_CATALOG for source in self.sources.values())

    @property
    def adjusted_by(self) -> str:
        """The most local level that changed something ("" when nothing was changed)."""
        found = set(self.sources.values())
        for source in (SOURCE_CENTER, SOURCE_PROVINCE):
            if source in found:
                return source
        return ""


def prevention_lines(text: str) -> list[str]:
    return [line.lstrip("- ").strip() for line in text.splitlines() if line.strip()]


def steps_of(rows: list[dict]) -> list[Step]:
    return [
        Step(position, row.get("section", "") or "", row["text"])
        for position, row in enumerate(rows, start=1)
    ]


def _adjustments(center: Center) -> dict[int, dict[str, TypeAdjustment]]:
    """The province's and the center's adjustments, by type id."""
    found: dict[int, dict[str, TypeAdjustment]] = {}
    rows = TypeAdjustment.objects.filter(Q(center=center) | Q(province_id=center.province_id))
    for row in rows:
        level = SOURCE_CENTER if row.center_id else SOURCE_PROVINCE
        found.setdefault(row.incident_type_id, {})[level] = row
    return found


def _resolve(
    incident_type: IncidentType,
    adjustments: dict[str, TypeAdjustment],
    level: str,
    with_steps: bool = True,
) -> Playbook:
    shipped = {
        "symptoms": incident_type.symptoms,
        "steps": None,  # read from the type's PlaybookStep rows below, only when needed
        "owner": incident_type.owner,
        "prevention": incident_type.prevention,
        "escalation": incident_type.escalation,
        "escalation_targets": list(incident_type.escalation_targets),
    }
    values, sources = dict(shipped), dict.fromkeys(ADJUSTABLE, SOURCE_CATALOG)
    for source in (SOURCE_PROVINCE, SOURCE_CENTER):
        row = adjustments.get(source)
        if row is None:
            continue
        for name in ADJUSTABLE:
            value = getattr(row, name)
            if value is not None:
                values[name], sources[name] = value, source
    if not with_steps:
        steps = []
    elif sources["steps"] == SOURCE_CATALOG:
        steps = [Step(s.position, s.section, s.text) for s in incident_type.steps.all()]
    else:
        steps = steps_of(values["steps"])
    return Playbook(
        incident_type=incident_type,
        symptoms=localised(values["symptoms"], level),
        steps=[
            Step(s.position, localised(s.section, level), localised(s.text, level)) for s in steps
        ],
        owner=localised(values["owner"], level),
        prevention=[localised(line, level) for line in prevention_lines(values["prevention"])],
        escalation=localised(values["escalation"], level),
        escalation_targets=list(values["escalation_targets"]),
        sources=sources,
    )


def playbooks_for(center: Center, types, *, with_steps: bool = True) -> list[Playbook]:
    """Each of ``types`` (prefetch their ``steps``) as ``center``'s plan has it; without
    its steps when only the texts are needed."""
    level = plan_level(center)
    adjustments = _adjustments(center)
    return [_resolve(t, adjustments.get(t.pk, {}), level, with_steps) for t in types]


def playbook_for(center: Center, incident_type: IncidentType) -> Playbook:
    return playbooks_for(center, [incident_type])[0]


# The report path asks, for every new incident, whether the center's plan has its own
# steps for the type. Which centers and provinces have their own steps is read for all
# of them at once (a nationwide burst reports from thousands of centers) and kept a
# minute per process (as the catalog is, in catalog/cache.py); dropped at once in the
# process that saves an adjustment.
TTL_SECONDS = 60
_own_steps: dict[str, object] = {}


def _types_with_own_steps(center: Center) -> set[int]:
    now = time.monotonic()
    if not _own_steps or now - _own_steps["at"] >= TTL_SECONDS:
        by_center: dict[int, set[int]] = {}
        by_province: dict[int, set[int]] = {}
        for center_id, province_id, type_id in TypeAdjustment.objects.filter(
            steps__isnull=False
        ).values_list("center_id", "province_id", "incident_type_id"):
            if center_id:
                by_center.setdefault(center_id, set()).add(type_id)
            else:
                by_province.setdefault(province_id, set()).add(type_id)
        _own_steps.update(at=now, centers=by_center, provinces=by_province)
    return _own_steps["centers"].get(center.pk, set()) | _own_steps["provinces"].get(
        center.province_id, set()
    )


def forget() -> None:
    _own_steps.clear()


def playbook_snapshot(center: Center, incident_type: IncidentType) -> list[dict]:
    """The checklist a new incident keeps: the center's own steps when its plan has them,
    else nothing (the incident then follows the shipped playbook)."""
    if incident_type.pk not in _types_with_own_steps(center):
        return []
    steps = playbook_for(center, incident_type).steps
    return [{"section": s.section, "text": s.text} for s in steps]


def incident_steps(incident) -> list[Step]:
    """The checklist of ``incident``: the one it was reported with, when the center had its
    own; else the shipped playbook of its type."""
    if incident.playbook:
        return steps_of(incident.playbook)
    level = plan_level(incident.center)
    return [
        Step(s.position, localised(s.section, level), localised(s.text, level))
        for s in incident.incident_type.steps.all()
    ]


# --- The bodies each incident is reported to (000/001/003 III.5, R17) --------------------


@dataclass(frozen=True)
class Body:
    """An upper body each incident is reported to (step 5 of the general procedure)."""

    name: str
    kind: str  # commune, department, province_center, other
    organisation_id: int | None = None
    email: str = ""
    source: str = SOURCE_CATALOG


def province_short_name(province: Province) -> str:
    name = province.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# The department each seed plan's step 5 names, by the commune's official code: Sở KH&CN for
# Bạch Ngọc (000), Sở Nội vụ for Đồng Phúc and Tân Kỳ (001, 002), none for Hưng Đạo (003).
# Any other center starts from seed 000's list, the most detailed, and adjusts it.
PLAN_DEPARTMENT = {17623: "Sở Khoa học và Công nghệ", 1933: "Sở Nội vụ", 17266: "Sở Nội vụ"}
PLAN_WITHOUT_DEPARTMENT = {11689}
DEFAULT_DEPARTMENT = "Sở Khoa học và Công nghệ"


def default_bodies(center: Center, level: str) -> list[Body]:
    """The bodies the seed plans name, for ``center``."""
    where = f"{level} {province_short_name(center.province)}"
    bodies = [Body(f"UBND {lower_first(center.ward_name)}", "commune")]
    if center.ward_code not in PLAN_WITHOUT_DEPARTMENT:
        department = PLAN_DEPARTMENT.get(center.ward_code, DEFAULT_DEPARTMENT)
        bodies.append(Body(f"{department} {where}", "department"))
    bodies.append(Body(f"Trung tâm Phục vụ hành chính công {where}", "province_center"))
    return bodies


def report_bodies(center: Center, level: str | None = None) -> list[Body]:
    """The bodies each incident of ``center`` is reported to: the center's own list, else
    its province's, else the seed plans' (R17, R25)."""
    from ungcuu.catalog.models import ReportBody

    rows = list(ReportBody.objects.filter(Q(center=center) | Q(province_id=center.province_id)))
    for source, owned in ((SOURCE_CENTER, "center_id"), (SOURCE_PROVINCE, "province_id")):
        own = [row for row in rows if getattr(row, owned)]
        if own:
            own.sort(key=lambda row: (row.position, row.pk))
            return [Body(row.name, row.kind, row.organisation_id, row.email, source) for row in own]
    return default_bodies(center, level or plan_level(center))


def contact_kinds(incidents) -> dict[int, list[str]]:
    """The organisation kinds each incident's counterpart teams are picked from: its type's,
    or its center's or province's own choice (one query for any number of incidents)."""
    centers = {i.center_id for i in incidents}
    provinces = {i.center.province_id for i in incidents}
    own: dict[tuple[str, int, int], list[str]] = {}
    rows = TypeAdjustment.objects.filter(
        Q(center_id__in=centers) | Q(province_id__in=provinces),
        escalation_targets__isnull=False,
    ).values_list("center_id", "province_id", "incident_type_id", "escalation_targets")
    for center_id, province_id, type_id, kinds in rows:
        key = ("center", center_id, type_id) if center_id else ("province", province_id, type_id)
        own[key] = list(kinds)
    found = {}
    for incident in incidents:
        type_id = incident.incident_type_id
        found[incident.pk] = own.get(
            ("center", incident.center_id, type_id),
            own.get(
                ("province", incident.center.province_id, type_id),
                list(incident.incident_type.escalation_targets or []),
            ),
        )
    return found
