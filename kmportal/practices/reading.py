"""What a person may see of a practice, and what they may do next: one read rule.

The practice page (and any other reader: the edit form, the validation page, an API) renders
a PracticeView and never looks at roles or countries itself. The rules of who sees the
scores, the return comment, the pending edit and the history are here, next to the
permission table they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from kmportal.practices import history
from kmportal.practices.enums import Criterion, PracticeState
from kmportal.practices.models import PendingEdit, Practice
from kmportal.practices.permissions import can, held_for_review
from kmportal.practices.workflow import allowed_steps as workflow_steps
from kmportal.reference import queries as reference
from kmportal.reference.models import Activity

#: The steps a page may offer, in the order it offers them.
STEPS = ("edit", "attach", "submit", "validate", "review_edit", "archive")


@dataclass(frozen=True)
class NextStep:
    """Who must do what next, in one sentence; `yours` when it is the reader's turn."""

    text: str
    yours: bool = False


@dataclass(frozen=True)
class ScoreLine:
    criterion: Criterion
    argument: str
    score: int | None


@dataclass(frozen=True)
class PracticeView:
    """What this person may see of this practice and what they may do next."""

    practice: Practice
    steps: tuple[str, ...]
    next_step: NextStep | None
    show_scores: bool
    criteria: list[ScoreLine]
    return_comment: str | None
    pending_edit: PendingEdit | None
    show_history: bool
    revisions: list[history.Revision] = field(default_factory=list)
    changed_since_return: list[history.FieldChange] = field(default_factory=list)

    def may(self, step: str) -> bool:
        return step in self.steps


@dataclass(frozen=True)
class FormOptions:
    """What the practice form offers this person: the country choice (the secretariat), a
    file to attach with the save, and whether a save is held for review."""

    choose_country: bool
    attach: bool
    held_for_review: bool


def form_options(user, practice: Practice | None = None) -> FormOptions:
    """The form's options for a new practice (None) or an existing one."""
    secretariat = _secretariat(user)
    if practice is None:
        return FormOptions(
            choose_country=secretariat, attach=can(user, "create"), held_for_review=False
        )
    return FormOptions(
        choose_country=secretariat,
        attach=can(user, "attach", practice),
        held_for_review=held_for_review(user, practice),
    )


def activity_groups() -> list[tuple[Any, list[tuple[Any, list[Activity]]]]]:
    """The current plan's activities grouped by objective and result, in the plan's order, so
    the form reads 3.1.1, 3.1.2, then 3.2.1 (not down columns)."""
    plan = reference.current_plan()
    if plan is None:
        return []
    return [
        (objective, [(result, list(result.activities)) for result in objective.results])
        for objective in plan.objectives
    ]


def allowed_steps(user, practice: Practice) -> tuple[str, ...]:
    """The steps this person may take now: the permission table and the workflow table
    together (a permitted step the practice's state refuses is not offered)."""
    by_state = set(workflow_steps(practice.state))
    offered = {
        "edit": can(user, "edit", practice),
        "attach": can(user, "attach", practice),
        "submit": "submit" in by_state and can(user, "submit", practice),
        "validate": "publish" in by_state and can(user, "publish", practice),
        "review_edit": practice.pending_edit is not None and can(user, "review_edit", practice),
        "archive": "archive" in by_state and can(user, "archive", practice),
    }
    return tuple(step for step in STEPS if offered[step])


def practice_view(user, practice: Practice, with_history: bool = True) -> PracticeView:
    """The practice as this person may see it (the caller has checked they may read it)."""
    secretariat = _secretariat(user)
    own = _own_country(user, practice)
    returned = practice.state is PracticeState.RETURNED
    show_scores = practice.label is not None or secretariat or (returned and own)
    may_history = can(user, "history", practice)
    # The pending edit is the author's and the secretariat's business, not the public's.
    pending = practice.pending_edit if (secretariat or own) else None
    came_back = secretariat and practice.state is PracticeState.SUBMITTED
    return PracticeView(
        practice=practice,
        steps=allowed_steps(user, practice),
        next_step=next_step(user, practice, pending),
        show_scores=show_scores,
        criteria=[
            ScoreLine(
                criterion,
                (practice.assessment(criterion).argument or "")
                if practice.assessment(criterion)
                else "",
                practice.scores.get(criterion) if show_scores else None,
            )
            for criterion in Criterion
        ],
        return_comment=practice.return_comment if returned and (own or secretariat) else None,
        pending_edit=pending,
        show_history=may_history,
        revisions=history.revisions(practice.id) if may_history and with_history else [],
        changed_since_return=history.changed_since_return(practice.id) if came_back else [],
    )


def next_step(user, practice: Practice, pending: PendingEdit | None = None) -> NextStep | None:
    """Who must do what next ("Waiting for the Technical Secretariat to validate it"), or None
    when nothing awaits anyone (published with no change pending, archived)."""
    country = practice.country.name(str(get_locale())) if practice.country else ""
    secretariat, own = _secretariat(user), _own_country(user, practice)
    state = practice.state
    if state is PracticeState.DRAFT:
        text = _l("Draft: waiting for %(country)s to complete and submit it.", country=country)
        return NextStep(str(text), own)
    if state is PracticeState.SUBMITTED:
        return NextStep(
            str(_l("Waiting for the Technical Secretariat to validate it.")), secretariat
        )
    if state is PracticeState.RETURNED:
        text = _l("Returned to %(country)s: waiting for its changes.", country=country)
        return NextStep(str(text), own)
    if state is PracticeState.PUBLISHED and pending is not None:
        return NextStep(
            str(_l("A change is waiting for review by the Technical Secretariat.")), secretariat
        )
    return None


def _secretariat(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_secretariat


def _own_country(user, practice: Practice) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_focal_point_of(
        practice.country_code
    )
