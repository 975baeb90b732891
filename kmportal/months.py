"""Calendar months, the unit of the work plan's schedule, the progress chart and follow-ups."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from first's month to last's, in order."""
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months
