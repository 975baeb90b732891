"""Keeping the index in step with the database through SQLAlchemy session events.

- after_flush: note the ids of practices whose rows (or facet and score rows) changed.
- after_commit of the outermost transaction: write those practices to the index, reading
  their state afresh from the database (a savepoint's release is not a commit).
- the outermost transaction ending without a commit (rollback, or close): forget them, so a
  rolled-back change never reaches the index.

Over-collecting is harmless (a practice re-read and re-written unchanged); missing one is
not, which is why ids are gathered at every flush rather than only before the commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_app_context

from kmportal.extensions import db
from kmportal.practices.models import CriterionAssessment, Practice, PracticeFacet

CHANGED = "kmportal.search.changed"


def _enabled() -> bool:
    return has_app_context() and "kmportal.search" in current_app.extensions


def _changed_practice_ids(session) -> set[int]:
    ids: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Practice):
            ids.add(instance.id)
        elif isinstance(instance, PracticeFacet | CriterionAssessment):
            ids.add(instance.practice_id)
    ids.discard(None)
    return ids


def after_flush(session, _flush_context) -> None:
    if not _enabled():
        return
    ids = _changed_practice_ids(session)
    if ids:
        session.info.setdefault(CHANGED, set()).update(ids)


def after_commit(session) -> None:
    if session.in_nested_transaction() or not _enabled():
        return
    ids = session.info.pop(CHANGED, None)
    if ids:
        from kmportal.search import service

        service.apply_changes(ids)


def after_rollback(session) -> None:
    # A savepoint's rollback leaves the outer transaction's changes to be committed.
    if not session.in_nested_transaction():
        session.info.pop(CHANGED, None)


def after_transaction_end(session, transaction) -> None:
    # Closing a session with an open transaction discards it without after_rollback.
    if transaction.parent is None:
        session.info.pop(CHANGED, None)


_HOOKS = {
    "after_flush": after_flush,
    "after_commit": after_commit,
    "after_rollback": after_rollback,
    "after_transaction_end": after_transaction_end,
}


def install() -> None:
    """Listen on the portal's session factory, once per process (every app shares it)."""
    for name, hook in _HOOKS.items():
        if not sa.event.contains(db.session, name, hook):
            sa.event.listen(db.session, name, hook)
