"""Writing minutes and report jobs: the one place each change is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.catalog.playbooks import playbook_for, report_bodies
from ungcuu.core.errors import ServiceError
from ungcuu.core.text import nfc
from ungcuu.incidents.models import EventKind, Incident
from ungcuu.org.models import Role, User
from ungcuu.org.scope import require_incident
from ungcuu.reports.models import JobState, Minutes, ReportJob
from ungcuu.reports.stats import duration_text
from ungcuu.sync.outbox import require_writer

# People who may draw up and edit minutes (others may read and print them).
MINUTES_EDITORS = frozenset(
    {
        Role.IT_OFFICER,
        Role.RESPONDER,
        Role.TEAM_LEADER,
        Role.CENTER_LEADER,
        Role.PROVINCE,
        Role.ADMIN,
    }
)
TEXT_FIELDS = (
    "place",
    "chair",
    "recorder",
    "participants",
    "happened",
    "times",
    "actions",
    "effect",
    "cause",
    "proposals",
    "parties",
    "recipients",
)
REQUIRED = ("place", "chair", "recorder", "participants", "happened", "times")
MAX_TEXT = 8000


def may_edit_minutes(user: User) -> bool:
    return bool(user.is_superuser or user.role in MINUTES_EDITORS)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "chưa có"
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} ngày {local:%d/%m/%Y}"


def _person(user: User | None) -> str:
    if user is None:
        return ""
    parts = [user.display_name, user.title or user.get_role_display()]
    return " – ".join(p for p in parts if p)


def _participants(center, people: list[User], escalated: list) -> tuple[list[str], list]:
    """The lines of "Thành phần tham dự": the center's own people under the center, then
    each outside party (a vendor's technician, the province's working group) with its
    people under its own name, never as members of the center. Also returns the outside
    organisations, which sign the minutes as parties."""
    own = [p for p in people if p.center_id == center.pk]
    lines = [f"- Ông/Bà {_person(p)}, {center.name};" for p in own]
    orgs = list(escalated)
    by_org: dict[int, list[User]] = {}
    others: list[tuple[str, User]] = []
    for person in people:
        if person.center_id == center.pk:
            continue
        if person.organisation_id:
            by_org.setdefault(person.organisation_id, []).append(person)
            if all(o.pk != person.organisation_id for o in orgs):
                orgs.append(person.organisation)
        elif person.center_id:
            others.append((person.center.name, person))
        elif person.province_id:
            others.append((f"{person.get_role_display()} – {person.province.name}", person))
        else:
            others.append((person.get_role_display(), person))
    for org in orgs:
        members = by_org.get(org.pk, [])
        if not members:
            lines.append(f"- Đại diện {org.name};")
        for person in members:
            lines.append(f"- Ông/Bà {_person(person)}, {org.name};")
    for body, person in others:
        lines.append(f"- Ông/Bà {_person(person)}, {body};")
    return lines, orgs


def minutes_draft(incident: Incident, *, now: datetime | None = None) -> dict:
    """Minutes filled from the incident and its timeline, for the person to edit."""
    now = now or timezone.now()
    center = incident.center
    events = list(incident.events.select_related("actor").order_by("hlc", "uuid"))
    people: list[User] = []
    for person in [incident.reporter, incident.acknowledged_by, incident.assignee] + [
        e.actor for e in events
    ]:
        if person is not None and person not in people:
            people.append(person)
    leader = (
        center.people.filter(role=Role.CENTER_LEADER, is_active=True).order_by("id").first()
        or incident.acknowledged_by
        or incident.reporter
    )
    if leader not in people:
        people.insert(0, leader)
    participants, orgs = _participants(center, people, list(incident.escalated_to.order_by("name")))

    actions = []
    for event in events:
        text = ""
        payload = event.payload or {}
        if event.kind == EventKind.STEP_DONE:
            text = payload.get("text", "")
        elif event.kind == EventKind.NOTE:
            text = payload.get("text", "")
        elif event.kind == EventKind.ESCALATED:
            names = ", ".join(o.get("name", "") for o in payload.get("organisations", []))
            text = f"Chuyển tuyến, báo {names}" + (
                f": {payload['note']}" if payload.get("note") else ""
            )
        elif event.kind == EventKind.ACKNOWLEDGED:
            text = "Tổ ứng cứu nhận tin báo sự cố"
        elif event.kind == EventKind.STARTED:
            text = "Bắt đầu xử lý sự cố"
        elif event.kind == EventKind.RESOLVED:
            text = "Khắc phục xong" + (
                f": {payload['resolution']}" if payload.get("resolution") else ""
            )
            if payload.get("on_site_reason"):
                text += f" (không chuyển tuyến: {payload['on_site_reason']})"
        elif event.kind == EventKind.ASSIGNED:
            text = f"Giao {payload.get('assignee', '')} xử lý"
        elif event.kind == EventKind.CLOSED:
            text = "Đóng sự cố"
        elif event.kind == EventKind.REOPENED:
            text = f"Mở lại sự cố: {payload.get('reason', '')}"
        if text:
            local = timezone.localtime(event.at)
            who = f" ({event.actor.display_name})" if event.actor_id else ""
            actions.append(f"- {local:%d/%m/%Y %H:%M}: {text}{who}.")

    effect = [f"- Ảnh hưởng: {incident.get_impact_display()}."]
    if incident.citizens_waiting:
        effect.append(f"- Số người dân đang chờ khi xảy ra sự cố: {incident.citizens_waiting}.")
    effect.append(f"- Số lượt người dân bị ảnh hưởng: {incident.citizens_affected}.")
    effect.append(f"- Số hồ sơ bị chậm: {incident.dossiers_delayed}.")

    downtime = incident.downtime
    times = [
        f"- Thời điểm phát sinh: {_when(incident.started_at)}.",
        f"- Thời điểm báo sự cố: {_when(incident.reported_at)}.",
        f"- Thời điểm Tổ ứng cứu nhận tin: {_when(incident.acknowledged_at)}.",
        f"- Thời điểm khôi phục: {_when(incident.restored_at)}.",
    ]
    if downtime is not None:
        times.append(f"- Tổng thời gian gián đoạn: {duration_text(downtime.total_seconds() / 60)}.")
    held = (incident.restored_at or now).replace(second=0, microsecond=0)
    description = incident.description.strip().rstrip(".")
    happened = (
        f"Vào lúc {_when(incident.started_at)}, tại {center.name} xảy ra sự cố "
        f"“{incident.incident_type.name}” (sự cố {incident.get_tier_display().lower()}, "
        f"số {incident.number})."
    )
    if description:
        happened += f" Mô tả: {description}."
    parties = [f"ĐẠI DIỆN {org.name.upper()}" for org in orgs]
    playbook = playbook_for(center, incident.incident_type)
    return {
        "held_at": held,
        "ended_at": held + timedelta(minutes=30),
        "place": f"{center.name}" + (f", {center.address}" if center.address else ""),
        "chair": _person(leader),
        "recorder": _person(incident.reporter),
        "participants": "\n".join(participants),
        "happened": happened,
        "times": "\n".join(times),
        "actions": "\n".join(actions),
        "effect": "\n".join(effect),
        "cause": incident.root_cause or "Chưa xác định.",
        "proposals": "\n".join(f"- {line}" for line in playbook.prevention)
        or "- Tăng cường kiểm tra, bảo trì thiết bị và hệ thống.",
        "parties": "\n".join(parties),
        # The bodies the center's plan reports each incident to (step 5; R17, R25).
        "recipients": "\n".join(
            [f"- {body.name};" for body in report_bodies(center)] + ["- Lưu: VT, Tổ ứng cứu."]
        ),
    }


@dataclass
class MinutesView:
    """What the documents print: saved minutes, or the draft when none is saved yet."""

    incident: Incident
    number: int | None
    year: int
    held_at: datetime
    ended_at: datetime
    place: str
    chair: str
    recorder: str
    participants: str
    happened: str
    times: str
    actions: str
    effect: str
    cause: str
    proposals: str
    parties: str
    recipients: str
    saved: bool

    @property
    def number_text(self) -> str:
        return f"{self.number:02d}" if self.number else "     "

    @property
    def issuer_code(self) -> str:
        return "TTPVHCC"

    @property
    def chair_name(self) -> str:
        return self.chair.split(" – ")[0]

    @property
    def recorder_name(self) -> str:
        return self.recorder.split(" – ")[0]

    def lines(self, name: str) -> list[str]:
        return [line for line in getattr(self, name).splitlines() if line.strip()]

    @property
    def party_list(self) -> list[str]:
        return self.lines("parties")


def minutes_view(incident: Incident, *, now: datetime | None = None) -> MinutesView:
    saved = Minutes.objects.filter(incident=incident).first()
    if saved is not None:
        data = {name: getattr(saved, name) for name in TEXT_FIELDS}
        return MinutesView(
            incident=incident,
            number=saved.number,
            year=saved.year,
            held_at=saved.held_at,
            ended_at=saved.ended_at,
            saved=True,
            **data,
        )
    draft = minutes_draft(incident, now=now)
    return MinutesView(
        incident=incident,
        number=None,
        year=timezone.localtime(draft["held_at"]).year,
        saved=False,
        **draft,
    )


def _moment(value, field: str) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ServiceError("Thời điểm không hợp lệ.", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def minutes_save(*, actor: User, incident: Incident, data: dict) -> Minutes:
    """Save the minutes as edited; the first save gives them the next number of the year."""
    if not may_edit_minutes(actor):
        raise ServiceError("Bạn không có quyền lập biên bản.", status=403)
    require_incident(actor, incident)
    require_writer(incident.center_id, "lập biên bản sự cố")
    clean: dict = {}
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        text = nfc(data.get(name) or "").replace("\r\n", "\n").strip()
        if name in REQUIRED and not text:
            errors[name] = "Vui lòng nhập nội dung."
        elif len(text) > MAX_TEXT:
            errors[name] = f"Nội dung quá dài (tối đa {MAX_TEXT} ký tự)."
        clean[name] = text
    try:
        clean["held_at"] = _moment(data.get("held_at"), "held_at")
    except ServiceError as exc:
        errors["held_at"] = exc.message
    try:
        clean["ended_at"] = _moment(data.get("ended_at"), "ended_at")
    except ServiceError as exc:
        errors["ended_at"] = exc.message
    if not errors and clean["ended_at"] < clean["held_at"]:
        errors["ended_at"] = "Giờ kết thúc phải sau giờ bắt đầu."
    if errors:
        first = next(iter(errors.values()))
        raise ServiceError(first, fields=errors)
    year = timezone.localtime(clean["held_at"]).year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                minutes = Minutes.objects.select_for_update().filter(incident=incident).first()
                if minutes is None:
                    last = Minutes.objects.filter(center=incident.center, year=year).aggregate(
                        n=Max("number")
                    )["n"]
                    minutes = Minutes(
                        incident=incident, center=incident.center, year=year, number=(last or 0) + 1
                    )
                for name, value in clean.items():
                    setattr(minutes, name, value)
                minutes.updated_by = actor
                minutes.save()
                return minutes
        except IntegrityError:
            continue  # someone took that number at the same moment: take the next
    raise ServiceError("Không cấp được số biên bản, vui lòng thử lại.", status=409)


# --- report jobs -------------------------------------------------------------


def reports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_job_create(*, actor: User, params: dict, format: str) -> ReportJob:
    return ReportJob.objects.create(user=actor, params=params, format=format)


def report_job_progress(job: ReportJob, progress: int, step: str) -> None:
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress=progress, step=step)


def report_job_run(job_id: int) -> str:
    """Build the file of a queued job; the job row says how far it got."""
    from ungcuu.reports import documents
    from ungcuu.reports.periods import Period
    from ungcuu.reports.selectors import report_scope
    from ungcuu.reports.stats import compute

    job = ReportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state in (JobState.DONE, JobState.FAILED):
        return "skipped"
    try:
        params = job.params
        report_job_progress(job, 5, "Đang tính số liệu")
        scope = report_scope(job.user, center=params.get("center"), province=params.get("province"))
        period = Period(
            first=datetime.fromisoformat(params["first"]).date(),
            last=datetime.fromisoformat(params["last"]).date(),
            year=params.get("year"),
            quarter=params.get("quarter"),
            kind=params.get("kind", "calendar"),
        )
        stats = compute(scope, period)
        report_job_progress(job, 40, "Đang vẽ biểu đồ và lập văn bản")
        content, name = documents.quarterly_file(
            scope,
            period,
            stats,
            job.format,
            progress=lambda p, s: report_job_progress(job, 40 + p * 55 // 100, s),
        )
        target = reports_dir() / f"{job.uuid}-{name}"
        target.write_bytes(content)
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE,
            progress=100,
            step="Đã xong",
            file_name=target.name,
            finished_at=timezone.now(),
        )
        return "done"
    except Exception as exc:  # the person sees that it failed instead of waiting forever
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
