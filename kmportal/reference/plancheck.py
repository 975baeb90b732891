"""The checks of a work plan file (see planfile): one walk over the data that collects every
problem, each named by its line and key, and returns the plan with dates and numbers."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from kmportal.languages import LANGUAGES
from kmportal.months import add_months

PERIOD_KEYS = ("code", "start", "end", "official_language", "title", "place_and_date")
OBJECTIVE_KEYS = ("code", "name", "description", "results")
RESULT_KEYS = ("code", "text", "activities", "targets")
ACTIVITY_KEYS = ("code", "text", "months")
TARGET_KEYS = ("indicator", "quantity", "start", "end", "description")
OPTIONAL = {"targets", "months"}  # may be left out (no target, no month marked)

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def key_name(path: tuple) -> str:
    """objectives[2].results[0].code"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def location(line: int, key: str) -> str:
    if line and key:
        return str(_l("line %(line)d (%(key)s)", line=line, key=key))
    if line:
        return str(_l("line %(line)d", line=line))
    return key or str(_l("the file"))


def month_of(value) -> date | None:
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    found = MONTH.match(str(value)) if isinstance(value, str) else None
    if found and 1 <= int(found.group(2)) <= 12:
        return date(int(found.group(1)), int(found.group(2)), 1)
    return None


