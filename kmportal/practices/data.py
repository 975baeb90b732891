"""The practice's editable fields: cleaning input into values, and snapshots for revisions.

The same cleaning serves the web form, the API and the demo loader, so a rule about a field
(a period that ends before it starts, an unknown sector) is written once, here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.ids import database_id
from kmportal.languages import LANGUAGES
from kmportal.practices.enums import Actor, Criterion, Facet, Sector, StrategicOutcome, Theme
from kmportal.practices.models import CriterionAssessment, Practice
from kmportal.reference.models import Activity, Country
from kmportal.validation import clean_texts

TEXT_LIMITS = {
    "title": 300,
    "summary": 3000,
    "description": 60000,
    "institution": 300,
    "population": 3000,
    "results": 20000,
    "replication": 10000,
    "cost_notes": 5000,
    "contact": 300,
}
REQUIRED_TEXT = ("title", "summary", "description")
FACET_FIELDS = {
    "sectors": (Facet.SECTOR, Sector.values()),
    "outcomes": (Facet.OUTCOME, StrategicOutcome.values()),
    "actors": (Facet.ACTOR, Actor.values()),
    "languages": (Facet.LANGUAGE, list(LANGUAGES)),
}
MIN_YEAR, MAX_YEAR = 1950, 2100
MAX_TAGS, MAX_TAG_LENGTH = 20, 80


def clean(data: dict[str, Any], partial_country: str | None = None) -> dict[str, Any]:
    """Validate submitted values; return them normalised or raise ValidationError per field."""
    errors: dict[str, object] = {}
    out: dict[str, Any] = clean_texts(data, TEXT_LIMITS, errors)
    for field in REQUIRED_TEXT:
        if not out[field]:
            errors[field] = _l("This field is required.")

    country_code = (data.get("country_code") or partial_country or "").upper()
    if not country_code or db.session.get(Country, country_code) is None:
        errors["country_code"] = _l("Choose a member country.")
    out["country_code"] = country_code

    theme = data.get("theme")
    if theme not in Theme.values():
        errors["theme"] = _l("Choose a theme.")
    else:
        out["theme"] = theme
    language = data.get("language") or ""
    if language not in LANGUAGES:
        errors["language"] = _l("Choose the language the practice is written in.")
    out["language"] = language
    out["sdg_87"] = bool(data.get("sdg_87"))

    for field, (_facet, allowed) in FACET_FIELDS.items():
        values = list(dict.fromkeys(data.get(field) or []))
        if any(value not in allowed for value in values):
            errors[field] = _l("Choose from the list.")
        out[field] = values
    out["tags"] = _clean_tags(data.get("tags"), errors)
    out["period_start"], out["period_end"] = _clean_period(data, errors)
    out["activity_ids"] = _clean_activities(data.get("activity_ids") or [], errors)

    arguments = data.get("arguments") or {}
    out["arguments"] = {}
    for criterion in Criterion:
        argument = (arguments.get(criterion.value) or "").strip()
        if len(argument) > 5000:
            errors[f"argument_{criterion.value}"] = _l("Use at most %(n)d characters.", n=5000)
        out["arguments"][criterion.value] = argument
    if errors:
        raise ValidationError(errors)
    return out


def _clean_tags(raw, errors: dict) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split(",")
    tags = list(dict.fromkeys(tag.strip().lower() for tag in raw or [] if tag and tag.strip()))
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        errors["tags"] = _l(
            "Use at most %(n)d tags of at most %(m)d characters.", n=MAX_TAGS, m=MAX_TAG_LENGTH
        )
    return tags


def _clean_period(data: dict, errors: dict) -> tuple[int | None, int | None]:
    years = []
    for field in ("period_start", "period_end"):
        value = data.get(field)
        if value in (None, ""):
            years.append(None)
            continue
        try:
            year = int(value)
        except (TypeError, ValueError):
            errors[field] = _l("Enter a year, such as 2014.")
            years.append(None)
            continue
        if not MIN_YEAR <= year <= MAX_YEAR:
            errors[field] = _l("Enter a year between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR)
        years.append(year)
    start, end = years
    if start is not None and end is not None and end < start:
        errors["period_end"] = _l("The period cannot end before it starts.")
    return start, end


def _clean_activities(raw_ids, errors: dict) -> list[int]:
    try:
        ids = sorted({database_id(value) for value in raw_ids})
    except (TypeError, ValueError):
        errors["activity_ids"] = _l("Choose from the list.")
        return []
    if ids:
        found = set(db.session.scalars(sa.select(Activity.id).where(Activity.id.in_(ids))))
        if found != set(ids):
            errors["activity_ids"] = _l("Choose from the list.")
    return ids


def snapshot(practice: Practice) -> dict[str, Any]:
    """The practice's editable values in the shape clean() returns (JSON-able)."""
    values: dict[str, Any] = {field: getattr(practice, field) or "" for field in TEXT_LIMITS}
    values.update(
        country_code=practice.country_code,
        theme=practice.theme.value if practice.theme else None,
        language=practice.language,
        sdg_87=bool(practice.sdg_87),
        period_start=practice.period_start,
        period_end=practice.period_end,
        tags=practice.tags,
        activity_ids=sorted(activity.id for activity in practice.activities),
        arguments={
            criterion.value: (practice.assessment(criterion).argument or "")
            if practice.assessment(criterion)
            else ""
            for criterion in Criterion
        },
    )
    for field, (facet, _allowed) in FACET_FIELDS.items():
        values[field] = practice.facet_values(facet)
    return values


