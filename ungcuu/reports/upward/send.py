"""Sending one report upward: e-mail first (it carries the minutes), then the chat
channels of the body's contacts; retried with backoff, every attempt on the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from ungcuu.core.site import absolute
from ungcuu.incidents.models import EventKind, Incident, IncidentEvent, micros
from ungcuu.notify import transport
from ungcuu.notify.models import Channel
from ungcuu.reports.models import UpwardReason, UpwardReport, UpwardState

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60  # 1, 2, 4, 8 minutes between attempts
MAX_ROUTES = 4  # addresses tried per attempt: bounds how long one attempt can take
CLAIM_FOR = timedelta(seconds=transport.TIMEOUT_SECONDS * MAX_ROUTES + 60)
CHAT_LIMIT = 2000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_ADDRESS_ERROR = "Cơ quan chưa có thư điện tử hay kênh nhận tin trong phương án."


def local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else "chưa có"


@dataclass(frozen=True)
class Route:
    via: str  # "email" or the channel's scheme
    address: str  # shown on the incident page: the e-mail address or the contact
    url: str

    @property
    def is_email(self) -> bool:
        return self.via == "email"


def _mail_url(address: str) -> str:
    base = settings.UPWARD_MAIL_URL
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}to={quote(address, safe='@')}"


def routes(report: UpwardReport) -> tuple[list[Route], str]:
    """Where this report can go, e-mail first (it carries the minutes), then the chat
    channels of the body's contacts (SMS last); and why there is none, if so."""
    found: list[Route] = []
    emails = [report.email]
    if report.organisation is not None:
        emails.append(report.organisation.email)
    emails = list(dict.fromkeys(e for e in emails if e))
    if settings.UPWARD_MAIL_URL:
        found += [Route("email", e, _mail_url(e)) for e in emails]
    if report.organisation_id:
        center = report.incident.center
        channels = (
            Channel.objects.filter(
                is_active=True,
                contact__organisation_id=report.organisation_id,
            )
            .filter(Q(contact__center=center) | Q(contact__center__isnull=True))
            .select_related("contact")
        )
        ordered = sorted(
            channels, key=lambda c: (transport.is_sms(c.url), c.contact_id, c.position, c.pk)
        )
        found += [Route(c.scheme, c.contact.name[:150], c.url) for c in ordered]
    if found:
        return found[:MAX_ROUTES], ""
    if emails:
        return [], (
            "Máy chủ chưa có hộp thư gửi báo cáo (UNGCUU_MAIL_URL) và cơ quan chưa có kênh "
            "nhận tin."
        )
    return [], NO_ADDRESS_ERROR


def link(report: UpwardReport) -> str:
    if report.reason == UpwardReason.RESOLVED:
        return absolute(reverse("reports:minutes", args=[report.incident_id]))
    return absolute(reverse("incidents:detail", args=[report.incident_id]))


def message(report: UpwardReport, *, limit: int | None = None) -> tuple[str, str]:
    """The title and text sent to the body: what happened, and where to read more."""
    incident = report.incident
    center = incident.center
    kind = incident.incident_type.name
    title = f"Báo cáo sự cố {incident.number} – {center.short_name}"
    lines = [f"Kính gửi: {report.body_name}."]
    if report.reason == UpwardReason.RESOLVED:
        lines.append(
            f"{center.name} báo cáo sự cố {incident.number}: {kind} "
            f"({incident.get_tier_display().lower()}), phát sinh lúc "
            f"{local_time(incident.started_at)}, khôi phục lúc {local_time(incident.restored_at)}."
        )
        if incident.root_cause:
            lines.append(f"Nguyên nhân: {incident.root_cause}")
        if incident.resolution:
            lines.append(f"Cách khắc phục: {incident.resolution}")
        lines.append(
            f"Người dân bị ảnh hưởng: {incident.citizens_affected}; hồ sơ bị chậm: "
            f"{incident.dossiers_delayed}."
        )
        lines.append(f"Biên bản sự cố: {link(report)}")
    elif report.reason == UpwardReason.PROLONGED:
        title = f"Sự cố kéo dài {incident.number} – {center.short_name}"
        lines.append(f"{center.name}: sự cố {incident.number} – {kind} kéo dài. {report.note}")
        lines.append(f"Theo dõi sự cố: {link(report)}")
    else:
        title = f"Sự cố lặp lại: {kind} – {center.short_name}"
        lines.append(f"{center.name}: sự cố “{kind}” lặp lại {report.note}.")
        lines.append(f"Sự cố mới nhất: {link(report)}")
    text = "\n".join(lines)
    if limit and len(text) > limit:
        keep = limit - len(lines[-1]) - 2
        text = text[: max(keep, 0)].rstrip() + "…\n" + lines[-1]
    return title, text[:limit] if limit else text


