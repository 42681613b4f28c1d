"""Return dates count working days: Vietnamese public holidays, make-up Saturdays, the
admin's announced days, a center's Saturday and a procedure's cut-off hour."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ungcuu.continuity.models import CalendarDay, DayKind
from ungcuu.continuity.workdays import Calendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def due(received: datetime, days: int, cutoff: time | None = None, **calendar) -> date:
    return Calendar(**calendar).return_date(received, days, cutoff)


def test_an_ordinary_week_counts_from_the_next_working_day():
    # Monday 12/10/2026, 3 days: Tuesday, Wednesday, Thursday.
    assert due(at(2026, 10, 12), 3) == date(2026, 10, 15)
    # Thursday, 3 days: Friday, Monday, Tuesday (the weekend is skipped).
    assert due(at(2026, 10, 15), 3) == date(2026, 10, 20)


def test_tet_2026_is_skipped_whole():
    # Friday 13/2/2026; Tết holidays run Monday 16 to Friday 20/2.
    assert due(at(2026, 2, 13), 1) == date(2026, 2, 23)
    assert due(at(2026, 2, 13), 5) == date(2026, 2, 27)


def test_tet_2027_from_29_tet_to_mung_5():
    # Wednesday 3/2/2027; the holidays run Thursday 4 to Wednesday 10/2.
    assert due(at(2027, 2, 3), 1) == date(2027, 2, 11)


def test_30_4_and_1_5_and_the_observed_hung_kings_day_of_2026():
    # Hùng Kings' day falls on Sunday 26/4/2026 and is observed on Monday 27/4.
    assert due(at(2026, 4, 24), 1) == date(2026, 4, 28)
    # Wednesday 29/4: Thursday 30/4 and Friday 1/5 are holidays.
    assert due(at(2026, 4, 29), 1) == date(2026, 5, 4)


def test_national_day_2026_with_its_swapped_monday_and_make_up_saturday():
    # 31/8 (swapped), 1/9 and 2/9/2026 are off; Saturday 22/8 is worked instead.
    assert due(at(2026, 8, 28), 1) == date(2026, 9, 3)
    assert due(at(2026, 8, 21), 1) == date(2026, 8, 22)


def test_vietnam_cultural_day_24_11_from_2026():
    assert due(at(2026, 11, 23), 1) == date(2026, 11, 25)


def test_a_dossier_received_after_the_cut_off_counts_from_the_day_after_next():
    before, after = at(2026, 10, 12, 14, 59), at(2026, 10, 12, 15, 0)
    assert due(before, 1, time(15, 0)) == date(2026, 10, 13)
    assert due(after, 1, time(15, 0)) == date(2026, 10, 14)
    # Without a cut-off, the hour does not matter.
    assert due(after, 1) == date(2026, 10, 13)


def test_a_saturday_reception_counts_as_received_on_monday():
    assert due(at(2026, 10, 17), 1) == date(2026, 10, 20)


def test_a_center_that_works_on_saturday_counts_it():
    assert due(at(2026, 10, 16), 1, saturday_working=True) == date(2026, 10, 17)
    assert due(at(2026, 10, 16), 1) == date(2026, 10, 19)


def test_same_day_procedures_are_due_the_day_they_count_as_received():
    assert due(at(2026, 10, 12, 10), 0) == date(2026, 10, 12)
    assert due(at(2026, 10, 12, 16), 0, time(15, 0)) == date(2026, 10, 13)
    assert due(at(2026, 2, 14), 0) == date(2026, 2, 23)


def test_announced_days_off_and_working_days_from_the_admin_table_win():
    CalendarDay.objects.create(day=date(2026, 10, 13), kind=DayKind.OFF, note="Nghỉ bù")
    CalendarDay.objects.create(day=date(2026, 10, 17), kind=DayKind.WORKING, note="Làm bù")
    calendar = Calendar()
    assert not calendar.is_working_day(date(2026, 10, 13))
    assert calendar.is_working_day(date(2026, 10, 17))
    # Monday 12/10, 2 days: Wednesday 14 and Thursday 15 (Tuesday is now off).
    assert calendar.return_date(at(2026, 10, 12), 2, None) == date(2026, 10, 15)
    # Thursday 15/10, 2 days: Friday 16 and the announced Saturday 17.
    assert calendar.return_date(at(2026, 10, 15), 2, None) == date(2026, 10, 17)
