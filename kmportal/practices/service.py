"""Practice actions: one function per action, each checking permission, state and input.

Views, the API and the CLI all call these; none of them repeats a rule. Every change is
recorded in the audit trail in the same transaction as the change itself.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from kmportal.attachments import service as attachments
from kmportal.attachments.models import Attachment
from kmportal.audit import service as audit
from kmportal.audit.models import utcnow
from kmportal.concurrency import claim, hold, unique_or
from kmportal.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from kmportal.extensions import db
from kmportal.practices import data as practice_data
from kmportal.practices.criteria import clean_scores
from kmportal.practices.enums import EditStatus, PracticeState
from kmportal.practices.models import PendingEdit, Practice
from kmportal.practices.permissions import can, held_for_review
from kmportal.practices.workflow import next_state

ENTITY = "practice"


class UpdateOutcome(enum.Enum):
    APPLIED = "applied"  # the practice itself changed
    HELD_FOR_REVIEW = "held_for_review"  # a PendingEdit waits for the secretariat
    UNCHANGED = "unchanged"  # the values were the practice's own: nothing written


@dataclass(frozen=True)
class PracticeUpdate:
    """What update_practice() did, and the change held for review when it held one."""

    outcome: UpdateOutcome
    edit: PendingEdit | None = None


_BATCH = "kmportal.practices.batch"


@contextmanager
def batch() -> Iterator[None]:
    """Run several actions in the caller's transaction (a bulk import): inside, each action
    flushes instead of committing, and the caller commits or rolls back once, for all of them.
    A refusal that rolls the session back (a Conflict) still rolls back the whole batch."""
    db.session.info[_BATCH] = True
    try:
        yield
    finally:
        db.session.info.pop(_BATCH, None)


def _commit() -> None:
    if db.session.info.get(_BATCH):
        db.session.flush()
    else:
        db.session.commit()


def authorize(user, action: str, practice: Practice | None = None) -> None:
    """Raise PermissionDenied unless the permission table allows the action."""
    if not can(user, action, practice):
        raise PermissionDenied(_l("You are not allowed to do this."))


def get_practice(user, practice_id: int, action: str = "read") -> Practice:
    """The practice, if the user may perform `action` on it.

    A practice the user may not even read is "not found" for anonymous readers (its existence
    is not revealed) and "forbidden" for signed-in users of another country.
    """
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        raise NotFound(_l("There is no such practice."))
    if not can(user, "read", practice) and not getattr(user, "is_authenticated", False):
        raise NotFound(_l("There is no such practice."))
    authorize(user, action, practice)
    return practice


def get_edit(user, practice_id: int, edit_id: int) -> tuple[Practice, PendingEdit]:
    """A change held for review, for the secretariat, only under its own practice."""
    practice = get_practice(user, practice_id, "review_edit")
    edit = db.session.get(PendingEdit, edit_id)
    if edit is None or edit.practice_id != practice.id:
        raise NotFound(_l("There is no such change."))
    return practice, edit


def create_practice(
    user,
    values: dict[str, Any],
    is_demo: bool = False,
    document: tuple[BinaryIO, str] | None = None,
) -> Practice:
    """A focal point creates a draft for its own country; the secretariat for any country.

    `document` (a stream and its file name) is attached to the new draft in the same
    transaction: a refused file refuses the whole draft (error keyed "document"), so a person
    never finds half of what they sent."""
    authorize(user, "create")
    if not user.is_secretariat:
        values = {**values, "country_code": user.country_code}
    cleaned = _clean_with_document(values, document)
    practice = Practice(state=PracticeState.DRAFT, created_by_id=user.id, is_demo=is_demo)
    practice_data.apply(practice, cleaned)
    db.session.add(practice)
    db.session.flush()
    audit.record(user, "practice.create", ENTITY, practice.id, audit.diff({}, cleaned))
    if document is None:
        _commit()
        return practice
    attachment = attachments.store(*document, practice_id=practice.id, uploaded_by_id=user.id)
    with attachments.committed_or_discarded(attachment):
        db.session.add(attachment)
        audit.record(
            user,
            "practice.attach",
            ENTITY,
            practice.id,
            {"attachment": [None, attachment.original_name]},
        )
        db.session.commit()
    return practice


def _clean_with_document(values: dict[str, Any], document) -> dict[str, Any]:
    """The cleaned values, or one ValidationError with the values' and the file's errors."""
    errors: dict[str, object] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned = practice_data.clean(values)
    except ValidationError as error:
        errors.update(error.errors)
    if document is not None:
        try:
            attachments.validate_upload(*document)
        except ValidationError as error:
            errors["document"] = next(iter(error.errors.values()))
    if errors:
        raise ValidationError(errors)
    return cleaned


def update_practice(user, practice: Practice, values: dict[str, Any]) -> PracticeUpdate:
    """Change a practice. A focal point's change to a published practice is held for review:
    it becomes a PendingEdit and the published text stays as it is until accepted. Values
    equal to the practice's own change nothing (and record nothing)."""
    authorize(user, "edit", practice)
    if not user.is_secretariat:
        values = {**values, "country_code": practice.country_code}
    cleaned = practice_data.clean(values)
    before = practice_data.snapshot(practice)
    changes = audit.diff(before, cleaned)
    if not changes:
        return PracticeUpdate(UpdateOutcome.UNCHANGED)
    if held_for_review(user, practice):
        edit = _hold_edit(user, practice, cleaned, changes)
        return PracticeUpdate(UpdateOutcome.HELD_FOR_REVIEW, edit)
    _hold_state(practice)
    practice_data.apply(practice, cleaned)
    audit.record(user, "practice.update", ENTITY, practice.id, changes)
    _commit()
    return PracticeUpdate(UpdateOutcome.APPLIED)


