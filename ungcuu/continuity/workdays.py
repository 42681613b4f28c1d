"""Working days in Vietnam: public holidays and make-up Saturdays from the ``holidays``
package, each year's announced extra days off / working days from the admin table,
and a center's choice to count Saturday.

A return date counts its days from the working day after the receipt, and from the
one after that when the procedure's cut-off hour had passed.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

import holidays
from django.utils import timezone

from ungcuu.continuity.models import CalendarDay, DayKind

SATURDAY = 5


@functools.lru_cache(maxsize=32)
def _public(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working Saturdays) of a year."""
    found = holidays.country_holidays("VN", years=year, language="vi")
    workdays = frozenset(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
    return frozenset(found), workdays


class Calendar:
    """The working days seen from one center; reads the admin table once."""

    def __init__(self, *, saturday_working: bool = False, extra: dict[date, str] | None = None):
        self.saturday_working = saturday_working
        if extra is None:
            extra = dict(CalendarDay.objects.values_list("day", "kind"))
        self.extra = extra

    @classmethod
    def for_center(cls, center) -> Calendar:
        return cls(saturday_working=bool(center and center.saturday_working))

    def is_working_day(self, day: date) -> bool:
        announced = self.extra.get(day)
        if announced == DayKind.OFF:
            return False
        if announced == DayKind.WORKING:
            return True
        public, make_up = _public(day.year)
        if day in public:
            return False
        if day in make_up:
            return True
        weekday = day.weekday()
        return weekday < SATURDAY or (weekday == SATURDAY and self.saturday_working)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def return_date(self, received_at: datetime, processing_days: int, cutoff: time | None) -> date:
        """The day the result is due: ``processing_days`` working days counted from
        the working day after the receipt.

        A dossier received on a day off, or after the procedure's cut-off hour, counts
        as received on the next working day, so its counting starts the day after
        that. A same-day procedure (0 days) is due on the day it counts as received."""
        local = timezone.localtime(received_at)
        day = local.date()
        if not self.is_working_day(day) or (cutoff is not None and local.time() >= cutoff):
            day = self.next_working_day(day)
        return self.add_working_days(day, processing_days)
