"""Reading the reference data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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


def _plan_query():
    """Plans with their objectives, results, activities, months and targets loaded."""
    return sa.select(Plan).options(
        selectinload(Plan.objectives)
        .selectinload(Objective.results)
        .options(
            selectinload(Result.activities).selectinload(Activity.months),
            selectinload(Result.targets),
        )
    )


def plan_periods() -> list[Plan]:
    """Every plan period, the latest first (for the period selectors)."""
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.first_month.desc())))


def plan_by_code(code) -> Plan | None:
    if not isinstance(code, str) or not code or len(code) > 20:
        return None
    return db.session.scalar(_plan_query().where(Plan.code == code))


def current_period(today: date | None = None) -> Plan | None:
    """The plan period today's date lies in, or None (between plans, or before the first)."""
    today = today or date.today()
    for plan in db.session.scalars(
        sa.select(Plan).where(Plan.first_month <= today).order_by(Plan.first_month.desc())
    ):
        if plan.contains(today):
            return plan
    return None


def current_plan(today: date | None = None) -> Plan | None:
    """The current plan period's plan (today inside it), else the latest one; loaded."""
    current = current_period(today)
    query = _plan_query()
    if current is not None:
        return db.session.scalar(query.where(Plan.id == current.id))
    return db.session.scalar(query.order_by(Plan.first_month.desc()).limit(1))


@dataclass
class PeriodChoice:
    """The plan a page shows: the one asked for (?period=CODE), else the current one, else
    the latest; whether it is the current one; and all periods, for the selector."""

    plan: Plan | None
    is_current: bool
    periods: list[Plan]
    asked: str | None = None

    @property
    def none_current(self) -> bool:
        return not any(period.contains(self.today) for period in self.periods)

    today: date = field(default_factory=date.today)


def choose_period(code=None, today: date | None = None) -> PeriodChoice:
    """An unknown ?period= shows the default period (the selector then says which)."""
    today = today or date.today()
    plan = plan_by_code(code) if code else None
    if plan is None:
        plan = current_plan(today)
    return PeriodChoice(
        plan=plan,
        is_current=bool(plan and plan.contains(today)),
        periods=plan_periods(),
        asked=code if isinstance(code, str) else None,
        today=today,
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


def current_target(indicator: str = TARGET_INDICATOR, plan: Plan | None = None) -> Target | None:
    """The target for the indicator in a plan (the current plan, else the latest, unless
    given): the one of its newest period, with its result, objective and plan."""
    plan = plan if plan is not None else current_period()
    query = (
        sa.select(Target)
        .join(Target.result)
        .join(Result.objective)
        .where(Target.indicator == indicator)
        .options(joinedload(Target.result).joinedload(Result.objective).joinedload(Objective.plan))
        .order_by(Target.period_end.desc())
        .limit(1)
    )
    if plan is not None:
        query = query.where(Objective.plan_id == plan.id)
    return db.session.scalar(query)


def result_choices() -> list[tuple[int, str]]:
    """The results a transfer may be recorded against, the current plan's first: "3.1 text",
    prefixed with the plan period's code when there are several periods."""
    current = current_plan()
    if current is None:
        return []
    plans = [current] + [p for p in plan_periods() if p.id != current.id]
    return [
        (
            result.id,
            f"{plan.code} · {result.code} {result.text}"
            if len(plans) > 1
            else f"{result.code} {result.text}",
        )
        for plan in plans
        for objective in plan.objectives
        for result in objective.results
    ]
