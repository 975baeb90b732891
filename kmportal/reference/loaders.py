"""Idempotent loading of the reference data: running a loader twice changes nothing.

Rows are matched on their natural keys and only missing rows are inserted, so the
secretariat's later edits (a month marked on the schedule, a corrected target) survive.
The work plans are data files (kmportal/reference/data), loaded by the plan importer
(reference/plans.py) in its "only what is missing" mode.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass

import pycountry
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.reference import plans
from kmportal.reference.models import Country

# Member countries of the Initiative (ISO 3166-1 alpha-2). Membership is data: the
# secretariat can change a country's member flag; names come from pycountry's translations.
MEMBER_COUNTRIES = (
    "AG",
    "AR",
    "BS",
    "BB",
    "BZ",
    "BO",
    "BR",
    "CL",
    "CO",
    "CR",
    "DM",
    "DO",
    "EC",
    "SV",
    "GD",
    "GT",
    "GY",
    "HT",
    "HN",
    "JM",
    "MX",
    "NI",
    "PA",
    "PY",
    "PE",
    "KN",
    "LC",
    "VC",
    "SR",
    "TT",
    "UY",
    "VE",
)

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
    updated: int = 0

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


def load_plan() -> LoadReport:
    """The plans shipped in kmportal/reference/data, through the plan importer: what is
    missing is added (rows, and translations a row lacks), nothing that exists is changed."""
    report = LoadReport()
    for imported in plans.load_shipped(only_missing=True):
        report.created += len(imported.created)
        report.updated += len(imported.updated)
        report.unchanged += imported.unchanged
    return report
