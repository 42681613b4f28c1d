"""Report periods: the calendar quarter, the statistical quarter, or any date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from ungcuu.core.errors import ServiceError

CALENDAR = "calendar"
STATISTICAL = "statistical"
MAX_RANGE_DAYS = 366 * 2


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` to ``last`` (inclusive), in local time."""

    first: date
    last: date
    year: int | None = None
    quarter: int | None = None
    kind: str = CALENDAR

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        span = f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"
        if self.quarter:
            return f"Quý {_roman(self.quarter)} năm {self.year} ({span})"
        return f"Từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"

    @property
    def short_label(self) -> str:
        if self.quarter:
            return f"quý {_roman(self.quarter)} năm {self.year}"
        return f"từ {self.first:%d/%m/%Y} đến {self.last:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        if self.quarter:
            return f"{self.year}-q{self.quarter}"
        return f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"


def _roman(n: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}[n]


MIN_YEAR, MAX_YEAR = 2000, 2100


def quarter(year: int, number: int, kind: str | None = None) -> Period:
    """Quarter ``number`` of ``year``; the statistical one runs from the 15th of the month
    before the quarter to the 14th of its last month (Q1 2026: 15/12/2025 – 14/03/2026)."""
    kind = kind or settings.REPORT_PERIOD
    if not 1 <= number <= 4:
        raise ServiceError("Quý phải là 1, 2, 3 hoặc 4.", field="quarter")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ServiceError(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.", field="year")
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    if kind == STATISTICAL:
        before = date(year, first_month, 1) - timedelta(days=1)
        return Period(
            first=before.replace(day=15),
            last=date(year, last_month, 14),
            year=year,
            quarter=number,
            kind=STATISTICAL,
        )
    next_first = date(year + 1, 1, 1) if number == 4 else date(year, last_month + 1, 1)
    return Period(
        first=date(year, first_month, 1),
        last=next_first - timedelta(days=1),
        year=year,
        quarter=number,
        kind=CALENDAR,
    )


def current_quarter(today: date | None = None, kind: str | None = None) -> Period:
    """The quarter that contains ``today`` under the chosen way of counting."""
    today = today or timezone.localdate()
    kind = kind or settings.REPORT_PERIOD
    for year in (today.year, today.year + 1):
        for number in range(1, 5):
            period = quarter(year, number, kind)
            if period.first <= today <= period.last:
                return period
    raise AssertionError("every day falls in a quarter")


def previous_quarter(period: Period) -> Period:
    year, number = (period.year, period.quarter - 1) if period.quarter > 1 else (period.year - 1, 4)
    return quarter(year, number, period.kind)


def date_range(first: date, last: date) -> Period:
    for day, field in ((first, "date_from"), (last, "date_to")):
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ServiceError(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.", field=field)
    if last < first:
        raise ServiceError("Ngày kết thúc phải sau ngày bắt đầu.", field="date_to")
    if (last - first).days > MAX_RANGE_DAYS:
        raise ServiceError("Khoảng thời gian tối đa là 2 năm.", field="date_to")
    return Period(first=first, last=last)


def _whole(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ServiceError("Vui lòng nhập một số nguyên.", field=field) from exc


def _day(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ServiceError("Ngày không hợp lệ (dùng dạng 2026-03-31).", field=field) from exc


def period_from(
    *,
    year=None,
    quarter_number=None,
    kind: str | None = None,
    date_from=None,
    date_to=None,
    today: date | None = None,
) -> Period:
    """The period a page or API call asks for: a date range, a quarter, or this quarter."""
    if kind not in (None, "", CALENDAR, STATISTICAL):
        raise ServiceError("Kỳ báo cáo phải là calendar hoặc statistical.", field="period")
    kind = kind or None
    first, last = _day(date_from, "date_from"), _day(date_to, "date_to")
    if first or last:
        if not (first and last):
            raise ServiceError("Vui lòng chọn cả ngày bắt đầu và ngày kết thúc.", field="date_to")
        return date_range(first, last)
    year, number = _whole(year, "year"), _whole(quarter_number, "quarter")
    if year is None and number is None:
        return current_quarter(today, kind)
    if year is None or number is None:
        raise ServiceError("Vui lòng chọn cả năm và quý.", field="quarter")
    return quarter(year, number, kind)
