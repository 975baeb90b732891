"""The transfer workflow: which step leads from which statuses to which status, and which
date of the transfer the step records. One table."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from kmportal import workflow
from kmportal.transfers.enums import OPEN_STATUSES
from kmportal.transfers.enums import TransferStatus as S


@dataclass(frozen=True)
class Step:
    sources: frozenset[S]
    target: S
    date_field: str
    label: object
    date_label: object


STEPS: dict[str, Step] = {
    "agree": Step(
        frozenset({S.PROPOSED}), S.AGREED, "agreed_on", _l("Agree to the transfer"), _l("Agreed on")
    ),
    "start": Step(
        frozenset({S.AGREED}),
        S.IN_PROGRESS,
        "start_on",
        _l("Start the exchange"),
        _l("Exchange started on"),
    ),
    "complete": Step(
        frozenset({S.IN_PROGRESS}),
        S.TRANSFERRED,
        "transferred_on",
        _l("Mark as transferred"),
        _l("Transferred on"),
    ),
    "adopt": Step(
        frozenset({S.TRANSFERRED}),
        S.ADOPTED,
        "adopted_on",
        _l("Mark as adopted"),
        _l("Adopted on"),
    ),
    "institutionalise": Step(
        frozenset({S.ADOPTED}),
        S.INSTITUTIONALISED,
        "institutionalised_on",
        _l("Mark as institutionalised"),
        _l("Institutionalised on"),
    ),
    "cancel": Step(
        OPEN_STATUSES, S.CANCELLED, "cancelled_on", _l("Cancel the transfer"), _l("Cancelled on")
    ),
}


def allowed_steps(status: S) -> list[str]:
    return workflow.allowed_steps(STEPS, status)


def next_status(status: S, step_name: str) -> S:
    """The status a step leads to from `status`, or InvalidTransition when the table refuses."""
    return workflow.advance(STEPS, status, step_name, _refusal)


def _refusal(status: S, step: Step):
    return _l(
        "A transfer that is “%(status)s” cannot be moved by “%(step)s”.",
        status=status.label,
        step=step.label,
    )
