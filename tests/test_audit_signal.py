"""What follows from an audited event joins the event's transaction (audit.recorded)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kmportal.audit import service as audit
from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.practices import service


@pytest.fixture
def heard():
    events = []

    def receiver(event, actor):
        events.append((event.action, event.entity_id, getattr(actor, "id", None)))

    audit.recorded.connect(receiver)
    yield events
    audit.recorded.disconnect(receiver)


def test_each_recorded_event_is_announced_with_its_actor(app, practices, focal_br, heard):
    practice = practices.make(focal_br, "draft")
    service.submit(focal_br, practice)
    assert ("practice.submit", practice.id, focal_br.id) in heard


def _echo(event, actor):
    # A row a receiver adds belongs to the writer's transaction.
    db.session.add(
        AuditEvent(action="echo", entity_type="practice", entity_id=event.entity_id, changes={})
    )


def _echoes() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "echo")))


def test_a_receivers_rows_commit_with_the_event(app, practices, focal_br):
    practice = practices.make(focal_br, "draft")
    audit.recorded.connect(_echo)
    try:
        service.submit(focal_br, practice)
    finally:
        audit.recorded.disconnect(_echo)
    assert [e.entity_id for e in _echoes()] == [practice.id]


def test_a_receivers_rows_roll_back_with_the_event(app, practices, focal_br):
    practice = practices.make(focal_br, "draft")
    audit.recorded.connect(_echo)
    try:
        audit.record(focal_br, "practice.note", "practice", practice.id, {})
        db.session.rollback()
    finally:
        audit.recorded.disconnect(_echo)
    assert _echoes() == []
