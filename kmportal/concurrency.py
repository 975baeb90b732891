"""State changes that happen once, under several workers and double clicks.

Every workflow step writes its new state with a conditional UPDATE (`… WHERE id = :id AND
status = :expected`) and checks that exactly one row changed: the loser of a race finds the
row no longer in the state it read, and is refused with a Conflict (409) before it changes
anything else. Rules about uniqueness are database constraints; `unique_or()` turns their
violation into the same kind of readable refusal instead of a 500. Both work alike on SQLite
(one writer at a time) and PostgreSQL (the UPDATE waits for the row lock, then re-reads).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from kmportal.errors import DomainError
from kmportal.extensions import db

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for unique_violation


def claim(record: Any, expected: Mapping[str, Any], values: Mapping[str, Any], refusal) -> None:
    """Write `values` to the record's row only if its columns still hold `expected` (a value,
    or a collection of allowed values); raise `refusal` (a DomainError) otherwise.

    Run it before any other change of the transaction, so that the winner's row lock (or
    SQLite's write lock) is taken first and the loser changes nothing. The values are then
    set on the record too, so the session sees it changed (the search index follows the
    session's changes) and its flush rewrites them into the row this transaction holds.
    """
    if hasattr(record, "_get_current_object"):  # current_user: the user, not its proxy
        record = record._get_current_object()
    model = type(record)
    conditions = [model.id == record.id]
    for name, wanted in expected.items():
        column = getattr(model, name)
        if isinstance(wanted, (set, frozenset, list, tuple)):
            conditions.append(column.in_(list(wanted)))
        elif wanted is None:
            conditions.append(column.is_(None))
        else:
            conditions.append(column == wanted)
    statement = (
        sa.update(model)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        db.session.rollback()
        raise refusal
    for name, value in values.items():
        setattr(record, name, value)


def hold(record: Any, column: str, refusal) -> None:
    """Rewrite one column as this request read it (the row is then locked until the commit):
    a change decided on that value is refused if another request moved it meanwhile."""
    value = getattr(record, column)
    claim(record, {column: value}, {column: value}, refusal)


def is_unique_violation(error: sa.exc.IntegrityError) -> bool:
    """True for a unique (or primary key) constraint refusing a row, on SQLite and PostgreSQL."""
    original = error.orig
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(original)


@contextmanager
def unique_or(refusal: DomainError | None = None, make_refusal=None) -> Iterator[None]:
    """Run the block (which flushes or commits); a unique constraint refusing its row rolls
    the transaction back and raises `refusal` (or `make_refusal()`, called after the rollback,
    so that it may look up what is already there). Other integrity errors propagate."""
    try:
        yield
        db.session.flush()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        if not is_unique_violation(error):
            raise
        raise (make_refusal() if make_refusal is not None else refusal) from None
