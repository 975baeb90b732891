"""The secretariat's small plan forms (a new plan period, a target), through the one plan
importer: the form's values become a plan file's data, checked and imported like any file,
and the checks' messages land on the form's fields."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.reference import planfile, plans
from kmportal.reference.models import Plan, Target

PERIOD_FIELDS = {"code": "code", "start": "start", "end": "end"}
PERIOD_FIELDS.update(official_language="official_language", title="title")
TARGET_FIELDS = {"quantity": "quantity", "start": "start", "end": "end"}


def _secretariat(actor) -> None:
    if not getattr(actor, "is_secretariat", False):
        raise PermissionDenied(_l("Only the Technical Secretariat edits the work plans."))


def _on_fields(error: planfile.PlanFileError, fields: dict) -> ValidationError:
    """The checks' problems on the form fields their key ends with (else on the form)."""
    errors: dict[str, str] = {}
    for where, message in error.problems:
        last = where.rsplit(".", 1)[-1]
        name = next((f for key, f in fields.items() if last.startswith(key)), "")
        errors[name] = f"{errors[name]} {message}" if name in errors else str(message)
    return ValidationError(errors)


def create_period(actor, values: dict) -> Plan:
    """A new, empty plan period (code, months, official language, title in it), audited; its
    objectives and the rest are then written in the plan editor."""
    _secretariat(actor)
    code = str(values.get("code") or "").strip()
    if db.session.scalar(sa.select(Plan.id).where(Plan.code == code)) is not None:
        raise ValidationError({"code": _l("A plan period with this code already exists.")})
    language = values.get("official_language") or ""
    data = {
        "period": {
            "code": code,
            "start": values.get("start") or "",
            "end": values.get("end") or "",
            "official_language": language,
            "title": {language: values.get("title") or ""},
            "place_and_date": {language: values.get("place_and_date") or code},
        },
        "objectives": [],
    }
    try:
        checked = planfile.check(data)
    except planfile.PlanFileError as error:
        raise _on_fields(error, PERIOD_FIELDS) from None
    return plans.import_plan(checked, actor).plan


def set_target(actor, target: Target, values: dict) -> bool:
    """Change a target's quantity and period, audited; True when something changed."""
    _secretariat(actor)
    plan = target.result.objective.plan
    data = plans.export_data(plan)
    objective = next(
        o for o in data["objectives"] if o["code"] == str(target.result.objective.number)
    )
    result = next(r for r in objective["results"] if r["code"] == target.result.code)
    row = next(t for t in result["targets"] if t["indicator"] == target.indicator)
    row.update(
        quantity=_number(values.get("quantity")), start=values.get("start"), end=values.get("end")
    )
    try:
        checked = planfile.check(data)
    except planfile.PlanFileError as error:
        raise _on_fields(error, TARGET_FIELDS) from None
    return plans.import_plan(checked, actor).changed


def _number(raw):
    text = str(raw or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text
