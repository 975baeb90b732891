"""Reading the reference data."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from kmportal.extensions import db
from kmportal.reference.models import Activity, Country, Objective, Plan, Result, Target

# The indicator of Objective 3's target: good practices transferred between countries. Each
# plan period has its own row for it (targets are data); this names which rows to read.
TARGET_INDICATOR = "practices_transferred"


def member_countries() -> list[Country]:
    return list(
        db.session.scalars(sa.select(Country).where(Country.member).order_by(Country.name_es))
    )


def iso_code(raw) -> str | None:
    """An ISO 3166-1 alpha-2 code in any case, as the canonical upper-case code; None for
    anything else ("UY.bak", "UY~", "URY" are not codes, not Uruguay)."""
    code = str(raw or "")
    return code.upper() if len(code) == 2 and code.isascii() and code.isalpha() else None


def get_country(code: str | None) -> Country | None:
    """The country of exactly this ISO code (any case), or None."""
    canonical = iso_code(code)
    return db.session.get(Country, canonical) if canonical else None


def current_plan() -> Plan | None:
    """The most recent plan, with its objectives, results, activities and months loaded."""
    return db.session.scalar(
        sa.select(Plan)
        .options(
            selectinload(Plan.objectives)
            .selectinload(Objective.results)
            .options(
                selectinload(Result.activities).selectinload(Activity.months),
                selectinload(Result.targets),
            )
        )
        .order_by(Plan.first_month.desc())
        .limit(1)
    )


def plan_activities(plan: Plan | None = None) -> list[Activity]:
    """The activities of a plan (the current one unless given), in the plan's order."""
    plan = plan if plan is not None else current_plan()
    if plan is None:
        return []
    return [
        activity
        for objective in plan.objectives
        for result in objective.results
        for activity in result.activities
    ]


def current_target(indicator: str = TARGET_INDICATOR) -> Target | None:
    """The latest target for the indicator (the one of the newest period), with its result,
    objective and plan."""
    return db.session.scalar(
        sa.select(Target)
        .where(Target.indicator == indicator)
        .options(joinedload(Target.result).joinedload(Result.objective).joinedload(Objective.plan))
        .order_by(Target.period_end.desc())
        .limit(1)
    )
