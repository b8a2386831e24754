"""The Panel's response timescale: 15 working days after receipt (Panel practice guidance, 2019).

Working days are Monday to Friday except England-and-Wales bank holidays, taken from the maintained
``holidays`` package (subdivision ENG of GB: Christmas, Boxing Day, Good Friday, Easter Monday, the May
and August bank holidays, and one-off days such as coronations), with weekend substitutes included.
Receipt is the calendar date in London, so a draft uploaded at 00:30 BST on a Monday counts from that
Monday, not the Sunday its UTC timestamp falls on. No Flask, no database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WORKING_DAYS = 15
LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts, working day or not)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def receipt_date(received_at: datetime) -> date:
    """The London calendar date of an aware UTC timestamp."""
    return received_at.astimezone(LONDON).date()


def due_date(received_at: datetime, days: int = WORKING_DAYS) -> date:
    return add_working_days(receipt_date(received_at), days)


def today_in_london(now: datetime | None = None) -> date:
    return (now or datetime.now(LONDON)).astimezone(LONDON).date()


def is_overdue(due: date, today: date) -> bool:
    """Overdue from the day after the due date: a response on the due date is on time."""
    return today > due
