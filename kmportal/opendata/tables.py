"""The public catalogue as CSV and JSON: one row (object) per published practice, oldest
first, with the columns of COLUMNS in that order (README "Open data" documents them; the
order only ever grows at the end). Codes, not translated labels: the file is the same in
every language. Multi-valued columns are joined with "; " in CSV and are arrays in JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from kmportal.opendata import records
from kmportal.practices.models import Practice

SEPARATOR = "; "
# Text a spreadsheet would run as a formula gets a leading apostrophe (as the transfer
# exports do, kmportal.progress.exports).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _datetime(value) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


COLUMNS: tuple[tuple[str, Callable[[Practice], object]], ...] = (
    ("id", lambda p: p.id),
    ("url", lambda p: records.practice_url(p.id)),
    ("title", lambda p: p.title),
    ("language", lambda p: p.language),
    ("country", lambda p: p.country_code),
    ("country_name", lambda p: p.country.name("en")),
    ("theme", lambda p: p.theme.value),
    ("sectors", lambda p: p.sectors),
    ("outcomes", lambda p: p.outcomes),
    ("actors", lambda p: p.actors),
    ("languages", lambda p: records.unique_languages(p)),
    ("tags", lambda p: p.tags),
    ("sdg_87", lambda p: p.sdg_87),
    ("label", lambda p: p.label.value if p.label else None),
    ("period_start", lambda p: p.period_start),
    ("period_end", lambda p: p.period_end),
    ("institution", lambda p: p.institution),
    ("contact", lambda p: p.contact),
    ("summary", lambda p: p.summary),
    ("description", lambda p: p.description),
    ("population", lambda p: p.population),
    ("results", lambda p: p.results),
    ("replication", lambda p: p.replication),
    ("cost_notes", lambda p: p.cost_notes),
    ("published_at", lambda p: _datetime(p.published_at)),
    ("updated_at", lambda p: _datetime(p.updated_at)),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)


def practice_record(practice: Practice) -> dict[str, object]:
    return {name: value(practice) for name, value in COLUMNS}


def practices_json() -> bytes:
    body = {
        "columns": list(COLUMN_NAMES),
        "practices": [practice_record(p) for p in records.published_practices()],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def practices_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for practice in records.published_practices():
        writer.writerow([_cell(value) for value in practice_record(practice).values()])
    # UTF-8 with a byte-order mark: spreadsheets then read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = SEPARATOR.join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
