"""Numbers that come from people (query strings, form fields) and go to the database.

Ids are 32-bit integer columns on PostgreSQL: anything outside 1..2**31-1 cannot exist, so it
is refused here rather than sent to the database (where it would be an error, not "not
found"). Each parser raises ValueError, so `request.args.get(name, type=parser)` falls back to
the default for bad input.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
MAX_PAGE = 10_000


def database_id(raw) -> int:
    """An id that may exist in the database, or ValueError."""
    value = int(str(raw).strip())
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"id out of range: {raw!r}")
    return value


def page_number(raw) -> int:
    """A page of a list: 1..MAX_PAGE, or ValueError."""
    value = int(str(raw).strip())
    if not 1 <= value <= MAX_PAGE:
        raise ValueError(f"page out of range: {raw!r}")
    return value


def optional_id(raw) -> int | None:
    """An id from a form or query string, or None for anything that cannot be one."""
    try:
        return database_id(raw)
    except (TypeError, ValueError):
        return None
