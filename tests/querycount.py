"""Counting the SQL statements a block of code sends (SQLAlchemy engine events)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from kmportal.extensions import db


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries():
    """Collect the statements sent inside the block. Call db.session.expunge_all() first when
    the block reads through the ORM: objects already in the identity map load nothing."""
    counter = QueryCount()

    def count(_connection, _cursor, statement, *_args):
        counter.statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
