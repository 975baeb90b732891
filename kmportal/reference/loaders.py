"""Idempotent loading of the reference data: running a loader twice changes nothing.

Rows are matched on their natural keys and only missing rows are inserted, so the
secretariat's later edits (a month marked on the schedule, a corrected target) survive.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass

import pycountry
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.reference.models import Activity, Country, Objective, Plan, Result, Target
from kmportal.reference.plan_2015_2016 import MEMBER_COUNTRIES, PLAN

# pycountry gives some countries only their formal name ("Bolivia, Estado plurinacional de")
# or a rare spelling; these are the short names people use in the Network's documents.
SHORT_NAMES = {
    "BO": {"es": "Bolivia"},
    "VE": {"es": "Venezuela", "pt": "Venezuela"},
    "SR": {"es": "Surinam"},
}


@dataclass
class LoadReport:
    created: int = 0
    unchanged: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.unchanged += 1


def country_names(code: str) -> dict[str, str]:
    """The country's short name in es/en/pt/fr, from pycountry's ISO 3166 translations."""
    record = pycountry.countries.get(alpha_2=code)
    if record is None:
        raise ValueError(f"unknown ISO 3166-1 alpha-2 code: {code}")
    english = getattr(record, "common_name", None) or record.name
    names = {"en": english}
    for language in ("es", "pt", "fr"):
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        common = catalogue.gettext(english)
        names[language] = common if common != english else catalogue.gettext(record.name)
    names.update(SHORT_NAMES.get(code, {}))
    return names


def load_countries(codes: tuple[str, ...] | list[str] = MEMBER_COUNTRIES) -> LoadReport:
    report = LoadReport()
    existing = set(db.session.scalars(sa.select(Country.code)))
    for code in codes:
        if code in existing:
            report.count(False)
            continue
        names = country_names(code)
        db.session.add(Country(code=code, **{f"name_{k}": v for k, v in names.items()}))
        report.count(True)
    db.session.commit()
    return report


def load_plan(data: dict = PLAN) -> LoadReport:
    report = LoadReport()
    plan = db.session.scalar(sa.select(Plan).where(Plan.code == data["code"]))
    report.count(plan is None)
    if plan is None:
        plan = Plan(
            code=data["code"],
            title=data["title"],
            place_and_date=data["place_and_date"],
            first_month=data["first_month"],
            last_month=data["last_month"],
        )
        db.session.add(plan)
    for number, objective_data in enumerate(data["objectives"], start=1):
        objective = _child(plan.objectives, number, report)
        if objective is None:
            objective = Objective(
                number=number,
                name=objective_data["name"],
                description=objective_data["description"],
            )
            plan.objectives.append(objective)
        for result_number, result_data in enumerate(objective_data["results"], start=1):
            result = _child(objective.results, result_number, report)
            if result is None:
                result = Result(number=result_number, text=result_data["text"])
                objective.results.append(result)
            for activity_number, text in enumerate(result_data["activities"], start=1):
                if _child(result.activities, activity_number, report) is None:
                    result.activities.append(Activity(number=activity_number, text=text))
            for target_data in result_data.get("targets", []):
                known = {target.indicator for target in result.targets}
                report.count(target_data["indicator"] not in known)
                if target_data["indicator"] not in known:
                    result.targets.append(Target(**target_data))
    db.session.commit()
    return report


def _child(children, number: int, report: LoadReport):
    found = next((child for child in children if child.number == number), None)
    report.count(found is None)
    return found
