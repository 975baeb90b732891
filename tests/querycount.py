"""Counting the SQL statements a block of code sends (SQLAlchemy engine events)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from kmportal.extensions import db


@dataclass
class QueryCount:
    count: int = 0


@contextmanager
def count_queries():
    counter = QueryCount()

    def count(*_args, **_kwargs):
        counter.count += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
