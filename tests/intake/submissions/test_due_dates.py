"""Due date = 15 working days after receipt, England-and-Wales bank holidays excluded (holidays package)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from intake.submissions.due_dates import add_working_days, due_date, is_overdue, is_working_day, receipt_date


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Christmas Day, Boxing Day and New Year's Day 2024/25 fall on weekdays: three days later than a plain count
        (date(2024, 12, 16), date(2025, 1, 9)),
        # Christmas 2021 on a weekend: substitute days Mon 27 and Tue 28 Dec, and Mon 3 Jan 2022 for New Year
        (date(2021, 12, 23), date(2022, 1, 18)),
        # Easter 2025: Good Friday 18 April and Easter Monday 21 April
        (date(2025, 4, 7), date(2025, 4, 30)),
        # Easter 2024 straddles March and April: Good Friday 29 March, Easter Monday 1 April
        (date(2024, 3, 25), date(2024, 4, 17)),
        # an ordinary three weeks: no holiday between
        (date(2025, 6, 2), date(2025, 6, 23)),
        # received on a Saturday: counting starts on Monday
        (date(2025, 6, 7), date(2025, 6, 27)),
    ],
)
def test_when_received_then_due_fifteen_working_days_later(received, expected):
    assert add_working_days(received, 15) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 12, 25), False),
        (date(2024, 12, 26), False),
        (date(2024, 12, 27), True),
        (date(2021, 12, 28), False),  # substitute for Boxing Day on a Sunday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 5, 5), False),  # early May bank holiday
        (date(2025, 8, 25), False),  # summer bank holiday (England, not Scotland's first Monday)
        (date(2025, 8, 4), True),  # Scotland's summer holiday is a working day in England
        (date(2025, 3, 17), True),  # St Patrick's Day is Northern Ireland only
        (date(2025, 6, 7), False),  # Saturday
    ],
)
def test_when_a_day_is_a_bank_holiday_or_weekend_then_it_is_not_a_working_day(day, working):
    assert is_working_day(day) is working


def test_when_received_late_evening_utc_in_summer_then_the_london_date_counts():
    # 23:30 UTC on Sunday 1 June 2025 is 00:30 BST on Monday 2 June
    received = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    assert receipt_date(received) == date(2025, 6, 2)
    assert due_date(received) == date(2025, 6, 23)


def test_when_the_due_date_is_today_then_it_is_not_yet_overdue():
    due = date(2025, 1, 9)
    assert not is_overdue(due, date(2025, 1, 9))
    assert is_overdue(due, date(2025, 1, 10))
