"""The supplies report kept for the accounting office: opening stock, received, used (and
for which incidents), moved, closing stock, per center and month or quarter (003 II.1a:
"Hoàn thành báo cáo bộ phận kế toán theo dõi"; R40)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q, Sum
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.text import xml_safe
from ungcuu.incidents.exports import plain_text
from ungcuu.org.models import Center, User
from ungcuu.readiness.models import MovementKind, StockMovement, SupplyItem
from ungcuu.readiness.services.common import is_keeper

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MIN_YEAR = 2000


@dataclass(frozen=True)
class UsagePeriod:
    """A calendar month or quarter, whole days in local time."""

    year: int
    month: int | None = None
    quarter: int | None = None

    @property
    def first(self) -> date:
        if self.month:
            return date(self.year, self.month, 1)
        return date(self.year, 3 * (self.quarter or 1) - 2, 1)

    @property
    def after(self) -> date:
        """The first day after the period."""
        last_month = self.month or 3 * (self.quarter or 1)
        if last_month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, last_month + 1, 1)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.after, time.min))

    @property
    def code(self) -> str:
        return f"m{self.month}" if self.month else f"q{self.quarter}"

    @property
    def label(self) -> str:
        if self.month:
            return f"Tháng {self.month:02d}/{self.year}"
        return f"Quý {ROMAN[self.quarter or 1]}/{self.year}"


def usage_period(year=None, period=None, *, today: date | None = None) -> UsagePeriod:
    """The period asked for: ``year`` and ``period`` "m1"…"m12" or "q1"…"q4"; this month
    when both are empty. Anything else is refused with a Vietnamese message."""
    today = today or timezone.localdate()
    year = str(year if year is not None else "").strip()
    period = str(period if period is not None else "").strip().lower()
    if not year and not period:
        return UsagePeriod(year=today.year, month=today.month)
    try:
        number = int(year) if year else today.year
    except ValueError as exc:
        raise ServiceError("Năm không hợp lệ.", field="year") from exc
    if not MIN_YEAR <= number <= today.year + 1:
        raise ServiceError(f"Năm phải từ {MIN_YEAR} đến {today.year + 1}.", field="year")
    kind, digits = period[:1], period[1:]
    if not period:
        kind, digits = "m", str(today.month)
    if kind not in ("m", "q") or not digits.isdigit():
        raise ServiceError("Vui lòng chọn tháng hoặc quý.", field="period")
    value = int(digits)
    if kind == "m" and 1 <= value <= 12:
        return UsagePeriod(year=number, month=value)
    if kind == "q" and 1 <= value <= 4:
        return UsagePeriod(year=number, quarter=value)
    raise ServiceError("Vui lòng chọn tháng hoặc quý.", field="period")


def period_choices() -> list[tuple[str, str]]:
    return [(f"m{m}", f"Tháng {m}") for m in range(1, 13)] + [
        (f"q{q}", f"Quý {ROMAN[q]}") for q in range(1, 5)
    ]


@dataclass
class UsageRow:
    item: SupplyItem
    opening: int = 0
    received: int = 0
    moved_in: int = 0
    used: int = 0
    moved_out: int = 0
    # (incident number, quantity) in the order used; None: used with no incident named
    uses: list[tuple[str | None, int]] = field(default_factory=list)

    @property
    def closing(self) -> int:
        return self.opening + self.received + self.moved_in - self.used - self.moved_out

    @property
    def incidents_text(self) -> str:
        by_number: dict[str | None, int] = defaultdict(int)
        for number, qty in self.uses:
            by_number[number] += qty
        unit = self.item.unit
        parts = [f"{n}: {q} {unit}" for n, q in by_number.items() if n is not None]
        if None in by_number:
            parts.append(f"không gắn sự cố: {by_number[None]} {unit}")
        return "; ".join(parts)


def may_report_usage(user: User) -> bool:
    """The center's leaders, IT officer and team leader (and those overseeing the center)."""
    return is_keeper(user)


_IN = (MovementKind.RECEIVED, MovementKind.MOVED_IN)


def supply_usage(center: Center, period: UsagePeriod) -> list[UsageRow]:
    """One row per supply item of the center, from its movements (the ledger)."""
    items = list(SupplyItem.objects.filter(center=center).order_by("kind", "name", "pk"))
    rows = {item.pk: UsageRow(item=item) for item in items}
    before = (
        StockMovement.objects.filter(item__center=center, at__lt=period.start)
        .values("item_id")
        .annotate(
            added=Sum("quantity", filter=Q(kind__in=_IN)),
            taken=Sum("quantity", filter=~Q(kind__in=_IN)),
        )
    )
    for entry in before:
        rows[entry["item_id"]].opening = (entry["added"] or 0) - (entry["taken"] or 0)
    moves = (
        StockMovement.objects.filter(item__center=center, at__gte=period.start, at__lt=period.end)
        .select_related("incident")
        .order_by("at", "pk")
    )
    for move in moves:
        row = rows[move.item_id]
        if move.kind == MovementKind.RECEIVED:
            row.received += move.quantity
        elif move.kind == MovementKind.MOVED_IN:
            row.moved_in += move.quantity
        elif move.kind == MovementKind.MOVED_OUT:
            row.moved_out += move.quantity
        else:
            row.used += move.quantity
            row.uses.append((move.incident.number if move.incident_id else None, move.quantity))
    return list(rows.values())


COLUMNS = [
    ("STT", 6),
    ("Tên vật tư", 30),
    ("Loại", 16),
    ("Đơn vị tính", 10),
    ("Tồn đầu kỳ", 11),
    ("Nhập trong kỳ", 11),
    ("Nhận từ trung tâm khác", 12),
    ("Sử dụng trong kỳ", 11),
    ("Chuyển sang trung tâm khác", 12),
    ("Tồn cuối kỳ", 11),
    ("Sử dụng cho sự cố", 48),
]


def supply_usage_xlsx(center: Center, period: UsagePeriod, rows: list[UsageRow]) -> bytes:
    # openpyxl (and numpy, which it loads) only in the processes that write workbooks.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Vật tư")
    for position, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + position)].width = width
    for text, size in (
        (f"BÁO CÁO SỬ DỤNG VẬT TƯ – {period.label}", 13),
        (f"{center.name} (gửi bộ phận kế toán theo dõi)", 11),
    ):
        cell = WriteOnlyCell(sheet, value=xml_safe(text))
        cell.font = Font(bold=True, size=size)
        sheet.append([cell])
    sheet.append(
        [
            f"Từ ngày {period.first:%d/%m/%Y} đến hết ngày "
            f"{date.fromordinal(period.after.toordinal() - 1):%d/%m/%Y}"
        ]
    )
    header = []
    for name, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for index, row in enumerate(rows, start=1):
        sheet.append(
            plain_text(
                sheet,
                [
                    index,
                    row.item.name,
                    row.item.get_kind_display(),
                    row.item.unit,
                    row.opening,
                    row.received,
                    row.moved_in,
                    row.used,
                    row.moved_out,
                    row.closing,
                    row.incidents_text,
                ],
            )
        )
    stamp = timezone.localtime()
    sheet.append([])
    sheet.append([f"Xuất lúc {stamp:%H:%M %d/%m/%Y} từ sổ nhập/xuất vật tư của UngCuu."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
