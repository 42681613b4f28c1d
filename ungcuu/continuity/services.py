"""Paper intake during an outage and its re-entry afterwards."""

from __future__ import annotations

import re
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ungcuu.continuity.models import IntakeSequence, PaperIntake, Procedure, ReturnPlace
from ungcuu.continuity.workdays import Calendar
from ungcuu.core.errors import ServiceError
from ungcuu.core.idempotency import body_digest, check_replay
from ungcuu.core.numbers import parse_id, whole_number
from ungcuu.core.sequences import catch_up, next_in_year
from ungcuu.core.site import absolute
from ungcuu.core.text import nfc
from ungcuu.incidents.models import OPEN_STATUSES, Incident
from ungcuu.incidents.services.common import CLOCK_SKEW
from ungcuu.org.models import Center, Role, User
from ungcuu.org.scope import require_center, require_own
from ungcuu.readiness.services.drills import drill_running
from ungcuu.sync.outbox import require_writer

# ASCII digits only: "\d" would also take Arabic-Indic or fullwidth digits.
CCCD = re.compile(r"^[0-9]{12}$")
PHONE = re.compile(r"^\+?[0-9 .-]{8,15}$")
# Circular 01/2018's dossier code, e.g. 000.00.04.H40-230414-0002; checked softly.
DOSSIER_CODE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}$")
MAX_PROCESSING_DAYS = 365


@dataclass
class IntakeResult:
    intake: PaperIntake
    created: bool


@dataclass
class ReentryResult:
    intake: PaperIntake
    warning: str


def _text(
    value, field: str, *, label: str, required: bool = False, limit: int = 300, lines=False
) -> str:
    """NFC text; one line with single spaces unless ``lines`` keeps what was typed."""
    text = nfc(value) if lines else " ".join(nfc(value).split())
    if required and not text:
        raise ServiceError(f"Vui lòng nhập {label}.", field=field)
    if len(text) > limit:
        raise ServiceError(f"{label.capitalize()} quá dài (tối đa {limit} ký tự).", field=field)
    return text


def check_citizen_id(value) -> str:
    digits = re.sub(r"[\s.]", "", nfc(value))
    if not CCCD.fullmatch(digits):
        raise ServiceError(
            "Số CCCD phải gồm đúng 12 chữ số (ví dụ 040190001234).", field="citizen_id"
        )
    return digits


def _phone(value) -> str:
    phone = nfc(value)
    if phone and not PHONE.match(phone):
        raise ServiceError("Số điện thoại không hợp lệ.", field="phone")
    return phone


def _received_at(value, now: datetime) -> datetime:
    if value in (None, ""):
        return now
    try:
        moment = parse_datetime(value) if isinstance(value, str) else value
    except ValueError:  # well formed but impossible, e.g. 30/02
        moment = None
    if not isinstance(moment, datetime):
        raise ServiceError("Thời điểm nhận không hợp lệ.", field="received_at")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + CLOCK_SKEW:
        raise ServiceError("Thời điểm nhận không được ở tương lai.", field="received_at")
    if (now - moment).days > 366:
        raise ServiceError("Thời điểm nhận quá xa (hơn một năm trước).", field="received_at")
    return moment


def _days(value) -> int:
    if value in (None, ""):
        raise ServiceError(
            "Vui lòng nhập thời hạn giải quyết (số ngày làm việc).", field="processing_days"
        )
    return whole_number(
        value,
        field="processing_days",
        low=0,
        high=MAX_PROCESSING_DAYS,
        label="Thời hạn giải quyết (ngày làm việc)",
    )


