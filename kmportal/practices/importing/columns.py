"""The import's columns, and turning one record into the values the practices service takes.

Only the shape of each cell is checked here (text, a whole number, yes or no, a list, a known
code or label); every rule about the values themselves (required fields, lengths, years,
member countries, scores) is the service's, whose errors are given back under the file's own
column names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from kmportal.practices.data import TEXT_LIMITS
from kmportal.practices.enums import Criterion
from kmportal.practices.importing.errors import ImportFileError
from kmportal.practices.importing.readers import EXTRA_CELLS, NOT_AN_OBJECT
from kmportal.practices.importing.vocabulary import AMBIGUOUS, Vocabulary, fold

TEXT = tuple(TEXT_LIMITS)
CODED = {"country": "country", "theme": "theme", "language": "language"}
MULTI = {"sectors": "sectors", "outcomes": "outcomes", "actors": "actors", "languages": "language"}
NUMBERS = ("period_start", "period_end")
ARGUMENTS = tuple(f"argument_{c.value}" for c in Criterion)
SCORES = tuple(f"score_{c.value}" for c in Criterion)
COLUMNS = (
    "external_id",
    "country",
    *TEXT[:3],
    "theme",
    "language",
    *TEXT[3:],
    *NUMBERS,
    *MULTI,
    "tags",
    "sdg_87",
    *ARGUMENTS,
    *SCORES,
)
# The service's field names that differ from the column names.
FIELD_TO_COLUMN = {"country_code": "country"}
ALIASES = {fold("country_code"): "country"}
LIST_SPLIT = re.compile(r"[;|\n]")
TAG_SPLIT = re.compile(r"[;|,\n]")
YES = {"yes", "y", "true", "1", "si", "sim", "oui", "x"}
NO = {"no", "n", "false", "0", "nao", "non", ""}


@dataclass
class Header:
    """The file's column names, by the column each one is."""

    names: dict[str, str] = field(default_factory=dict)  # column -> name in the file

    def name(self, column: str) -> str:
        return self.names.get(column, column)

    def error_key(self, service_field: str) -> str:
        return self.name(FIELD_TO_COLUMN.get(service_field, service_field)) if service_field else ""


BY_FOLDED = {**{fold(column): column for column in COLUMNS}, **ALIASES}


@functools.lru_cache(maxsize=1024)
def column_of(name: str) -> str | None:
    """The column a name in the file stands for (any case, `_` or spaces), or None."""
    return BY_FOLDED.get(fold(name))


def resolve_header(names) -> Header:
    """The file's header; an unknown or repeated column refuses the whole file (CSV, XLSX)."""
    header, unknown = Header(), []
    for name in names:
        if name in (EXTRA_CELLS, NOT_AN_OBJECT):
            continue
        column = column_of(name)
        if column is None:
            unknown.append(name or "?")
        elif column in header.names:
            raise ImportFileError(_l("The column “%(name)s” appears twice.", name=name), 1)
        else:
            header.names[column] = name
    if unknown:
        raise ImportFileError(
            _l(
                "Unknown columns: %(names)s. The template lists the columns an import takes.",
                names=", ".join(f"“{name}”" for name in unknown),
            ),
            1,
        )
    return header


def object_header(record: dict[str, Any]) -> Header:
    """A JSON object's own field names (an unknown one refuses that object only)."""
    header = Header()
    for name in record:
        column = column_of(name) if name not in (EXTRA_CELLS, NOT_AN_OBJECT) else None
        if column is not None:
            header.names.setdefault(column, name)
    return header


@dataclass
class Converted:
    values: dict[str, Any] = field(default_factory=dict)  # the service's field names
    scores: dict[str, Any] = field(default_factory=dict)  # criterion -> raw score
    external_id: str = ""
    errors: dict[str, object] = field(default_factory=dict)  # the file's column names


def convert(record: dict[str, Any], header: Header, vocabulary: Vocabulary) -> Converted:
    out = Converted()
    if NOT_AN_OBJECT in record:
        out.errors[""] = _l("Each item of the list must be an object: {“title”: …}.")
        return out
    if EXTRA_CELLS in record:
        out.errors[""] = _l("This row has more cells than the header has columns.")
    arguments: dict[str, str] = {}
    for name, raw in record.items():
        column = column_of(name) if name != EXTRA_CELLS else None
        if column is None:
            if name != EXTRA_CELLS:
                out.errors[name] = _l("Unknown field: the template lists the fields.")
            continue
        try:
            _convert_cell(out, arguments, column, raw, vocabulary)
        except _CellError as error:
            out.errors[name] = error.message
    if arguments:
        out.values["arguments"] = arguments
    return out


class _CellError(Exception):
    def __init__(self, message):
        self.message = message


def _convert_cell(out: Converted, arguments: dict, column: str, raw, vocabulary) -> None:
    if column == "external_id":
        out.external_id = _text(raw)
        if len(out.external_id) > 120:
            raise _CellError(_l("Use at most %(n)d characters.", n=120))
    elif column in TEXT:
        out.values[column] = _text(raw)
    elif column in CODED:
        code = _code(vocabulary, CODED[column], raw)
        out.values["country_code" if column == "country" else column] = code
    elif column in MULTI:
        out.values[column] = [_code(vocabulary, MULTI[column], v) for v in _list(raw, LIST_SPLIT)]
    elif column == "tags":
        out.values["tags"] = _list(raw, TAG_SPLIT)
    elif column in NUMBERS:
        out.values[column] = _number(raw)
    elif column == "sdg_87":
        out.values["sdg_87"] = _yes_no(raw)
    elif column in ARGUMENTS:
        arguments[column.removeprefix("argument_")] = _text(raw)
    elif column in SCORES:
        score = _number(raw)
        if score not in (None, ""):
            out.scores[column.removeprefix("score_")] = score


def _text(raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _CellError(_l("Write text here."))
    return raw.strip()


def _number(raw):
    """A whole number, or the text as written (the service says what is wrong with it)."""
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise _CellError(_l("Write a whole number here."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise _CellError(_l("Write a whole number here."))
    if isinstance(raw, str):
        text = raw.strip()
        if re.fullmatch(r"-?\d+\.0+", text):
            return int(float(text))
        return text
    raise _CellError(_l("Write a whole number here."))


def _yes_no(raw) -> bool:
    if isinstance(raw, bool) or raw is None:
        return bool(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        key = fold(raw)
        if key in YES:
            return True
        if key in NO:
            return False
    raise _CellError(_l("Write yes or no."))


def _list(raw, separator: re.Pattern) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        items = separator.split(raw)
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = raw
    else:
        raise _CellError(_l("Write a list of values, such as “a; b”."))
    return [item.strip() for item in items if item.strip()]


def _code(vocabulary: Vocabulary, kind: str, raw) -> str:
    text = _text(raw)
    if not text:
        return ""
    code = vocabulary.lookup(kind, text)
    if code is AMBIGUOUS:
        raise _CellError(_l("“%(value)s” could mean several values: write its code.", value=text))
    if code is None:
        if kind == "country":
            raise _CellError(
                _l(
                    "Unknown country “%(value)s”: write its ISO code (such as BR) or its name.",
                    value=text,
                )
            )
        raise _CellError(_l("Unknown value “%(value)s”: see the template.", value=text))
    return code
