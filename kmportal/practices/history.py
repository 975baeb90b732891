"""A practice's revisions as people read them: translated field labels and old -> new values.

The audit trail stores field names and raw values (`activity_ids`, `["prevention"]`); this
module turns them into labels in the reader's language, enums into their labels, ids into
codes and long texts into their opening words. "Changed since it was returned" is computed
from the same trail: the edits recorded after the last return, merged field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.audit.labels import action_label
from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.languages import LANGUAGE_NAMES
from kmportal.practices.enums import (
    Actor,
    Criterion,
    PracticeState,
    Sector,
    StrategicOutcome,
    Theme,
)
from kmportal.reference.models import Activity, Country

ENTITY = "practice"
QUIET_ACTIONS = frozenset({"practice.create"})
SHORT_TEXT = 160
EMPTY = "—"

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Full description"),
    "institution": _l("Implementing institution"),
    "population": _l("Target population"),
    "results": _l("Results and evidence"),
    "replication": _l("Conditions for replication"),
    "cost_notes": _l("Costs"),
    "contact": _l("Contact"),
    "country_code": _l("Country"),
    "theme": _l("Theme"),
    "language": _l("Language of this text"),
    "languages": _l("Material available in"),
    "sdg_87": _l("Contributes to SDG target 8.7"),
    "period_start": _l("From (year)"),
    "period_end": _l("To (year)"),
    "tags": _l("Tags"),
    "activity_ids": _l("Work-plan activities it serves"),
    "sectors": _l("Sectors"),
    "outcomes": _l("Strategic outcomes of the Initiative"),
    "actors": _l("Tripartite actors involved"),
    "state": _l("Status"),
    "attachment": _l("Document"),
}
ENUMS = {
    "theme": Theme,
    "state": PracticeState,
    "sectors": Sector,
    "outcomes": StrategicOutcome,
    "actors": Actor,
}


@dataclass(frozen=True)
class FieldChange:
    """One field's change: its label in the reader's language, old and new as shown."""

    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Revision:
    at: datetime
    actor: Any
    action: str
    note: str | None
    changes: list[FieldChange] = field(default_factory=list)


def revisions(practice_id: int) -> list[Revision]:
    """The practice's audit events, newest first, with readable changes (a creation lists none:
    its values are the first version, not a change)."""
    return [
        Revision(
            event.at,
            event.actor,
            str(action_label(event.action)),
            event.note,
            [] if event.action in QUIET_ACTIONS else readable(event.changes),
        )
        for event in audit.history(ENTITY, practice_id)
    ]


def changed_since_return(practice_id: int) -> list[FieldChange]:
    """The fields the author changed after the last return, old (as returned) -> new (now).
    Empty when the practice was never returned or nothing differs any more."""
    events = list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == practice_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    returns = [i for i, event in enumerate(events) if event.action == "practice.return"]
    if not returns:
        return []
    merged: dict[str, list[Any]] = {}
    for event in events[returns[-1] + 1 :]:
        if event.action not in ("practice.update", "practice.attach"):
            continue
        for name, (old, new) in _flatten(event.changes or {}).items():
            if name == "attachment" and name in merged:  # documents add up, none replaces one
                new = [*_as_list(merged[name][1]), new]
            merged.setdefault(name, [old, new])[1] = new
    return readable({name: pair for name, pair in merged.items() if pair[0] != pair[1]})


def proposed_changes(practice, edit) -> list[FieldChange]:
    """A held change against the published text, field by field, as the reviewer reads it."""
    from kmportal.practices.data import snapshot

    return readable(audit.diff(snapshot(practice), edit.data))


def readable(changes: dict[str, Any]) -> list[FieldChange]:
    """{field: [old, new]} as FieldChanges in the form's order, criteria expanded."""
    flat = _flatten(changes)
    order: dict[str, int] = {}
    for name in _field_order():
        order.setdefault(name, len(order))
    names = sorted(flat, key=lambda name: (order.get(name, len(order)), name))
    return [
        FieldChange(name, label(name), show(name, flat[name][0]), show(name, flat[name][1]))
        for name in names
    ]


def label(name: str) -> str:
    """A field's label in the reader's language (an unknown name is shown as it is)."""
    if name.startswith(("argument_", "score_")):
        kind, _, value = name.partition("_")
        try:
            criterion = Criterion(value)
        except ValueError:
            return name
        if kind == "argument":
            return str(_l("How it meets “%(criterion)s”", criterion=criterion.label))
        return str(_l("Score: %(criterion)s", criterion=criterion.label))
    return str(FIELD_LABELS.get(name, name))


def show(name: str, value: Any) -> str:
    """A stored value as a reader sees it: labels, codes, names, the opening of a long text."""
    if value is None or value == "" or value == []:
        return EMPTY
    if name == "sdg_87":
        return str(_l("Yes") if value else _l("No"))
    if name in ("language", "languages"):
        return ", ".join(str(LANGUAGE_NAMES.get(v, v)) for v in _as_list(value))
    if name in ENUMS:
        return ", ".join(_enum_label(ENUMS[name], v) for v in _as_list(value))
    if name == "activity_ids":
        return ", ".join(_activity_codes(_as_list(value)))
    if name == "country_code":
        country = db.session.get(Country, str(value))
        return country.name(str(get_locale())) if country else str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return shorten(str(value))


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """The text's opening words up to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",.;:") + "…"


def _flatten(changes: dict[str, Any]) -> dict[str, list[Any]]:
    """The criteria's arguments, stored as one dict, as one change per criterion."""
    flat: dict[str, list[Any]] = {}
    for name, pair in changes.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        if name == "arguments" and isinstance(old or {}, dict) and isinstance(new or {}, dict):
            old, new = old or {}, new or {}
            for key in sorted(set(old) | set(new)):
                if (old.get(key) or "") != (new.get(key) or ""):
                    flat[f"argument_{key}"] = [old.get(key), new.get(key)]
        else:
            flat[name] = [old, new]
    return flat


def _field_order() -> list[str]:
    return [
        "state",
        *FIELD_LABELS,
        *(f"argument_{c.value}" for c in Criterion),
        *(f"score_{c.value}" for c in Criterion),
    ]


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _enum_label(enum_cls, value: Any) -> str:
    try:
        return str(enum_cls(value).label)
    except ValueError:
        return str(value)


def _activity_codes(ids: list) -> list[str]:
    wanted = [i for i in ids if isinstance(i, int)]
    found = (
        {
            activity.id: activity.code
            for activity in db.session.scalars(sa.select(Activity).where(Activity.id.in_(wanted)))
        }
        if wanted
        else {}
    )
    return [found.get(i, str(i)) for i in ids]
