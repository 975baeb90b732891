"""Helpers for the tests of state changes that happen once: another worker's write, made on
a connection of its own and committed between the service's read and its write."""

from __future__ import annotations

import sqlalchemy as sa

from kmportal.extensions import db


def behind_the_back(sql: str, **params) -> None:
    """Commit `sql` from another connection (as a racing worker would), leaving the test's
    session with what it read before."""
    with db.engine.begin() as connection:
        connection.execute(sa.text(sql), params)


def fresh(sql: str, **params) -> int:
    """A value read afresh from the database, not from the session's identity map."""
    with db.engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar_one()
