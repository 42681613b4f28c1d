"""Message text, as seed 004 step 2 asks: what, where, since when, impact, photos, ack link."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ungcuu.catalog.playbooks import incident_steps
from ungcuu.incidents.models import Impact, Incident
from ungcuu.notify.models import Level

SMS_LIMIT = 320  # two SMS segments of Vietnamese without diacritics is 306; keep it short

_HEADINGS = {
    Level.AT_ONCE: "BÁO SỰ CỐ",
    Level.NO_ACK: "CHƯA AI NHẬN TIN – BÁO LÊN CẤP TRÊN",
    Level.PROLONGED: "SỰ CỐ KÉO DÀI",
    Level.ESCALATED: "ĐỀ NGHỊ HỖ TRỢ XỬ LÝ SỰ CỐ",
    Level.RESOLVED: "ĐÃ KHẮC PHỤC",
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


def _impact_label(value: str) -> str:
    """The impact's label, as ``get_impact_display`` gives it, without rebuilding the
    field's choices for every message."""
    try:
        return str(Impact(value).label)
    except ValueError:
        return value


def incident_message(
    incident: Incident,
    *,
    level: str,
    detail_url: str,
    ack_url: str = "",
    note: str = "",
    limit: int = 2000,
) -> Message:
    """The message for one recipient, never longer than ``limit``: the description is
    cut, the links are kept."""
    tier = "PHỨC TẠP" if incident.tier == "complex" else "ĐƠN GIẢN"
    impact = _impact_label(incident.impact)
    drill = "[DIỄN TẬP] " if incident.is_drill else ""
    title = (
        f"{drill}[{_HEADINGS[level]}] {incident.incident_type.name} – {incident.center.short_name}"
    )
    head = [
        f"{drill}{_HEADINGS[level]} – sự cố {tier.lower()}: {incident.incident_type.name}",
        f"Trung tâm: {incident.center.name}",
        f"Số: {incident.number}",
    ]
    facts = [
        f"Thời điểm phát sinh: {_when(incident.started_at)}",
        f"Ảnh hưởng: {impact}"
        + (
            f"; {incident.citizens_waiting} người dân đang chờ" if incident.citizens_waiting else ""
        ),
        f"Người báo: {incident.reporter.display_name}"
        + (f" ({incident.reporter.phone})" if incident.reporter.phone else ""),
    ]
    if level == Level.PROLONGED:
        facts.append(
            "Đề nghị chuyển sang tiếp nhận hồ sơ bằng giấy và thông báo cho người dân đang chờ."
        )
    if level == Level.RESOLVED and incident.restored_at:
        facts.append(f"Hoạt động trở lại: {_when(incident.restored_at)}")
        if incident.root_cause:
            facts.append(f"Nguyên nhân: {incident.root_cause}")
    done = _steps_done(incident)
    if level == Level.ESCALATED and done:
        facts.append("Đã thử: " + "; ".join(done))
    photos = getattr(incident, "photo_count", None)
    if photos is None:
        photos = incident.attachments.count()
    links = [f"Chi tiết{f', {photos} ảnh/video' if photos else ''}: {detail_url}"]
    if ack_url:
        links.append(f"Bấm để xác nhận đã nhận tin: {ack_url}")
    description = " ".join(part for part in (note, incident.description) if part)

    short_head = [
        f"{drill}{_HEADINGS[level]}: {incident.incident_type.name}, {incident.center.short_name}"
    ]
    short_facts = [f"Từ {_when(incident.started_at)}. {impact}."]
    if limit <= SMS_LIMIT:  # SMS: the essentials on a few lines
        head, facts, links = short_head, short_facts, [ack_url or detail_url]
    if len("\n".join([*head, *facts, *links])) > limit:  # a small channel: the short form
        head, facts = short_head, short_facts
    return Message(title=title[:200], body=_fit([*head], description, [*facts], links, limit))


def _fit(head: list[str], description: str, facts: list[str], links: list[str], limit: int) -> str:
    """Lines within ``limit``: the description is cut first, then the facts; the links
    (incident page, ack) are always whole."""
    tail = "\n".join(links)
    fixed = "\n".join([*head, *facts, tail])
    room = limit - len(fixed) - len("\nMô tả: ")
    if description and room > 10:
        if len(description) > room:
            description = description[: room - 1].rstrip() + "…"
        return "\n".join([*head, f"Mô tả: {description}", *facts, tail])
    if len(fixed) <= limit:
        return fixed
    text = "\n".join([*head, *facts])[: max(0, limit - len(tail) - 2)].rstrip()
    return f"{text}…\n{tail}" if text else tail[:limit]


def _steps_done(incident: Incident) -> list[str]:
    if not incident.steps_done:
        return []
    done = set(incident.steps_done)
    return [step.text.rstrip(".") for step in incident_steps(incident) if step.position in done]


def share_text(incident: Incident, *, detail_url: str) -> str:
    """The report formatted for a Zalo group, shared from the phone (seed 004 step 2)."""
    return incident_message(incident, level=Level.AT_ONCE, detail_url=detail_url).body


ACCOUNT_TYPES = {"login", "national-db", "digital-cert", "software-down"}


def escalation_note(incident: Incident) -> str:
    """What to add when asking an outside unit for help (seed 000 2.2.3, 2.3.3):
    the message itself carries the description, time, impact, steps tried, photos."""
    lines = ["Đề nghị đơn vị hỗ trợ khắc phục sớm."]
    if incident.incident_type.code in ACCOUNT_TYPES:
        lines.append("Tài khoản liên quan: ")
    return "\n".join(lines)
