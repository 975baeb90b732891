"""Transfer actions: one function per action, each checking permission, status and input.

Views, the API, the CLI and the demo loader all call these; none of them repeats a rule.
Every change is recorded in the audit trail in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from kmportal.audit import service as audit
from kmportal.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.reference import queries as reference
from kmportal.transfers import data as transfer_data
from kmportal.transfers import followups
from kmportal.transfers.enums import Origin, Side, TransferStatus
from kmportal.transfers.models import FollowUp, Transfer, TransferConfirmation
from kmportal.transfers.permissions import can
from kmportal.transfers.workflow import STEPS, next_status

ENTITY = "transfer"
TARGET_INDICATOR = "practices_transferred"


def authorize(user, action: str, transfer: Transfer | None = None) -> None:
    """Raise PermissionDenied unless the permission table allows the action."""
    if not can(user, action, transfer):
        raise PermissionDenied(_l("You are not allowed to do this."))


def get_transfer(user, transfer_id: int, action: str = "read") -> Transfer:
    """The transfer, with what its page shows, if the user may perform `action` on it."""
    transfer = db.session.scalar(
        sa.select(Transfer)
        .where(Transfer.id == transfer_id)
        .options(
            selectinload(Transfer.practice),
            selectinload(Transfer.result),
            selectinload(Transfer.follow_ups).selectinload(FollowUp.attachments),
        )
    )
    if transfer is None:
        raise NotFound(_l("There is no such transfer."))
    authorize(user, action, transfer)
    return transfer


def get_practice(practice_id: Any) -> Practice:
    try:
        practice = db.session.get(Practice, int(practice_id))
    except (TypeError, ValueError):
        practice = None
    if practice is None:
        raise NotFound(_l("There is no such practice."))
    return practice


def practice_to_transfer(practice_id: Any) -> Practice:
    """The practice chosen in a proposal form (the rules about it are propose()'s)."""
    try:
        practice = db.session.get(Practice, int(practice_id))
    except (TypeError, ValueError):
        practice = None
    if practice is None:
        raise ValidationError({"practice_id": _l("Choose a published practice.")})
    return practice


def propose(
    user,
    practice: Practice,
    values: dict[str, Any],
    today: date | None = None,
    is_demo: bool = False,
) -> Transfer:
    """Start a transfer of a published practice. A focal point either offers its country's
    practice to another country, or asks for a practice for its own country (expression of
    interest); the secretariat records a transfer between any two member countries."""
    today = today or date.today()
    if practice.state is not PracticeState.PUBLISHED:
        raise ValidationError({"practice_id": _l("Only published practices can be transferred.")})
    values = {**values, "provider_code": values.get("provider_code") or practice.country_code}
    focal_point = getattr(user, "is_authenticated", False) and not user.is_secretariat
    if focal_point and values["provider_code"] != user.country_code:
        values["recipient_code"] = user.country_code  # an expression of interest
    cleaned = transfer_data.clean(values, None, today)
    if cleaned["result_id"] is None:
        target = reference.target(TARGET_INDICATOR)
        cleaned["result_id"] = target.result_id if target else None
    transfer = Transfer(practice=practice, origin=_origin(user, cleaned), is_demo=is_demo)
    transfer_data.apply(transfer, cleaned)
    authorize(user, "propose", transfer)
    _refuse_duplicate(practice.id, transfer.recipient_code)
    transfer.created_by_id = user.id
    db.session.add(transfer)
    db.session.flush()
    changes = audit.diff({}, transfer_data.audit_values(cleaned))
    changes.update(practice_id=[None, practice.id], origin=[None, transfer.origin.value])
    audit.record(user, "transfer.propose", ENTITY, transfer.id, changes)
    db.session.commit()
    return transfer


def update(user, transfer: Transfer, values: dict[str, Any], today: date | None = None) -> bool:
    """Record the details of the exchange (modality, dates, funding, amounts, result).
    Returns False when nothing changed."""
    authorize(user, "edit", transfer)
    today = today or date.today()
    before = transfer_data.snapshot(transfer)
    cleaned = transfer_data.clean(values, before, today)
    countries_changed = (cleaned["provider_code"], cleaned["recipient_code"]) != (
        transfer.provider_code,
        transfer.recipient_code,
    )
    if countries_changed and transfer.status is not TransferStatus.PROPOSED:
        raise ValidationError(
            {
                "recipient_code": _l(
                    "The countries of an agreed transfer cannot change: cancel it and propose "
                    "a new one."
                )
            }
        )
    if (
        cleaned["transferred_on"] != before["transferred_on"]
        and transfer.is_confirmed_by_both
        and not can(user, "redate_confirmed", transfer)
    ):
        raise ValidationError(
            {
                "transferred_on": _l(
                    "Both countries confirmed this transfer: ask the Technical Secretariat to "
                    "correct its date."
                )
            }
        )
    if countries_changed:
        # A focal point stays one of the two countries of the transfers it edits.
        probe = Transfer(
            provider_code=cleaned["provider_code"],
            recipient_code=cleaned["recipient_code"],
            status=transfer.status,
            origin=transfer.origin,
        )
        authorize(user, "edit", probe)
        _refuse_duplicate(transfer.practice_id, cleaned["recipient_code"], transfer.id)
    changes = audit.diff(transfer_data.audit_values(before), transfer_data.audit_values(cleaned))
    if not changes:
        return False
    transfer_data.apply(transfer, cleaned)
    if cleaned["transferred_on"] != before["transferred_on"]:
        followups.reschedule(transfer)
    audit.record(user, "transfer.update", ENTITY, transfer.id, changes)
    db.session.commit()
    return True


def move(
    user,
    transfer: Transfer,
    step_name: str,
    on: date | str | None = None,
    note: str | None = None,
    reason: str | None = None,
    lessons: str | None = None,
    today: date | None = None,
) -> None:
    """Move the transfer one step along the workflow table, recording the date it happened.

    Agreeing needs the funding mode; cancelling needs a reason (and keeps the lessons
    learned, since failures teach too); reaching "transferred" schedules the follow-ups.
    """
    if step_name not in STEPS:
        raise NotFound(_l("There is no such step."))
    authorize(user, step_name, transfer)
    target = next_status(transfer.status, step_name)
    step = STEPS[step_name]
    on = _step_date(transfer, step.date_field, on, today or date.today())
    if step_name == "agree" and transfer.funding_mode is None:
        raise ValidationError(
            {"": _l("Record how the exchange is funded (edit the transfer) before agreeing.")}
        )
    changes: dict[str, list] = {
        "status": [transfer.status.value, target.value],
        step.date_field: [getattr(transfer, step.date_field), on],
    }
    if step_name == "cancel":
        reason, lessons = (reason or "").strip(), (lessons or "").strip()
        if not reason:
            raise ValidationError({"reason": _l("Say why the transfer is cancelled.")})
        transfer.cancel_reason = reason
        changes["cancel_reason"] = [None, reason]
        if lessons:
            changes["lessons_learned"] = [transfer.lessons_learned or None, lessons]
            transfer.lessons_learned = lessons
    transfer.status = target
    setattr(transfer, step.date_field, on)
    if step_name == "complete":
        scheduled = followups.schedule_after_transfer(transfer)
        changes["follow_ups_due"] = [None, [f.due_on for f in scheduled]]
    audit.record(user, f"transfer.{step_name}", ENTITY, transfer.id, changes, note or None)
    db.session.commit()


def _step_date(transfer: Transfer, field: str, on: date | str | None, today: date) -> date:
    """The date a step happened (today unless given): not ahead, and in order with the
    transfer's other dates. Its message goes on the step form's "on" field."""
    errors: dict[str, object] = {}
    on = transfer_data.parse_date(on, "on", errors) or today
    if errors:
        raise ValidationError(errors)
    dates = {**transfer_data.snapshot(transfer), field: on}
    errors = transfer_data.check_dates(dates, today, focus=field)
    if on > today:
        errors[field] = _l("This date is in the future: record it once it has happened.")
    if field in errors:
        raise ValidationError({"on": errors[field]})
    return on


def confirm(
    user,
    transfer: Transfer,
    side: str | None = None,
    note: str | None = None,
    on: date | str | None = None,
    today: date | None = None,
) -> None:
    """A country confirms that the exchange took place: its focal point, or the secretariat on
    its behalf with a note. A transfer counts only once both countries have confirmed. The
    date of the confirmation is today unless given (not before the transfer, not ahead)."""
    authorize(user, "confirm", transfer)
    if not transfer.has_taken_place:
        raise InvalidTransition(
            _l("A transfer is confirmed once the exchange has taken place (“Transferred”).")
        )
    on = _confirmation_date(transfer, on, today or date.today())
    note = (note or "").strip()
    on_behalf = can(user, "confirm_on_behalf", transfer)
    chosen = _confirming_side(user, transfer, side, note, on_behalf)
    if transfer.confirmation(chosen) is not None:
        raise InvalidTransition(_l("This country has already confirmed the transfer."))
    transfer.confirmations.append(
        TransferConfirmation(
            side=chosen, confirmed_by_id=user.id, confirmed_on=on, on_behalf=on_behalf, note=note
        )
    )
    if transfer.is_confirmed_by_both:
        transfer.fully_confirmed_on = max(c.confirmed_on for c in transfer.confirmations)
    audit.record(
        user,
        "transfer.confirm",
        ENTITY,
        transfer.id,
        {
            f"confirmed_{chosen.value}": [None, transfer.country_of(chosen)],
            "confirmed_on": [None, on],
        },
        note or None,
    )
    db.session.commit()


def _confirmation_date(transfer: Transfer, on: date | str | None, today: date) -> date:
    errors: dict[str, object] = {}
    on = transfer_data.parse_date(on, "on", errors) or today
    if not errors and on > today:
        errors["on"] = _l("This date is in the future: record it once it has happened.")
    elif not errors and on < transfer.transferred_on:
        errors["on"] = _l(
            "A country confirms the exchange after it took place (%(date)s).",
            date=format_date(transfer.transferred_on),
        )
    if errors:
        raise ValidationError(errors)
    return on


def _confirming_side(user, transfer: Transfer, side, note: str, on_behalf: bool) -> Side:
    """A focal point confirms for its own country; the secretariat names the country it
    confirms for, and says on what grounds."""
    if not on_behalf:
        chosen = transfer.side_of(user.country_code)
        if side and side != chosen.value:
            raise PermissionDenied(_l("You confirm for your own country only."))
        return chosen
    if side not in Side.values():
        raise ValidationError({"side": _l("Choose the country you confirm for.")})
    if not note:
        raise ValidationError(
            {"note": _l("Say on what grounds you confirm on the country's behalf.")}
        )
    return Side(side)


def _origin(user, cleaned: dict[str, Any]) -> Origin:
    if not getattr(user, "is_authenticated", False) or user.is_secretariat:
        return Origin.RECORD
    return Origin.OFFER if cleaned["provider_code"] == user.country_code else Origin.REQUEST


def _refuse_duplicate(practice_id: int, recipient_code: str, exclude_id: int | None = None):
    """One live transfer of a practice to a country: a second one would be counted twice."""
    query = sa.select(Transfer.id).where(
        Transfer.practice_id == practice_id,
        Transfer.recipient_code == recipient_code,
        Transfer.status != TransferStatus.CANCELLED,
    )
    if exclude_id is not None:
        query = query.where(Transfer.id != exclude_id)
    with db.session.no_autoflush:
        duplicate = db.session.scalar(query.limit(1))
    if duplicate is not None:
        raise ValidationError(
            {
                "recipient_code": _l(
                    "This practice is already being transferred to this country (transfer "
                    "#%(id)d).",
                    id=duplicate,
                )
            }
        )
