"""Vietnamese dates (issue 14, item 3): every date and time field takes and shows
dd/mm/yyyy and HH:MM (24 hours), reads ISO too (queued offline forms, links), and refuses
anything else with a Vietnamese message."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from ungcuu.core.dates import (
    BadDate,
    VnDateField,
    VnDateTimeField,
    parse_date,
    parse_datetime_local,
)


@pytest.mark.parametrize(
    "text", ["04/12/2026", "4/12/2026", "04-12-2026", "4.12.2026", "04122026", "2026-12-04"]
)
def test_a_date_is_read_day_first_or_iso(text):
    assert parse_date(text) == date(2026, 12, 4)


@pytest.mark.parametrize(
    "text",
    [
        "04/12/2026 14:30",
        "4/12/2026 14h30",
        "04/12/2026, 14:30",
        "041220261430",
        "14:30 04/12/2026",
        "2026-12-04T14:30",
        "2026-12-04 14:30",
        "2026-12-04T07:30:00Z",
    ],
)
def test_a_moment_is_vietnam_time_unless_it_says_otherwise(text):
    moment = parse_datetime_local(text)
    assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2026, 12, 4, 14, 30)


@pytest.mark.parametrize(
    "text", ["31/02/2026", "12/31/2026", "2026-02-30", "hôm qua", "", "04/12", "01/01/0001"]
)
def test_impossible_or_foreign_dates_are_refused(text):
    with pytest.raises(BadDate):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "04/12/2026",
        "04/12/2026 24:00",
        "04/12/2026 2:30 PM",
        "2026-02-30T10:00",
        "0001-01-01T00:00",
        "31/12/9999 23:59",
        "x",
    ],
)
def test_a_moment_needs_a_real_date_and_a_24_hour_time(text):
    with pytest.raises(BadDate):
        parse_datetime_local(text)


def test_fields_refuse_with_a_vietnamese_message():
    field = VnDateField()
    with pytest.raises(Exception) as caught:
        field.clean("12/31/2026")
    assert "ngày/tháng/năm" in str(caught.value)
    with pytest.raises(Exception) as caught:
        VnDateTimeField().clean("04/12/2026 2:30 PM")
    assert "24 giờ" in str(caught.value)


def test_widgets_show_day_first_and_24_hours_even_for_an_iso_value():
    moment = timezone.make_aware(datetime(2026, 12, 4, 21, 5))
    assert VnDateTimeField().widget.format_value(moment) == "04/12/2026 21:05"
    assert VnDateField().widget.format_value(date(2026, 1, 9)) == "09/01/2026"
    assert VnDateField().widget.format_value("2026-01-09") == "09/01/2026"
    html = VnDateTimeField().widget.render("at", moment)
    assert 'type="text"' in html and 'data-date="datetime"' in html
    assert 'value="04/12/2026 21:05"' in html