def day_of(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


class Checker:
    """Walks the data once, collecting every problem (never stops at the first)."""

    def __init__(self, marks: dict):
        self.marks = marks
        self.problems: list[tuple[str, object]] = []
        self.official = "es"
        self.first = self.last = None

    def problem(self, path: tuple, message) -> None:
        line = 0
        for length in range(len(path), -1, -1):  # the nearest line that is in the file
            if path[:length] in self.marks:
                line = self.marks[path[:length]]
                break
        self.problems.append((location(line, key_name(path)), message))

    def mapping(self, value, path: tuple, keys: tuple) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, _l("This must be a set of keys and values."))
            return None
        for key in value:
            if key not in keys:
                self.problem(path + (key,), _l("Unknown key “%(key)s”.", key=key))
        for key in keys:
            if key not in value and key not in OPTIONAL:
                self.problem(path, _l("“%(key)s” is missing.", key=key))
        return value

    def items(self, value, path: tuple) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, _l("This must be a list."))
            return []
        return value

    def texts(self, value, path: tuple) -> dict[str, str]:
        if not isinstance(value, dict):
            if value is not None:
                self.problem(path, _l("This must be a set of keys and values."))
            return {}
        texts = {}
        for language, text in value.items():
            if language not in LANGUAGES:
                self.problem(
                    path + (language,),
                    _l(
                        "Unknown language “%(language)s” (the languages are %(languages)s).",
                        language=language,
                        languages=", ".join(LANGUAGES),
                    ),
                )
            elif not isinstance(text, str) or not text.strip():
                self.problem(path + (language,), _l("This must be text."))
            else:
                texts[language] = text.strip()
        if self.official in LANGUAGES and self.official not in texts and value is not None:
            self.problem(
                path,
                _l(
                    "The text in the official language (%(language)s) is missing.",
                    language=self.official,
                ),
            )
        return texts

    def code(self, value, path: tuple, parent: str, seen: set) -> int | None:
        code = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        prefix = f"{parent}." if parent else ""
        number = code[len(prefix) :] if code.startswith(prefix) else ""
        if not number.isdigit() or int(number) < 1:
            example = f"{prefix}1"
            self.problem(
                path,
                _l(
                    "The code “%(code)s” must be “%(example)s”, “%(prefix)s2”…",
                    code=code,
                    example=example,
                    prefix=prefix,
                ),
            )
            return None
        if code in seen:
            self.problem(path, _l("The code “%(code)s” appears twice.", code=code))
            return None
        seen.add(code)
        return int(number)

    def plan(self, data) -> dict:
        root = self.mapping(data, (), ("period", "objectives")) or {}
        period = self.period(root.get("period"))
        seen: set[str] = set()
        objectives = []
        for index, item in enumerate(self.items(root.get("objectives"), ("objectives",))):
            objectives.append(self.objective(item, ("objectives", index), seen))
        return {**period, "objectives": objectives}

    def period(self, value) -> dict:
        path = ("period",)
        found = self.mapping(value, path, PERIOD_KEYS) or {}
        language = found.get("official_language")
        if language is not None and language not in LANGUAGES:
            self.problem(
                path + ("official_language",),
                _l(
                    "Unknown language “%(language)s” (the languages are %(languages)s).",
                    language=language,
                    languages=", ".join(LANGUAGES),
                ),
            )
        self.official = language if language in LANGUAGES else "es"
        code = found.get("code")
        if code is not None and (
            not isinstance(code, (str, int)) or not str(code).strip() or len(str(code)) > 20
        ):
            self.problem(path + ("code",), _l("The code must be text of 1 to 20 characters."))
        self.first = self.month(found, "start", path)
        self.last = self.month(found, "end", path)
        if self.first and self.last and self.last < self.first:
            self.problem(path + ("end",), _l("The end comes before the start."))
            self.first = self.last = None
        return {
            "code": str(code or "").strip(),
            "first_month": self.first,
            "last_month": self.last,
            "official_language": self.official,
            "title": self.texts(found.get("title"), path + ("title",)),
            "place_and_date": self.texts(found.get("place_and_date"), path + ("place_and_date",)),
        }

    def month(self, found: dict, key: str, path: tuple) -> date | None:
        if key not in found:
            return None
        month = month_of(found[key])
        if month is None:
            self.problem(path + (key,), _l("A month is written YYYY-MM (2015-10)."))
        return month

    def inside(self, day: date, path: tuple) -> None:
        if self.first and self.last and not (self.first <= day <= month_end(self.last)):
            self.problem(
                path,
                _l(
                    "%(day)s is outside the plan period (%(start)s to %(end)s).",
                    day=day.isoformat(),
                    start=f"{self.first:%Y-%m}",
                    end=f"{self.last:%Y-%m}",
                ),
            )

    def objective(self, value, path: tuple, seen: set) -> dict:
        found = self.mapping(value, path, OBJECTIVE_KEYS) or {}
        number = (
            self.code(found.get("code"), path + ("code",), "", seen) if "code" in found else None
        )
        results = [
            self.result(item, path + ("results", index), str(number or "?"), seen)
            for index, item in enumerate(self.items(found.get("results"), path + ("results",)))
        ]
        return {
            "number": number,
            "name": self.texts(found.get("name"), path + ("name",)),
            "description": self.texts(found.get("description"), path + ("description",)),
            "results": results,
        }

    def result(self, value, path: tuple, parent: str, seen: set) -> dict:
        found = self.mapping(value, path, RESULT_KEYS) or {}
        number = (
            self.code(found.get("code"), path + ("code",), parent, seen)
            if "code" in found
            else None
        )
        code = f"{parent}.{number or '?'}"
        activities = [
            self.activity(item, path + ("activities", index), code, seen)
            for index, item in enumerate(
                self.items(found.get("activities"), path + ("activities",))
            )
        ]
        indicators: set[str] = set()
        targets = [
            self.target(item, path + ("targets", index), indicators)
            for index, item in enumerate(self.items(found.get("targets"), path + ("targets",)))
        ]
        return {
            "number": number,
            "text": self.texts(found.get("text"), path + ("text",)),
            "activities": activities,
            "targets": targets,
        }

    def activity(self, value, path: tuple, parent: str, seen: set) -> dict:
        found = self.mapping(value, path, ACTIVITY_KEYS) or {}
        number = (
            self.code(found.get("code"), path + ("code",), parent, seen)
            if "code" in found
            else None
        )
        months: list[date] = []
        for index, raw in enumerate(self.items(found.get("months"), path + ("months",))):
            month = month_of(raw)
            if month is None:
                self.problem(path + ("months", index), _l("A month is written YYYY-MM (2015-10)."))
            elif month in months:
                self.problem(
                    path + ("months", index),
                    _l("The month %(month)s appears twice.", month=f"{month:%Y-%m}"),
                )
            else:
                self.inside(month, path + ("months", index))
                months.append(month)
        return {
            "number": number,
            "text": self.texts(found.get("text"), path + ("text",)),
            "months": sorted(months),
        }

    def target(self, value, path: tuple, indicators: set) -> dict:
        found = self.mapping(value, path, TARGET_KEYS) or {}
        indicator = found.get("indicator")
        if "indicator" in found and (
            not isinstance(indicator, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", indicator)
        ):
            self.problem(
                path + ("indicator",),
                _l("An indicator is a name of lower-case letters, digits and “_”."),
            )
        elif indicator in indicators:
            self.problem(
                path + ("indicator",),
                _l(
                    "The indicator “%(indicator)s” appears twice in this result.",
                    indicator=indicator,
                ),
            )
        indicators.add(indicator)
        quantity = found.get("quantity")
        if "quantity" in found and (
            not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0
        ):
            self.problem(
                path + ("quantity",), _l("The target must be a whole number greater than 0.")
            )
        days = {}
        for key in ("start", "end"):
            if key in found:
                days[key] = day_of(found[key])
                if days[key] is None:
                    self.problem(path + (key,), _l("A date is written YYYY-MM-DD (2015-10-01)."))
                else:
                    self.inside(days[key], path + (key,))
        if days.get("start") and days.get("end") and days["end"] < days["start"]:
            self.problem(path + ("end",), _l("The end comes before the start."))
        return {
            "indicator": indicator,
            "quantity": quantity,
            "period_start": days.get("start"),
            "period_end": days.get("end"),
            "description": self.texts(found.get("description"), path + ("description",)),
        }


def month_end(month: date) -> date:
    return date.fromordinal(add_months(month, 1).toordinal() - 1)