def _hold_edit(user, practice: Practice, cleaned: dict, changes: dict) -> PendingEdit:
    """One change per published practice waits for review (a unique index says so): the first
    one is created, a later one refines it; the same change sent again changes nothing."""
    edit = practice.pending_edit
    if edit is not None and edit.data == cleaned:
        return edit
    _hold_state(practice)
    if edit is None:
        edit = PendingEdit(practice=practice, author_id=user.id, data=cleaned)
        with unique_or(
            Conflict(
                _l(
                    "Another change to this practice has just been sent for review: open the "
                    "practice again to see it."
                )
            )
        ):
            db.session.add(edit)
    else:
        claim(
            edit,
            {"status": EditStatus.PENDING},
            {"data": cleaned, "author_id": user.id, "created_at": utcnow()},
            Conflict(_l("This change has already been decided.")),
        )
    audit.record(user, "practice.propose_edit", ENTITY, practice.id, changes)
    _commit()
    return edit


def values_to_edit(user, practice: Practice) -> dict[str, Any]:
    """What the edit form starts from: for a focal point with a change waiting for review, that
    change (so it can be refined); otherwise the practice as it is."""
    authorize(user, "edit", practice)
    pending = practice.pending_edit
    if pending is not None and not user.is_secretariat:
        return dict(pending.data)
    return practice_data.snapshot(practice)


def submit(user, practice: Practice) -> None:
    """Send a draft (or a returned practice) to the secretariat; it must be complete."""
    authorize(user, "submit", practice)
    target = next_state(practice.state, "submit")
    missing = practice_data.missing_for_submission(practice)
    if missing:
        raise ValidationError(missing)
    _move(user, practice, target, "practice.submit", submitted_at=utcnow())
    _commit()


def publish(user, practice: Practice, scores: dict[str, Any], note: str | None = None) -> None:
    """The secretariat validates a submitted practice by scoring every criterion, and publishes."""
    authorize(user, "publish", practice)
    target = next_state(practice.state, "publish")
    cleaned = clean_scores(scores)
    _move_scored(
        user,
        practice,
        target,
        "practice.publish",
        cleaned,
        note,
        published_at=utcnow(),
        return_comment=None,
    )


def return_to_author(
    user, practice: Practice, comment: str, scores: dict[str, Any] | None = None
) -> None:
    """The secretariat sends a submitted practice back with a comment the author will see.

    The scores given so far (any of the seven, each 0-3) are kept with the practice and in
    its history, so the author sees them and the next validation starts from them."""
    authorize(user, "return", practice)
    target = next_state(practice.state, "return")
    comment = (comment or "").strip()
    errors: dict[str, object] = {}
    if not comment:
        errors["comment"] = _l("Tell the author what to change.")
    try:
        cleaned = clean_scores(scores or {}, complete=False)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    _move_scored(
        user, practice, target, "practice.return", cleaned, comment, return_comment=comment
    )


