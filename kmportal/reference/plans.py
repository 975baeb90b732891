"""Work plans as data: the one importer behind `flask plan import`, `flask reference load` and
the secretariat's plan editor, and the export that writes the same format.

Rows are matched by code (the plan period's code; an objective's, result's or activity's
number; a target's indicator within its result). A full import makes the database say what
the file says (a second import of the same file changes nothing). `only_missing` adds what is
missing and touches nothing that exists, so the secretariat's edits survive
`flask reference load`. Nothing is ever deleted: a row missing from the file is kept (results
may have transfers recorded against them). Every import is checked whole first (planfile),
then written in one transaction, with one audit event, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.errors import PermissionDenied
from kmportal.extensions import db
from kmportal.reference import planfile
from kmportal.reference.models import Activity, ActivityMonth, Objective, Plan, Result, Target

SHIPPED_PLANS = Path(__file__).parent / "data"

# Each row's texts: (file key, column) for the official text.
TEXTS = {
    Plan: (("title", "title"), ("place_and_date", "place_and_date")),
    Objective: (("name", "name"), ("description", "description")),
    Result: (("text", "text"),),
    Activity: (("text", "text"),),
    Target: (("description", "description"),),
}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    plan: Plan | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def import_file(path: str | Path, actor=None, only_missing: bool = False) -> ImportReport:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise planfile.PlanFileError([(str(path), _l("The file is not UTF-8 text."))]) from None
    return import_text(text, path.name, actor, only_missing)


def import_text(text: str, name: str = "", actor=None, only_missing: bool = False) -> ImportReport:
    """Check a plan file's text, then import it (see the module). PlanFileError, nothing
    changed, when the file has any problem."""
    if actor is not None and not getattr(actor, "is_secretariat", False):
        raise PermissionDenied(_l("Only the Technical Secretariat edits the work plans."))
    return import_plan(planfile.parse(text, name), actor, only_missing)


def import_plan(data: dict, actor=None, only_missing: bool = False) -> ImportReport:
    report = ImportReport()
    writer = _Writer(report, only_missing, data["official_language"])
    try:
        plan = db.session.scalar(sa.select(Plan).where(Plan.code == data["code"]))
        if plan is None:
            plan = Plan(code=data["code"], translations={})
            db.session.add(plan)
            report.created.append(data["code"])
            writer.creating = True
        writer.plan(plan, data)
        report.plan = plan
        if report.changed:
            db.session.flush()
            changes = {"created": report.created, "updated": report.updated}
            audit.record(actor, "plan.import", "plan", plan.id, changes)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


class _Writer:
    def __init__(self, report: ImportReport, only_missing: bool, official: str):
        self.report, self.only_missing, self.official = report, only_missing, official
        self.creating = False

    def set(self, row, values: dict, code: str, new: bool) -> None:
        """Give a row the file's values and texts (a new row), or update it (all of it in a
        full import; only its missing translations with only_missing)."""
        translations = _translations(row, values, self.official)
        if new:
            for key, value in values.items():
                if key not in dict(TEXTS[type(row)]):
                    setattr(row, key, value)
            for key, column in TEXTS[type(row)]:
                setattr(row, column, values[key].get(self.official, ""))
            row.translations = translations
            return
        changed = False
        if self.only_missing:
            merged = {**translations, **(row.translations or {})}
            merged = {
                lang: {**translations.get(lang, {}), **(row.translations or {}).get(lang, {})}
                for lang in merged
            }
            changed = merged != (row.translations or {})
            row.translations = merged
        else:
            for key, value in values.items():
                if key in dict(TEXTS[type(row)]):
                    value = value.get(self.official, "")
                    key = dict(TEXTS[type(row)])[key]
                if getattr(row, key) != value:
                    setattr(row, key, value)
                    changed = True
            if translations != (row.translations or {}):
                row.translations = translations
                changed = True
        if changed:
            self.report.updated.append(code)
        else:
            self.report.unchanged += 1

    def plan(self, plan: Plan, data: dict) -> None:
        values = {key: data[key] for key in ("first_month", "last_month", "official_language")}
        values.update(title=data["title"], place_and_date=data["place_and_date"])
        self.set(plan, values, plan.code, self.creating)
        for item in data["objectives"]:
            objective, new = _child(plan.objectives, item["number"], Objective)
            self.set(
                objective,
                _values(item, ("number", "name", "description")),
                f"{item['number']}",
                new,
            )
            self._created(new, f"{item['number']}")
            for result_item in item["results"]:
                self.result(objective, result_item)

    def result(self, objective: Objective, item: dict) -> None:
        result, new = _child(objective.results, item["number"], Result)
        code = f"{objective.number}.{item['number']}"
        self.set(result, _values(item, ("number", "text")), code, new)
        self._created(new, code)
        for activity_item in item["activities"]:
            activity, new = _child(result.activities, activity_item["number"], Activity)
            activity_code = f"{code}.{activity_item['number']}"
            self.set(activity, _values(activity_item, ("number", "text")), activity_code, new)
            self._created(new, activity_code)
            if new or not self.only_missing:
                self.months(activity, activity_item["months"], activity_code, new)
        for target_item in item["targets"]:
            target = next(
                (t for t in result.targets if t.indicator == target_item["indicator"]), None
            )
            new = target is None
            if new:
                target = Target()
                result.targets.append(target)
            target_code = f"{code}:{target_item['indicator']}"
            self.set(target, dict(target_item), target_code, new)
            self._created(new, target_code)

    def months(self, activity: Activity, months: list, code: str, new: bool) -> None:
        before = [row.month for row in activity.months]
        if before == months:
            return
        activity.months = [
            next((row for row in activity.months if row.month == m), None) or ActivityMonth(month=m)
            for m in months
        ]
        if not new and code not in self.report.updated:
            self.report.updated.append(code)

    def _created(self, new: bool, code: str) -> None:
        if new:
            self.report.created.append(code)


def _values(item: dict, keys: tuple) -> dict:
    return {key: item[key] for key in keys}


def _child(children: list, number: int, model):
    found = next((child for child in children if child.number == number), None)
    if found is not None:
        return found, False
    row = model(number=number)
    children.append(row)
    return row, True


def _translations(row, values: dict, official: str) -> dict:
    """The non-official texts of the file's values, as the row's translations column."""
    result: dict[str, dict[str, str]] = {}
    for key, column in TEXTS[type(row)]:
        for language, text in values[key].items():
            if language != official:
                result.setdefault(language, {})[column] = text
    return result


def export_data(plan: Plan) -> dict:
    """A plan in the file format (what import_plan reads back to the same rows)."""
    texts = _Texts(plan.official_language)
    objectives = [
        {
            "code": str(objective.number),
            "name": texts(objective, "name"),
            "description": texts(objective, "description"),
            "results": [_export_result(result, texts) for result in objective.results],
        }
        for objective in plan.objectives
    ]
    period = {
        "code": plan.code,
        "start": f"{plan.first_month:%Y-%m}",
        "end": f"{plan.last_month:%Y-%m}",
        "official_language": plan.official_language,
        "title": texts(plan, "title"),
        "place_and_date": texts(plan, "place_and_date"),
    }
    return {"period": period, "objectives": objectives}


class _Texts:
    """A row's text in the file format: {official language: column, other: translation}."""

    def __init__(self, official: str):
        self.official = official

    def __call__(self, row, column: str) -> dict[str, str]:
        found = {self.official: getattr(row, column)}
        for language in sorted(row.translations or {}):
            if row.text_in(column, language):
                found[language] = row.text_in(column, language)
        return found


