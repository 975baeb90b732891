"""An Atom feed (RFC 4287) of the most recently published practices, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import current_app, url_for

from kmportal.extensions import db
from kmportal.opendata import records
from kmportal.practices.models import Practice
from kmportal.practices.queries import CatalogueFilters, published

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTRIES = 50


def _when(value: datetime | None) -> str:
    value = value or datetime.now(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def latest_practices() -> list[Practice]:
    """The public catalogue's newest ENTRIES, in its own order (published_at, newest first)."""
    return list(db.session.scalars(published(CatalogueFilters()).limit(ENTRIES)))


def practices_atom() -> bytes:
    ET.register_namespace("", ATOM)
    practices = latest_practices()
    self_url = url_for("opendata.practices_atom", _external=True)
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, "id", self_url)
    _sub(root, "title", current_app.config["OPENDATA_PUBLISHER"] + " – good practices")
    _sub(
        root,
        "updated",
        _when(max((p.published_at for p in practices if p.published_at), default=None)),
    )
    _sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(
        root,
        "link",
        rel="alternate",
        type="text/html",
        href=url_for("practices.index", _external=True),
    )
    author = _sub(root, "author")
    _sub(author, "name", current_app.config["OPENDATA_PUBLISHER"])
    for practice in practices:
        _entry(root, practice)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root, practice: Practice) -> None:
    url = records.practice_url(practice.id)
    entry = _sub(root, "entry")
    entry.set(XML_LANG, practice.language)
    _sub(entry, "id", url)
    _sub(entry, "title", practice.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "published", _when(practice.published_at))
    _sub(entry, "updated", _when(practice.published_at))
    author = _sub(entry, "author")
    _sub(author, "name", practice.institution or practice.country.name(practice.language))
    _sub(entry, "summary", practice.summary)
    for code in records.THEME_CONCEPTS[practice.theme]:
        _sub(entry, "category", term=code, scheme=records.scheme_uri("themes"))
    for code in records.sector_values(practice):
        _sub(entry, "category", term=code, scheme=records.scheme_uri("sectors"))
    _sub(
        entry,
        "category",
        term=practice.country_code,
        label=practice.country.name("en"),
        scheme="urn:iso:std:iso:3166:-1:alpha-2",
    )
