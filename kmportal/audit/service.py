"""Recording and reading the audit trail. Callers add the event in their own transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from blinker import Namespace

from kmportal.audit.models import AuditEvent
from kmportal.extensions import db

#: Sent with every audit event as it is added, inside the writer's transaction, so that
#: what follows from an event (a notification, a suggestion to a needing country) is written
#: in the same transaction as its cause and rolls back with it. Receivers get the event
#: (sender) and ``actor=``; they add rows to ``db.session`` and never commit.
recorded = Namespace().signal("audit-event-recorded")


def record(
    actor,
    action: str,
    entity_type: str,
    entity_id: int,
    changes: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current session; it commits (or rolls back) with the change."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=_jsonable(changes or {}),
        note=note,
    )
    db.session.add(event)
    recorded.send(event, actor=actor)
    return event


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """The events of one record, newest first."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return list(db.session.scalars(query))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set) else items
    if hasattr(value, "value") and hasattr(value, "name"):  # an Enum member
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
