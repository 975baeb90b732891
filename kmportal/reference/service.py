"""Changing the reference data from the web: the plan's schedule (cronograma), which the
secretariat marks month by month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.reference.models import ActivityMonth, Plan
from kmportal.reference.queries import plan_activities


def schedule(plan: Plan) -> set[tuple[int, date]]:
    """The marked cells of the plan's month grid, as (activity id, first day of the month)."""
    return {(a.id, m.month) for a in plan_activities(plan) for m in a.months}


def cell_key(activity_id: int, month: date) -> str:
    """How a cell of the grid is named in the schedule form: "<activity id>:<YYYY-MM>"."""
    return f"{activity_id}:{month:%Y-%m}"


def set_schedule(user, plan: Plan, cells: Iterable[str]) -> int:
    """The secretariat marks the months in which each activity is scheduled. The submitted
    cells replace the grid; every activity whose months change is recorded in the audit
    trail. Returns how many activities changed."""
    if not (getattr(user, "is_authenticated", False) and user.is_secretariat):
        raise PermissionDenied(_l("Only the Technical Secretariat sets the schedule."))
    activities = {a.id: a for a in plan_activities(plan)}
    known = {cell_key(a, m): (a, m) for a in activities for m in plan.months()}
    wanted: set[tuple[int, date]] = set()
    for cell in cells:
        if cell not in known:
            raise ValidationError(
                {"": _l("The schedule refers to a month or an activity not in the plan.")}
            )
        wanted.add(known[cell])
    current = schedule(plan)
    changed: dict[str, list] = {}
    by_activity: dict[int, list[date]] = defaultdict(list)
    for activity_id, month in sorted(wanted):
        by_activity[activity_id].append(month)
    for activity_id, activity in activities.items():
        before = sorted(m for a, m in current if a == activity_id)
        after = by_activity.get(activity_id, [])
        if before == after:
            continue
        changed[activity.code] = [[f"{m:%Y-%m}" for m in before], [f"{m:%Y-%m}" for m in after]]
        activity.months = [
            next((row for row in activity.months if row.month == m), None) or ActivityMonth(month=m)
            for m in after
        ]
    if changed:
        audit.record(user, "plan.schedule", "plan", plan.id, changed)
        db.session.commit()
    return len(changed)