def _move_scored(user, practice, target, action, cleaned, note, **values) -> None:
    """A validation step (publish, return): the state moves and the scores given are kept,
    both in one audit event."""
    changes = practice_data.score_changes(practice, cleaned)
    _move(user, practice, target, action, changes, note, **values)
    practice_data.store_scores(practice, cleaned)
    _commit()


def archive(user, practice: Practice, note: str | None = None) -> None:
    """The secretariat archives a practice; a change still waiting for review is closed with it."""
    authorize(user, "archive", practice)
    target = next_state(practice.state, "archive")
    _move(user, practice, target, "practice.archive", note=note)
    pending = practice.pending_edit
    if pending is not None:
        claim(
            pending,
            {"status": EditStatus.PENDING},
            {"status": EditStatus.REJECTED, "decided_by_id": user.id, "decided_at": utcnow()},
            _changed_meanwhile(),
        )
    _commit()


def decide_edit(user, edit: PendingEdit, accept: bool, comment: str | None = None) -> None:
    """The secretariat applies a held edit to the published practice, or rejects it."""
    practice = edit.practice
    authorize(user, "review_edit", practice)
    if edit.status is not EditStatus.PENDING:
        raise Conflict(_l("This change has already been decided."))
    if practice.state is not PracticeState.PUBLISHED:
        raise InvalidTransition(_l("Only changes to a published practice can be reviewed."))
    if not accept and not (comment or "").strip():
        raise ValidationError({"comment": _l("Tell the author why the change is rejected.")})
    # The practice first, as every step does: two steps never wait for each other's rows.
    _hold_state(practice)
    claim(
        edit,
        {"status": EditStatus.PENDING},
        {
            "status": EditStatus.ACCEPTED if accept else EditStatus.REJECTED,
            "decided_by_id": user.id,
            "decided_at": utcnow(),
            "comment": comment,
        },
        Conflict(_l("This change has already been decided.")),
    )
    if accept:
        cleaned = practice_data.clean(edit.data)
        changes = audit.diff(practice_data.snapshot(practice), cleaned)
        practice_data.apply(practice, cleaned)
        audit.record(user, "practice.accept_edit", ENTITY, practice.id, changes, comment)
    else:
        audit.record(user, "practice.reject_edit", ENTITY, practice.id, {}, comment)
    _commit()


def add_attachment(user, practice: Practice, stream: BinaryIO, filename: str) -> Attachment:
    """Attach a document; the file is checked, stored, and its row committed, or nothing is."""
    authorize(user, "attach", practice)
    attachment = attachments.store(
        stream, filename, practice_id=practice.id, uploaded_by_id=user.id
    )
    with attachments.committed_or_discarded(attachment):
        db.session.add(attachment)
        db.session.flush()
        audit.record(
            user,
            "practice.attach",
            ENTITY,
            practice.id,
            {"attachment": [None, attachment.original_name]},
        )
        db.session.commit()
    return attachment


def get_attachment(user, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.practice_id is None:
        raise NotFound(_l("There is no such file."))
    get_practice(user, attachment.practice_id)
    return attachment


def _move(user, practice, target, action, changes=None, note=None, **values) -> None:
    """A step's conditional write (the practice must still be in the state this request read,
    else Conflict and nothing changes), then its audit event."""
    changes = {"state": [practice.state.value, target.value], **(changes or {})}
    claim(
        practice,
        {"state": practice.state},
        {"state": target, "updated_at": utcnow(), **values},
        _changed_meanwhile(),
    )
    audit.record(user, action, ENTITY, practice.id, changes, note)


def _hold_state(practice: Practice) -> None:
    """Rewrite the practice's state as read (its row locked until the commit): a change
    decided on that state is refused if a step moved the practice meanwhile."""
    hold(practice, "state", _changed_meanwhile())


def _changed_meanwhile() -> Conflict:
    return Conflict(
        _l("Someone has just changed this practice: open it again to see it as it is now.")
    )