def _export_result(result: Result, texts: _Texts) -> dict:
    activities = [
        {
            "code": activity.code,
            "text": texts(activity, "text"),
            "months": [f"{m.month:%Y-%m}" for m in activity.months],
        }
        for activity in result.activities
    ]
    targets = [
        {
            "indicator": target.indicator,
            "quantity": target.quantity,
            "start": target.period_start.isoformat(),
            "end": target.period_end.isoformat(),
            "description": texts(target, "description"),
        }
        for target in sorted(result.targets, key=lambda t: t.indicator)
    ]
    return {
        "code": result.code,
        "text": texts(result, "text"),
        "activities": activities,
        "targets": targets,
    }


def load_shipped(only_missing: bool = True) -> list[ImportReport]:
    """The plans shipped in kmportal/reference/data (flask reference load): what is missing
    is added, nothing the secretariat edited is overwritten."""
    return [
        import_file(path, only_missing=only_missing)
        for path in sorted(SHIPPED_PLANS.glob("plan-*.yaml"))
    ]


def draft_text(code=None, new: bool = False) -> str:
    """The plan editor's first text: the asked (or current) period's file; for a new period,
    the latest plan's file moved to the months after it, with no month marked and a code to
    write."""
    from kmportal.months import add_months
    from kmportal.reference import queries

    plan = (queries.plan_by_code(code) if code and not new else None) or queries.current_plan()
    if plan is None:
        return ""
    data = export_data(plan)
    if new:
        length = len(plan.months())
        first = add_months(plan.last_month, 1)
        last = add_months(first, length - 1)
        data["period"].update(code="", start=f"{first:%Y-%m}", end=f"{last:%Y-%m}")
        end_day = add_months(last, 1).toordinal() - 1
        for objective in data["objectives"]:
            for result in objective["results"]:
                for activity in result["activities"]:
                    activity["months"] = []
                for target in result["targets"]:
                    target.update(
                        start=first.isoformat(), end=date.fromordinal(end_day).isoformat()
                    )
    return planfile.dump(data)