def minutes_file(incident: Incident) -> tuple[str, bytes, str]:
    from ungcuu.reports import documents, services

    content = documents.minutes_docx(services.minutes_view(incident))
    return (f"bien-ban-su-co-{incident.number}.docx", content, DOCX)


def _claim(report_id: int, now: datetime) -> bool:
    return bool(
        UpwardReport.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=report_id,
            state=UpwardState.PENDING,
        ).update(
            state=UpwardState.SENDING,
            attempts=F("attempts") + 1,
            claimed_until=now + CLAIM_FOR,
        )
    )


def upward_send(report_id: int, *, now: datetime | None = None) -> str:
    """Try one report once over its addresses in order. Safe to run twice: only the run
    that claims the row sends, and a sent report is never sent again."""
    now = now or timezone.now()
    if not _claim(report_id, now):
        return "skipped"
    report = UpwardReport.objects.select_related(
        "incident__center__province", "incident__incident_type", "organisation"
    ).get(pk=report_id)
    found, missing = routes(report)
    if not found:
        _finish(report, UpwardState.NO_ADDRESS, error=missing, now=now)
        return "no_address"
    attachment = None
    failures = []
    for route in found:
        files = None
        if route.is_email and report.reason == UpwardReason.RESOLVED:
            attachment = attachment or minutes_file(report.incident)
            files = [attachment]
        limit = None if route.is_email else min(CHAT_LIMIT, transport.body_limit(route.url))
        title, text = message(report, limit=limit)
        try:
            transport.send(route.url, title=title, body=text, key=str(report.key), attach=files)
        except transport.TransportError as exc:
            failures.append(f"{route.address}: {exc}")
            continue
        _finish(report, UpwardState.SENT, route=route, now=timezone.now())
        return "sent"
    error = "; ".join(failures)
    if report.attempts >= MAX_ATTEMPTS:
        _finish(report, UpwardState.FAILED, error=error, now=timezone.now())
        return "failed"
    delay = BACKOFF_SECONDS * 2 ** (report.attempts - 1)
    with transaction.atomic():
        UpwardReport.objects.filter(pk=report.pk, state=UpwardState.SENDING).update(
            state=UpwardState.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=error[:2000],
        )
        _event(report, ok=False, via="", error=error, now=timezone.now())
    from ungcuu.reports import tasks

    tasks.upward_send.schedule((report.pk,), delay=delay)
    return "retry"


def _finish(
    report: UpwardReport, state: str, *, route: Route | None = None, error: str = "", now
) -> None:
    """The outcome, with its timeline event, in one transaction."""
    fields = {"state": state, "last_error": error[:2000], "claimed_until": None}
    if route is not None:
        fields.update(via=route.via, address=route.address[:300], sent_at=now)
    with transaction.atomic():
        changed = UpwardReport.objects.filter(pk=report.pk, state=UpwardState.SENDING).update(
            **fields
        )
        if changed:
            _event(
                report, ok=route is not None, via=route.via if route else "", error=error, now=now
            )


def _event(report: UpwardReport, *, ok: bool, via: str, error: str, now: datetime) -> None:
    upward_event(report, ok=ok, via=via, error=error, now=now).save()


def upward_event(
    report: UpwardReport, *, ok: bool, via: str, error: str, now: datetime
) -> IncidentEvent:
    """The timeline event of an attempt (unsaved; its clock set for ``bulk_create``)."""
    return IncidentEvent(
        incident_id=report.incident_id,
        kind=EventKind.NOTIFIED,
        actor=None,
        at=now,
        hlc=micros(now),
        payload={
            "upward": str(report.key),
            "reason": report.reason,
            "recipient": f"{report.body_name} (báo cáo cấp trên)",
            "channel": via,
            "ok": ok,
            "error": error[:500],
            "attempt": report.attempts,
        },
    )
