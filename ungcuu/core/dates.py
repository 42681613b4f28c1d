"""Dates and times as people in Vietnam write them: dd/mm/yyyy and HH:MM (24 hours).

The browser's own date inputs follow the browser's language (mm/dd/yyyy, 12-hour on an
English phone), so every date and time field is a text box read here. ISO 8601 is read too:
forms queued offline by an earlier page, tools, the API."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"

_SEP = r"[/.\-]"
_DMY = rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})|(\d{{2}})(\d{{2}})(\d{{4}})"
_DATE = re.compile(rf"^(?:{_DMY})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_HM = r"(\d{1,2})\s*[:hHgG.]\s*(\d{2})(?:\s*[:]\s*(\d{2}))?|(\d{2})(\d{2})"
# "04/12/2026 14:30", "04/12/2026, 14h30", "041220261430", and time first: "14:30 04/12/2026".
_DATE_TIME = re.compile(rf"^(?:{_DMY})\s*(?:,|\s|lúc)\s*(?:{_HM})$|^(?:{_DMY})(?:{_HM})$")
_TIME_DATE = re.compile(rf"^(?:{_HM})\s*(?:,|\s|ngày)\s*(?:{_DMY})$")

DATE_MESSAGE = _("Ngày không hợp lệ: nhập theo ngày/tháng/năm, ví dụ 04/12/2026.")
DATETIME_MESSAGE = _(
    "Thời điểm không hợp lệ: nhập ngày/tháng/năm giờ:phút (24 giờ), ví dụ 04/12/2026 14:30."
)


class BadDate(ValueError):
    """Text that is no date (or no date and time) in any accepted form."""


def _dmy(groups: tuple) -> date:
    day, month, year = (int(g) for g in (groups[0:3] if groups[0] else groups[3:6]))
    return date(year, month, day)  # ValueError on 31/02


def _hm(groups: tuple) -> time:
    if groups[0] is not None:
        hour, minute, second = int(groups[0]), int(groups[1]), int(groups[2] or 0)
    else:
        hour, minute, second = int(groups[3]), int(groups[4]), 0
    return time(hour, minute, second)  # ValueError on 24:00, 14:75


# Beyond these years a date is a typing slip, and far ones overflow time zone arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _sane(day: date, value: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadDate(value)
    return day


def parse_date(text: str) -> date:
    """``04/12/2026``, ``4/12/2026``, ``04-12-2026``, ``04122026`` or ISO ``2026-12-04``."""
    value = (text or "").strip()
    try:
        if found := _ISO_DATE.match(value):
            return _sane(date(int(found[1]), int(found[2]), int(found[3])), value)
        if found := _DATE.match(value):
            return _sane(_dmy(found.groups()), value)
    except ValueError as exc:
        raise BadDate(value) from exc
    raise BadDate(value)


def parse_datetime_local(text: str) -> datetime:
    """``04/12/2026 14:30`` (and the variants of :func:`parse_date`, ``14h30``, time first)
    or ISO 8601; a time without a zone is Vietnam's time. Returns an aware datetime."""
    value = " ".join((text or "").split())
    moment = None
    try:
        if "T" in value or _ISO_DATE.match(value[:10]):
            moment = parse_datetime(value)
        if moment is None and (found := _DATE_TIME.match(value)):
            groups = found.groups()
            day_groups, time_groups = (groups[0:6], groups[6:11])
            if not any(day_groups):
                day_groups, time_groups = groups[11:17], groups[17:22]
            moment = datetime.combine(_dmy(day_groups), _hm(time_groups))
        if moment is None and (found := _TIME_DATE.match(value)):
            groups = found.groups()
            moment = datetime.combine(_dmy(groups[5:11]), _hm(groups[0:5]))
    except ValueError as exc:
        raise BadDate(value) from exc
    if moment is None:
        raise BadDate(value)
    _sane(moment.date(), value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def show_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DATE_FORMAT)


def show_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(
        DATETIME_FORMAT
    )


class VnDateInput(forms.TextInput):
    """A text box showing dd/mm/yyyy; app.js adds the slashes as digits are typed and a
    calendar button where the browser has one."""

    kind = "date"
    placeholder = "dd/mm/yyyy"

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": self.placeholder,
            "data-date": self.kind,
            "maxlength": "25",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str) and _ISO_DATE.match(value.strip()[:10]):
            # An ISO value sent back (a link's filter, a queued form) is shown the local way.
            try:
                value = (
                    parse_datetime_local(value) if self.kind == "datetime" else parse_date(value)
                )
            except BadDate:
                pass
        if isinstance(value, datetime | date):
            return show_datetime(value) if self.kind == "datetime" else show_date(value)
        return super().format_value(value)


class VnDateTimeInput(VnDateInput):
    kind = "datetime"
    placeholder = "dd/mm/yyyy hh:mm"


class VnDateField(forms.DateField):
    widget = VnDateInput
    default_error_messages = {"invalid": DATE_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except BadDate as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class VnDateTimeField(forms.DateTimeField):
    widget = VnDateTimeInput
    default_error_messages = {"invalid": DATETIME_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return timezone.make_aware(value) if timezone.is_naive(value) else value
        if isinstance(value, date):
            return timezone.make_aware(datetime.combine(value, time.min))
        try:
            return parse_datetime_local(str(value))
        except BadDate as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
