"""The practice workflow: which step leads from which states to which state. One table."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from kmportal import workflow
from kmportal.practices.enums import PracticeState as S


@dataclass(frozen=True)
class Step:
    sources: frozenset[S]
    target: S
    label: object


STEPS: dict[str, Step] = {
    "submit": Step(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, _l("Submit for validation")),
    "publish": Step(frozenset({S.SUBMITTED}), S.PUBLISHED, _l("Validate and publish")),
    "return": Step(frozenset({S.SUBMITTED}), S.RETURNED, _l("Return with comments")),
    "archive": Step(
        frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED}), S.ARCHIVED, _l("Archive")
    ),
}


def allowed_steps(state: S) -> list[str]:
    return workflow.allowed_steps(STEPS, state)


def next_state(state: S, step_name: str) -> S:
    """The state a step leads to from `state`, or InvalidTransition when the table refuses it."""
    return workflow.advance(STEPS, state, step_name, _refusal)


def _refusal(state: S, step: Step):
    return _l(
        "A practice that is “%(state)s” cannot be moved by “%(step)s”.",
        state=state.label,
        step=step.label,
    )
