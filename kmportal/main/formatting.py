"""Numbers, decimals and dates in the page's language, by Babel (through Flask-Babel).

Jinja filters: `decimal` ("1,2" in es/pt/fr, "1.2" in en), `number` stays the transfers' one
(format_decimal), and `dateformat` / `datetimeformat` replace Flask-Babel's so that the
"short" formats keep four-digit years in every language (CLDR's Spanish and English short
dates have two: "1/12/26"). Any other format (a CLDR width or an explicit pattern) goes to
Babel as it is. `colon()` is a colon as the page's language writes it (French: "\u00a0:").
"""

from __future__ import annotations

import re
from datetime import date, datetime

import flask_babel
from flask_babel import get_locale

WIDTHS = ("short", "medium", "long", "full")
_TWO_DIGIT_YEAR = re.compile(r"(?<![y'])yy(?!y)")


def init_app(app) -> None:
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["dateformat"] = format_date
    app.jinja_env.filters["datetimeformat"] = format_datetime
    app.jinja_env.globals["colon"] = colon


def colon() -> str:
    """A colon written by a template (outside a message), as the page's language writes it:
    French puts a no-break space before it ("Objectif 3 : …")."""
    return "\u00a0:" if str(get_locale()) == "fr" else ":"


def decimal(value, digits: int = 1) -> str:
    """A number with `digits` decimals in the page's language: 1.25 → "1,3" in Spanish."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return flask_babel.format_decimal(value, format=pattern)


def four_digit_years(pattern: str) -> str:
    """A CLDR pattern with "yy" widened to "yyyy" ("d/M/yy" → "d/M/yyyy")."""
    return _TWO_DIGIT_YEAR.sub("yyyy", pattern)


def date_pattern(width: str) -> str:
    return four_digit_years(get_locale().date_formats[width].pattern)


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    pattern = date_pattern(format) if format in WIDTHS else format
    return flask_babel.format_date(value, pattern)


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if format not in WIDTHS:
        return flask_babel.format_datetime(value, format)
    locale = get_locale()
    time_pattern = locale.time_formats[format].pattern
    joined = str(locale.datetime_formats[format]).replace("{0}", time_pattern)
    return flask_babel.format_datetime(value, joined.replace("{1}", date_pattern(format)))