def _documents(value) -> list[str]:
    if value in (None, ""):
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) for item in items):
        raise ServiceError("Thành phần hồ sơ phải là chữ.", field="documents")
    cleaned = [" ".join(nfc(item).split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > 50:
        raise ServiceError("Quá nhiều giấy tờ (tối đa 50).", field="documents")
    if any(len(item) > 200 for item in cleaned):
        raise ServiceError(
            "Tên một giấy tờ quá dài (tối đa 200 ký tự); ghi phần còn lại vào ô ghi chú.",
            field="documents",
        )
    return cleaned


def intake_incident(center: Center, value) -> Incident | None:
    """The incident a dossier is taken during, from the id a form or a client sent:
    none when empty, refused when it is not an incident of that center."""
    if value in (None, ""):
        return None
    if isinstance(value, Incident):
        found = value if value.center_id == center.pk else None
    else:
        pk = parse_id(value)
        if pk is None:
            raise ServiceError("Mã sự cố không hợp lệ.", field="incident")
        found = Incident.objects.filter(pk=pk, center=center).first()
    if found is None:
        raise ServiceError("Không tìm thấy sự cố này ở trung tâm đã chọn.", field="incident")
    return found


def _written_here(intake: PaperIntake) -> None:
    """A dossier is changed where it was written: the center's node, or the hub."""
    if intake.synced_from == "node":
        raise ServiceError(
            "Hồ sơ này được ghi trên máy của Trung tâm (node): hãy cập nhật trên máy đó.",
            status=409,
        )
    if intake.synced_from == "hub":
        raise ServiceError(
            "Hồ sơ này được ghi trên máy chủ của tỉnh: hãy cập nhật trên máy chủ đó.",
            status=409,
        )


def receipt_number(center: Center, year: int, sequence: int) -> str:
    return f"{center.prefix}-TAM-{year}-{sequence:06d}"


def _procedure(name: str, code: str) -> Procedure | None:
    if code:
        found = Procedure.objects.filter(code=code).first()
        if found:
            return found
    return Procedure.objects.filter(name__iexact=name).first() if name else None


def intake_create(
    *,
    actor: User,
    center: Center,
    citizen_name,
    citizen_id,
    procedure,
    processing_days=None,
    procedure_code="",
    phone="",
    address="",
    email="",
    documents=None,
    documents_note="",
    copies=1,
    received_at=None,
    return_place=ReturnPlace.DESK,
    needs_db_check=False,
    incident: Incident | None = None,
    book="",
    client_uuid=None,
    now: datetime | None = None,
) -> IntakeResult:
    """Register a dossier taken on paper. Replaying the same ``client_uuid`` with the same
    body returns the first record and changes nothing; another body is refused (409)."""
    require_center(actor, center, field="center")
    now = now or timezone.now()
    digest = body_digest(
        center=center.code,
        incident=incident.pk if incident else None,
        citizen_name=citizen_name,
        citizen_id=citizen_id,
        procedure=procedure,
        procedure_code=procedure_code,
        processing_days=processing_days,
        phone=phone,
        address=address,
        email=email,
        documents=documents,
        documents_note=documents_note,
        copies=copies,
        received_at=received_at,
        return_place=return_place,
        needs_db_check=bool(needs_db_check),
        book=book,
    )
    if client_uuid:
        try:
            client_uuid = (
                client_uuid
                if isinstance(client_uuid, uuid_lib.UUID)
                else uuid_lib.UUID(str(client_uuid))
            )
        except ValueError as exc:
            raise ServiceError("Mã UUID không hợp lệ.", field="client_uuid") from exc
        existing = PaperIntake.objects.filter(client_uuid=client_uuid).first()
        if existing:
            if existing.center_id != center.pk:
                raise ServiceError("Mã client_uuid này đã được dùng.", status=409)
            check_replay(existing.client_digest, digest, existing_id=existing.pk, what="hồ sơ")
            return IntakeResult(existing, False)
    else:
        client_uuid = uuid_lib.uuid4()

    errors: dict[str, str] = {}

    def collect(check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ServiceError as exc:
            errors.update(exc.fields or {"__all__": exc.message})
            return None

    name = collect(_text, citizen_name, "citizen_name", label="họ và tên người nộp", required=True)
    cccd = collect(check_citizen_id, citizen_id)
    proc_name = collect(_text, procedure, "procedure", label="tên thủ tục", required=True)
    proc_code = collect(_text, procedure_code, "procedure_code", label="mã thủ tục", limit=30)
    known = _procedure(proc_name or "", proc_code or "")
    if processing_days in (None, "") and known:
        processing_days = known.processing_days
    days = collect(_days, processing_days)
    moment = collect(_received_at, received_at, now)
    phone = collect(_phone, phone)
    address = collect(_text, address, "address", label="địa chỉ", limit=250)
    email = collect(_text, email, "email", label="thư điện tử", limit=120)
    docs = collect(_documents, documents)
    note = collect(_text, documents_note, "documents_note", label="ghi chú", limit=2000, lines=True)
    copies = collect(_copies, copies)
    if return_place not in ReturnPlace.values:
        errors["return_place"] = "Nơi nhận kết quả không hợp lệ."
    if incident is not None and incident.center_id != center.pk:
        errors["incident"] = "Sự cố này không thuộc trung tâm đã chọn."
    if errors:
        first = next(iter(errors.values()))
        raise ServiceError(first, fields=errors)

    require_writer(center, "tiếp nhận hồ sơ giấy")
    cutoff = known.cutoff if known else None
    due = Calendar.for_center(center).return_date(moment, days, cutoff)
    year = timezone.localtime(moment).year
    for _attempt in range(2):
        try:
            with transaction.atomic():
                sequence = next_in_year(IntakeSequence, center, year)
                intake = PaperIntake.objects.create(
                    client_uuid=client_uuid,
                    client_digest=digest,
                    center=center,
                    incident=incident,
                    receipt_number=receipt_number(center, year, sequence),
                    year=year,
                    sequence=sequence,
                    book=_text(book, "book", label="quyển số", limit=20) or str(year),
                    citizen_name=name,
                    citizen_id=cccd,
                    phone=phone,
                    address=address,
                    email=email,
                    procedure=proc_name,
                    procedure_code=proc_code or (known.code if known else ""),
                    documents=docs,
                    documents_note=note,
                    copies=copies,
                    processing_days=days,
                    received_at=moment,
                    expected_return_date=due,
                    return_place=return_place,
                    needs_db_check=bool(needs_db_check),
                    received_by=actor,
                    is_drill=bool(incident and incident.is_drill)
                    or drill_running(center, moment) is not None,
                )
            return IntakeResult(intake, True)
        except IntegrityError:
            # The same client_uuid committed by a concurrent replay.
            existing = PaperIntake.objects.filter(client_uuid=client_uuid).first()
            if existing is not None:
                check_replay(existing.client_digest, digest, existing_id=existing.pk, what="hồ sơ")
                return IntakeResult(existing, False)
            # Else the receipt number was already given: the center's counter fell behind
            # its receipts. It catches up and the dossier takes the next number.
            if _attempt:
                raise
            highest = PaperIntake.objects.filter(center=center, year=year).aggregate(
                highest=Max("sequence")
            )["highest"]
            catch_up(IntakeSequence, center, year, highest or 0)
    raise AssertionError("unreachable: the second attempt returns or raises")


def _copies(value) -> int:
    if value in (None, ""):
        return 1
    return whole_number(value, field="copies", low=1, high=99, label="Số lượng hồ sơ (bộ)")


def dossier_code_warning(code: str) -> str:
    if DOSSIER_CODE.match(code):
        return ""
    return (
        "Mã hồ sơ không đúng dạng thường gặp (ví dụ 000.00.04.H40-230414-0002). "
        "Đã lưu; vui lòng kiểm tra lại."
    )


def intake_reenter(
    *, actor: User, intake: PaperIntake, dossier_code, now: datetime | None = None
) -> ReentryResult:
    """Record that a paper dossier was entered into the one-stop software under its
    official code. The time of receipt stays as it was. Recording the same code again
    changes nothing; a different code on an entered dossier is refused."""
    require_own(actor, intake, what="hồ sơ", field="intake")
    code = " ".join(nfc(dossier_code).split()).upper()
    if not code:
        raise ServiceError("Vui lòng nhập mã hồ sơ chính thức.", field="dossier_code")
    if len(code) > 40:
        raise ServiceError("Mã hồ sơ quá dài (tối đa 40 ký tự).", field="dossier_code")
    now = now or timezone.now()
    with transaction.atomic():
        locked = PaperIntake.objects.select_for_update().get(pk=intake.pk)
        _written_here(locked)
        if locked.reentered_at is not None:
            if locked.dossier_code == code:
                return ReentryResult(locked, dossier_code_warning(code))
            raise ServiceError(
                f"Hồ sơ này đã được nhập lại với mã {locked.dossier_code}.",
                field="dossier_code",
                status=409,
            )
        locked.dossier_code = code
        locked.reentered_at = now
        locked.reentered_by = actor
        locked.save(update_fields=["dossier_code", "reentered_at", "reentered_by"])
    return ReentryResult(locked, dossier_code_warning(code))


def intake_db_check(
    *, actor: User, intake: PaperIntake, now: datetime | None = None
) -> PaperIntake:
    """Record that a flagged dossier's details were checked against the national
    database once the system came back (000 2.3.4: "thực hiện đối chiếu thông tin sau khi
    hệ thống được khôi phục"), by whom and when. Recording it again changes nothing."""
    require_own(actor, intake, what="hồ sơ", field="intake")
    if not intake.needs_db_check:
        raise ServiceError("Hồ sơ này không cần đối chiếu CSDL quốc gia.", status=409)
    if intake.db_checked_at is None and recovered_on(intake) is None:
        raise ServiceError(
            "Chỉ đối chiếu được sau khi hệ thống được khôi phục (sự cố chưa khắc phục xong).",
            status=409,
        )
    with transaction.atomic():
        locked = PaperIntake.objects.select_for_update().get(pk=intake.pk)
        _written_here(locked)
        if locked.db_checked_at is None:
            locked.db_checked_at = now or timezone.now()
            locked.db_checked_by = actor
            locked.save(update_fields=["db_checked_at", "db_checked_by"])
    return locked


# --- re-entry deadline --------------------------------------------------------------------


def recovered_on(intake: PaperIntake) -> date | None:
    """The day the outage ended, for a dossier that belongs to an incident; None while
    the incident is still going on. A dossier taken by hand counts from its receipt."""
    incident = intake.incident
    if incident is None:
        return timezone.localtime(intake.received_at).date()
    if incident.status in OPEN_STATUSES:
        return None
    moment = incident.restored_at or incident.resolved_at or incident.closed_at
    return timezone.localtime(moment).date() if moment else None


def reentry_due(intake: PaperIntake, calendar: Calendar | None = None) -> date | None:
    """The re-entry deadline: the working day after recovery."""
    day = recovered_on(intake)
    if day is None:
        return None
    return (calendar or Calendar.for_center(intake.center)).next_working_day(day)


# --- reminders ------------------------------------------------------------------------------


def reentry_reminders(*, now: datetime | None = None) -> int:
    """Tell each center's team leaders, once a day, about paper dossiers whose re-entry
    deadline has passed (drills aside). Returns how many messages were queued."""
    from django.urls import reverse

    from ungcuu.notify.services import remind

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    queued = 0
    pending = (
        PaperIntake.objects.pending().filter(is_drill=False).select_related("center", "incident")
    )
    by_center: dict[int, list[PaperIntake]] = {}
    calendars: dict[int, Calendar] = {}
    for intake in pending.order_by("received_at"):
        calendar = calendars.setdefault(intake.center_id, Calendar.for_center(intake.center))
        due = reentry_due(intake, calendar)
        if due is not None and due < today:
            by_center.setdefault(intake.center_id, []).append(intake)
    link = absolute(reverse("continuity:reentry"))
    for overdue in by_center.values():
        center = overdue[0].center
        numbers = ", ".join(i.receipt_number for i in overdue[:5])
        more = f" và {len(overdue) - 5} hồ sơ khác" if len(overdue) > 5 else ""
        body = (
            f"{center.name}: còn {len(overdue)} hồ sơ tiếp nhận bằng giấy quá hạn nhập lại "
            f"vào phần mềm một cửa ({numbers}{more}).\nMở danh sách: {link}"
        )
        for leader in center.people.filter(role=Role.TEAM_LEADER, is_active=True):
            _, created = remind(
                person=leader,
                title="Hồ sơ giấy quá hạn nhập lại",
                body=body,
                key=f"reentry:{center.pk}:{today.isoformat()}:{leader.pk}",
            )
            queued += created
    return queued
