"""The metadata in the head of a practice page: schema.org (JSON-LD, a data block the CSP
does not apply to: it is never executed) and Dublin Core (<meta name="DC.*">), from the same
fields the page shows. Only for published practices: the others are not public records."""

from __future__ import annotations

from dataclasses import dataclass, field

from kmportal.opendata import records
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice


@dataclass(frozen=True)
class PracticeHead:
    schema_org: dict
    dublin_core: list[tuple[str, str, str | None]] = field(default_factory=list)
    # (name, content, language) for <meta name=... content=... lang=...>


def practice_head(practice: Practice) -> PracticeHead | None:
    if practice.state is not PracticeState.PUBLISHED:
        return None
    url = records.practice_url(practice.id)
    concepts = [("themes", code) for code in records.THEME_CONCEPTS[practice.theme]]
    concepts += [("sectors", code) for code in records.sector_values(practice)]
    subjects = [records.concept_labels(scheme, code, ("en",))["en"] for scheme, code in concepts]
    return PracticeHead(_schema_org(practice, url, subjects), _dublin_core(practice, url, subjects))


def _schema_org(practice: Practice, url: str, subjects: list[str]) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url + "#practice",
        "url": url,
        "name": practice.title,
        "abstract": practice.summary,
        "description": practice.summary or practice.description,
        "inLanguage": practice.language,
        "about": subjects,
        "keywords": practice.tags,
        "spatialCoverage": {
            "@type": "Country",
            "name": practice.country.name("en"),
            "identifier": practice.country_code,
        },
        "publisher": {"@type": "Organization", "name": _publisher()},
        "datePublished": _date(practice.published_at),
        "dateModified": _date(practice.updated_at),
        "isAccessibleForFree": True,
    }
    if practice.institution:
        data["creator"] = {"@type": "Organization", "name": practice.institution}
    if practice.period_start:
        data["temporalCoverage"] = f"{practice.period_start}/{practice.period_end or '..'}"
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def _dublin_core(practice: Practice, url: str, subjects: list[str]):
    language = practice.language
    meta = [
        ("DC.title", practice.title, language),
        ("DC.description", practice.summary, language),
        ("DC.language", language, None),
        ("DC.identifier", url, None),
        ("DC.type", "Text", None),
        ("DC.publisher", _publisher(), "en"),
        ("DC.coverage", practice.country.name("en"), "en"),
        ("DC.date", _date(practice.published_at), None),
        ("DCTERMS.modified", _date(practice.updated_at), None),
    ]
    if practice.institution:
        meta.append(("DC.creator", practice.institution, language))
    meta += [("DC.subject", subject, "en") for subject in subjects]
    meta += [("DC.subject", tag, language) for tag in practice.tags]
    return [(name, content, lang) for name, content, lang in meta if content]


def _date(value) -> str | None:
    return value.date().isoformat() if value else None


def _publisher() -> str:
    from flask import current_app

    return current_app.config["OPENDATA_PUBLISHER"]