def apply(practice: Practice, values: dict[str, Any]) -> None:
    """Write cleaned values onto the practice (in the caller's transaction)."""
    for field in TEXT_LIMITS:
        setattr(practice, field, values[field])
    practice.country_code = values["country_code"]
    practice.theme = Theme(values["theme"])
    practice.language = values["language"]
    practice.sdg_87 = values["sdg_87"]
    practice.period_start = values["period_start"]
    practice.period_end = values["period_end"]
    for field, (facet, _allowed) in FACET_FIELDS.items():
        practice.set_facet_values(facet, values[field])
    practice.set_facet_values(Facet.TAG, values["tags"])
    practice.activities = (
        list(db.session.scalars(sa.select(Activity).where(Activity.id.in_(values["activity_ids"]))))
        if values["activity_ids"]
        else []
    )
    _apply_arguments(practice, values["arguments"])


def _apply_arguments(practice: Practice, arguments: dict[str, str]) -> None:
    from kmportal.practices.models import CriterionAssessment

    for criterion in Criterion:
        assessment = practice.assessment(criterion)
        if assessment is None:
            assessment = CriterionAssessment(criterion=criterion, argument="")
            practice.assessments.append(assessment)
        assessment.argument = arguments.get(criterion.value, "")


#: Needed to save at all (clean() refuses a draft without them).
REQUIRED_TO_SAVE = ("country_code", *REQUIRED_TEXT, "language", "theme")
#: Needed before submitting (missing_for_submission() refuses the step without them).
TEXT_TO_SUBMIT = ("institution", "population", "results", "replication")
LISTS_TO_SUBMIT = ("sectors", "outcomes", "actors")


def requirements() -> dict[str, str]:
    """Each form field's requirement, "save" or "submit", from the two rules above: the form
    marks them before anyone fails to meet them."""
    needs = {name: "save" for name in REQUIRED_TO_SAVE}
    for name in (*TEXT_TO_SUBMIT, *LISTS_TO_SUBMIT, "period_start"):
        needs[name] = "submit"
    for criterion in Criterion:
        needs[f"argument_{criterion.value}"] = "submit"
    return needs


def missing_for_submission(practice: Practice) -> dict[str, object]:
    """What a practice still needs before the secretariat can assess it."""
    missing: dict[str, object] = {}
    required = _l("Needed before submitting.")
    for field in TEXT_TO_SUBMIT:
        if not (getattr(practice, field) or "").strip():
            missing[field] = required
    for field in LISTS_TO_SUBMIT:
        if not getattr(practice, field):
            missing[field] = required
    if practice.period_start is None:
        missing["period_start"] = required
    for criterion in Criterion:
        assessment = practice.assessment(criterion)
        if assessment is None or not assessment.argument.strip():
            missing[f"argument_{criterion.value}"] = _l(
                "Explain how the practice meets this criterion."
            )
    return missing


def score_changes(practice: Practice, cleaned: dict[Criterion, int | None]) -> dict:
    """The secretariat's scores that `cleaned` changes, as audit changes (score_<criterion>)."""
    before = {f"score_{c.value}": practice.scores.get(c) for c in Criterion}
    after = {f"score_{c.value}": cleaned.get(c) for c in Criterion}
    return audit.diff(before, after)


def store_scores(practice: Practice, cleaned: dict[Criterion, int | None]) -> None:
    """Keep the scores given (None where a criterion is not scored yet) on the practice."""
    for criterion in Criterion:
        assessment = practice.assessment(criterion)
        if assessment is None:
            assessment = CriterionAssessment(criterion=criterion, argument="")
            practice.assessments.append(assessment)
        assessment.score = cleaned.get(criterion)
