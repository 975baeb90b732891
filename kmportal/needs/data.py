"""A need's editable fields: cleaning input into values, and snapshots for the audit trail."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.languages import LANGUAGE_NAMES
from kmportal.needs.enums import NEED_FUNDING, NeedStatus, Urgency
from kmportal.needs.models import Need
from kmportal.practices.enums import Sector, StrategicOutcome, Theme
from kmportal.reference.models import Country
from kmportal.transfers.enums import FundingMode
from kmportal.validation import clean_texts

TEXT_LIMITS = {"title": 300, "description": 10000, "population": 2000}
FIELDS = (
    "country_code",
    "title",
    "description",
    "language",
    "theme",
    "sectors",
    "population",
    "outcome",
    "urgency",
    "funding_mode",
    "status",
)
# Fewer words than this cannot be matched to anything: the problem has to be told.
MIN_DESCRIPTION_WORDS = 5


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """The submitted values normalised, or ValidationError per field (nothing changed)."""
    errors: dict[str, object] = {}
    out: dict[str, Any] = clean_texts(data, TEXT_LIMITS, errors)
    if not out["title"] and "title" not in errors:
        errors["title"] = _l("Say in a few words what your country needs.")
    if len(out["description"].split()) < MIN_DESCRIPTION_WORDS and "description" not in errors:
        errors["description"] = _l(
            "Describe the problem in your own words (a few sentences): suggestions are found "
            "from this text."
        )
    code = str(data.get("country_code") or "").strip().upper()
    if not code or db.session.get(Country, code) is None:
        errors["country_code"] = _l("Choose a member country.")
    out["country_code"] = code
    language = data.get("language") or ""
    if language not in LANGUAGE_NAMES:
        errors["language"] = _l("Choose the language the need is written in.")
    out["language"] = language
    out["theme"] = _choice(data.get("theme"), Theme, "theme", errors, required=True)
    out["outcome"] = _choice(data.get("outcome"), StrategicOutcome, "outcome", errors)
    out["urgency"] = _choice(data.get("urgency") or "medium", Urgency, "urgency", errors)
    out["funding_mode"] = _choice(data.get("funding_mode"), NEED_FUNDING, "funding_mode", errors)
    out["status"] = _choice(data.get("status") or "draft", NeedStatus, "status", errors)
    sectors = data.get("sectors") or []
    valid = {s.value for s in Sector}
    if any(s not in valid for s in sectors):
        errors["sectors"] = _l("Choose sectors from the list.")
    out["sectors"] = sorted(dict.fromkeys(s for s in sectors if s in valid))
    if errors:
        raise ValidationError(errors)
    return out


def _choice(value, choices, field: str, errors: dict, required: bool = False) -> str | None:
    value = str(value or "").strip()
    if not value:
        if required:
            errors[field] = _l("This field is required.")
        return None
    if value not in {member.value for member in choices}:
        errors[field] = _l("Not a valid choice.")
        return None
    return value


def snapshot(need: Need) -> dict[str, Any]:
    return {
        "country_code": need.country_code,
        "title": need.title,
        "description": need.description,
        "language": need.language,
        "theme": getattr(need.theme, "value", need.theme),
        "sectors": list(need.sectors),
        "population": need.population,
        "outcome": need.outcome,
        "urgency": getattr(need.urgency, "value", need.urgency),
        "funding_mode": getattr(need.funding_mode, "value", need.funding_mode),
        "status": getattr(need.status, "value", need.status),
    }


def apply(need: Need, values: dict[str, Any]) -> None:
    need.country_code = values["country_code"]
    need.title = values["title"]
    need.description = values["description"]
    need.language = values["language"]
    need.theme = Theme(values["theme"])
    need.population = values["population"]
    need.outcome = values["outcome"]
    need.urgency = Urgency(values["urgency"])
    funding = values["funding_mode"]
    need.funding_mode = FundingMode(funding) if funding else None
    need.status = NeedStatus(values["status"])
    need.set_sectors(values["sectors"])
