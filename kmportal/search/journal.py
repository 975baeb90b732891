"""Reading and clearing the search journal (models.py), in sessions of their own: the caller's
session may be in the middle of its commit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kmportal.extensions import db
from kmportal.search.models import SearchJournalEntry

_TABLE = SearchJournalEntry.__table__


def outstanding() -> list[tuple[int, int]]:
    """(row id, practice id) of every committed journal row."""
    with Session(db.engine) as session:
        return [tuple(row) for row in session.execute(sa.select(_TABLE.c.id, _TABLE.c.practice_id))]


def forget(row_ids: list[int], token: str | None) -> None:
    """Delete the rows the index now covers: those read before the write, and the rows of
    the transaction that called the writer (committed before the write began)."""
    with Session(db.engine) as session:
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start : start + 500]
            session.execute(sa.delete(_TABLE).where(_TABLE.c.id.in_(chunk)))
        if token:
            session.execute(sa.delete(_TABLE).where(_TABLE.c.token == token))
        session.commit()
