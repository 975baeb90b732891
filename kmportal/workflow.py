"""The mechanics shared by the workflow tables (practices, transfers): which steps leave a
state, and where a step leads. Each table keeps its own steps and its own refusal message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kmportal.errors import InvalidTransition


def allowed_steps(steps: Mapping[str, Any], current) -> list[str]:
    """The names of the steps whose sources include `current`, in table order."""
    return [name for name, step in steps.items() if current in step.sources]


def advance(steps: Mapping[str, Any], current, step_name: str, refusal: Callable):
    """The target of `step_name` from `current`, or InvalidTransition(refusal(current, step))
    when the table refuses it."""
    step = steps[step_name]
    if current not in step.sources:
        raise InvalidTransition(refusal(current, step))
    return step.target
