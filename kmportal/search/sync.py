"""Keeping the index in step with the database through SQLAlchemy session events.

- after_flush: note the ids of practices whose rows (or facet and score rows) changed, and
  write them to the search journal (models.py) in the same transaction, so a worker that
  dies after its commit but before its index write leaves them for the next writer.
- after_commit of the outermost transaction: write those practices to the index, reading
  their state afresh from the database (a savepoint's release is not a commit).
- the outermost transaction ending without a commit (rollback, or close): forget them, so a
  rolled-back change never reaches the index.

Over-collecting is harmless (a practice re-read and re-written unchanged); missing one is
not, which is why ids are gathered at every flush rather than only before the commit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, has_app_context

from kmportal.extensions import db
from kmportal.practices.models import CriterionAssessment, Practice, PracticeFacet
from kmportal.search.models import SearchJournalEntry


def _forget_transaction(session) -> None:
    for key in (CHANGED, JOURNALLED, TOKEN):
        session.info.pop(key, None)


def _now() -> datetime:
    return datetime.now(UTC)


CHANGED = "kmportal.search.changed"
JOURNALLED = "kmportal.search.journalled"
TOKEN = "kmportal.search.token"


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
        journalled = session.info.setdefault(JOURNALLED, set())
        new = sorted(ids - journalled)
        if new:
            token = session.info.setdefault(TOKEN, uuid.uuid4().hex)
            rows = [{"practice_id": i, "token": token, "created_at": _now()} for i in new]
            session.connection().execute(sa.insert(SearchJournalEntry.__table__), rows)
            journalled.update(new)


def after_commit(session) -> None:
    if session.in_nested_transaction() or not _enabled():
        return
    ids = session.info.pop(CHANGED, None)
    session.info.pop(JOURNALLED, None)
    token = session.info.pop(TOKEN, None)
    if ids:
        from kmportal.search import service

        service.apply_changes(ids, token)


def after_rollback(session) -> None:
    # A savepoint's rollback leaves the outer transaction's changes to be committed.
    if not session.in_nested_transaction():
        _forget_transaction(session)


def after_transaction_end(session, transaction) -> None:
    # Closing a session with an open transaction discards it without after_rollback.
    if transaction.parent is None:
        _forget_transaction(session)


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
