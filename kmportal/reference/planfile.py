"""Work plan files (YAML or JSON): reading them with the line of every key, checking them
whole (every problem named by its line and key), and writing a plan back in the same format.

The format (README, "Work plans as data"): a `period` (code, start and end months, the
official language, title and place_and_date) and `objectives`, each with results, each
with activities (and their schedule months) and targets (indicator, quantity, start and end
dates). Every text is a mapping language -> text and must have the official language.
Codes are "1", "1.2", "1.2.3": an objective's number, its result's, the activity's.
"""

from __future__ import annotations

import json

import yaml
from flask_babel import lazy_gettext as _l

from kmportal.errors import ValidationError
from kmportal.reference.plancheck import Checker, location


class PlanFileError(ValidationError):
    """A plan file that cannot be imported: every problem, as (where, message); nothing was
    changed."""

    def __init__(self, problems: list[tuple[str, object]]):
        self.problems = problems
        super().__init__(
            {
                f"{index}:{where}": f"{where}: {message}"
                for index, (where, message) in enumerate(problems)
            }
        )


def parse(text: str, name: str = "") -> dict:
    """The checked plan of a file's text (JSON when the name ends in .json, else YAML):
    a dict with dates and numbers, ready for the importer. PlanFileError otherwise."""
    data, marks = _load(text, name)
    checker = Checker(marks)
    plan = checker.plan(data)
    if checker.problems:
        raise PlanFileError(checker.problems)
    return plan


def _load(text: str, name: str) -> tuple[object, dict]:
    """The file's data and the line of every key and item (by path), for the messages."""
    try:
        if name.endswith(".json"):
            data = json.loads(text)
            _refuse_aliases(text)  # deep nesting, for the composer below
        else:
            _refuse_aliases(text)
            data = yaml.load(text, Loader=yaml.SafeLoader)
        # JSON is YAML too: the same composer gives the lines of both.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except json.JSONDecodeError as error:
        raise PlanFileError(
            [
                (
                    location(error.lineno, ""),
                    _l("The file is not valid JSON: %(problem)s", problem=error.msg),
                )
            ]
        ) from None
    except RecursionError:  # "[[[[…]]]]" thousands deep
        raise PlanFileError(
            [(location(0, ""), _l("The file is not valid YAML: %(problem)s", problem="depth"))]
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(error, "problem", None) or str(error)
        raise PlanFileError(
            [(location(line, ""), _l("The file is not valid YAML: %(problem)s", problem=problem))]
        ) from None
    marks: dict[tuple, int] = {}
    _mark(node, (), marks)
    return data, marks


MAX_DEPTH = 16  # a plan file nests 8 levels (objectives, results, activities, texts)


def _refuse_aliases(text: str) -> None:
    """A plan needs no anchors or aliases, nor deep nesting; a few aliases can make a tiny
    file expand into billions of nodes, and deep nesting exhausts the parser: refused on the
    event stream, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            message = _l("Anchors and aliases (“&”, “*”) are not allowed in a plan file.")
            raise PlanFileError([(location(line, ""), message)])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = _l("The file nests deeper than %(limit)d levels.", limit=MAX_DEPTH)
                raise PlanFileError([(location(line, ""), message)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _mark(node, path: tuple, marks: dict) -> None:
    if node is None:
        return
    marks[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            marks[path + (key.value,)] = key.start_mark.line + 1
            _mark(value, path + (key.value,), marks)
            marks[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark(item, path + (index,), marks)


def dump(data: dict, fmt: str = "yaml") -> str:
    """A plan in the file format (see export_data), as YAML or JSON text."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def check(data) -> dict:
    """The checks of parse() on data built in code (the secretariat's forms): the problems
    name the key (there is no line)."""
    checker = Checker({})
    plan = checker.plan(data)
    if checker.problems:
        raise PlanFileError(checker.problems)
    return plan
