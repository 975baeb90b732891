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
from kmportal.audit.models import utcnow
from kmportal.auth.models import User
from kmportal.concurrency import claim, unique_or
from kmportal.errors import (
    NotFound,
    PermissionDenied,
    ValidationError,
)
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.reference import queries as reference
from kmportal.transfers import data as transfer_data
from kmportal.transfers import followups, once
from kmportal.transfers.enums import Origin, TransferStatus
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.permissions import can
from kmportal.transfers.proposals import proposal_origin
from kmportal.transfers.workflow import STEPS, next_status

ENTITY = "transfer"


def authorize(user, action: str, transfer: Transfer | None = None) -> None:
    """Raise PermissionDenied unless the permission table allows the action."""
    if not can(user, action, transfer):
        raise PermissionDenied(_l("You are not allowed to do this."))


def get_transfer(user, transfer_id: Any, action: str = "read") -> Transfer:
    """The transfer, with what its page shows, if the user may perform `action` on it."""
    transfer_id = optional_id(transfer_id)
    transfer = None
    if transfer_id is not None:
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


def propose(
    user,
    practice: Practice,
    values: dict[str, Any],
    today: date | None = None,
    is_demo: bool = False,
    need_id: int | None = None,
) -> Transfer:
    """Start a transfer of a published practice (`need_id`: the country need it answers, when
    it starts from a suggestion; kmportal/needs checks that need).

    The country with the experience (the provider) is the practice's country. A focal point
    either offers its own country's practice to another country, or asks for another
    country's practice for its own country (an expression of interest: its country is the
    recipient, and it may leave the recipient out). A focal point naming any other provider or
    recipient is refused with a message on that field, never silently rewritten.

    The secretariat records a transfer between any two member countries and alone may name a
    provider other than the practice's country, e.g. when a country passes on a practice it
    adapted from another one (triangular cooperation); the provider still defaults to the
    practice's country."""
    today = today or date.today()
    if practice.state is not PracticeState.PUBLISHED:
        raise ValidationError({"practice_id": _l("Only published practices can be transferred.")})
    origin = proposal_origin(user, practice)
    if origin is None:
        raise PermissionDenied(_l("You are not allowed to do this."))
    values, errors = _proposal_countries(user, practice, origin, values)
    try:
        cleaned = transfer_data.clean(values, None, today)
    except ValidationError as error:
        raise ValidationError({**error.errors, **errors}) from None
    if errors:
        raise ValidationError(errors)
    if cleaned["result_id"] is None:
        target = reference.current_target()
        cleaned["result_id"] = target.result_id if target else None
    transfer = Transfer(practice=practice, origin=origin, is_demo=is_demo)
    if need_id is not None:
        transfer.need_id = need_id
    transfer_data.apply(transfer, cleaned)
    authorize(user, "propose", transfer)
    once.refuse_duplicate(practice.id, transfer.recipient_code)
    transfer.created_by_id = user.id
    # Two proposals racing past the check above: the partial unique index refuses the second.
    with unique_or(
        make_refusal=lambda: once.duplicate_error(practice.id, cleaned["recipient_code"])
    ):
        db.session.add(transfer)
    changes = audit.diff({}, transfer_data.audit_values(cleaned))
    changes.update(practice_id=[None, practice.id], origin=[None, transfer.origin.value])
    if need_id is not None:
        changes["need_id"] = [None, need_id]
    audit.record(user, "transfer.propose", ENTITY, transfer.id, changes)
    db.session.commit()
    return transfer


def _proposal_countries(
    user, practice: Practice, origin: Origin, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, object]]:
    """The proposal's values with the countries propose() fills in (the practice's country as
    the provider, the asking country as the recipient), and the messages for countries this
    user may not name."""
    errors: dict[str, object] = {}
    provider = _code(values.get("provider_code")) or practice.country_code
    recipient = _code(values.get("recipient_code"))
    if provider != practice.country_code and not can(user, "record_other_provider"):
        errors["provider_code"] = _l(
            "The country with the experience is the practice's country: only the Technical "
            "Secretariat can record another one."
        )
    if origin is Origin.REQUEST:
        if recipient and recipient != user.country_code:
            errors["recipient_code"] = _l(
                "You ask for a practice for your own country only: it is the interested country."
            )
        recipient = user.country_code
    return {**values, "provider_code": provider, "recipient_code": recipient}, errors


def _code(value: Any) -> str:
    return str(value or "").strip().upper()


def may_change_countries(user, transfer: Transfer) -> bool:
    """True when the user may move the transfer to other countries: the secretariat, while
    the transfer is only proposed."""
    return transfer.status is TransferStatus.PROPOSED and can(user, "change_countries", transfer)


def update(user, transfer: Transfer, values: dict[str, Any], today: date | None = None) -> bool:
    """Record the details of the exchange (modality, dates, funding, amounts, result).
    Returns False when nothing changed.

    The countries are fixed once agreed, and before that only the secretariat changes them
    (the transfer's origin, which decides who agrees, is derived again). Once a country has
    confirmed the exchange, only the secretariat corrects what the counting rule reads."""
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
    if countries_changed and not may_change_countries(user, transfer):
        raise PermissionDenied(
            _l(
                "Only the Technical Secretariat can change the countries of a transfer: cancel "
                "it and propose a new one."
            )
        )
    _check_confirmed(user, transfer, before, cleaned)
    if countries_changed:
        once.refuse_duplicate(transfer.practice_id, cleaned["recipient_code"], transfer.id)
    changes = audit.diff(transfer_data.audit_values(before), transfer_data.audit_values(cleaned))
    if not changes:
        return False
    once.hold_status(transfer)
    transfer_data.apply(transfer, cleaned)
    if countries_changed:
        origin = _origin_of(transfer)
        if origin is not transfer.origin:
            changes["origin"] = [transfer.origin.value, origin.value]
            transfer.origin = origin
    if cleaned["transferred_on"] != before["transferred_on"]:
        followups.reschedule(transfer)
    with unique_or(
        make_refusal=lambda: once.duplicate_error(transfer.practice_id, cleaned["recipient_code"])
    ):
        audit.record(user, "transfer.update", ENTITY, transfer.id, changes)
    db.session.commit()
    return True


def _check_confirmed(user, transfer: Transfer, before: dict, cleaned: dict) -> None:
    """Once a country has confirmed, only the secretariat changes what the counting rule reads
    (transfers.data.CONFIRMED_FIELDS); and nobody moves the exchange after a confirmation."""
    if not transfer.confirmations:
        return
    changed = [f for f in transfer_data.CONFIRMED_FIELDS if cleaned[f] != before[f]]
    if changed and not can(user, "correct_confirmed", transfer):
        message = _l(
            "A country has already confirmed this transfer: ask the Technical Secretariat to "
            "correct it."
        )
        raise ValidationError(dict.fromkeys(changed, message))
    first = min(transfer.confirmations, key=lambda c: c.confirmed_on)
    transferred_on = cleaned["transferred_on"]
    if "transferred_on" in changed and transferred_on and transferred_on > first.confirmed_on:
        raise ValidationError(
            {
                "transferred_on": _l(
                    "Cannot be after a country's confirmation of the exchange (%(date)s).",
                    date=format_date(first.confirmed_on),
                )
            }
        )


def _origin_of(transfer: Transfer) -> Origin:
    """Who started the transfer, for its current countries: its author's country if that is
    still one of them (then the other one agrees), else the secretariat's record (either
    agrees)."""
    author = db.session.get(User, transfer.created_by_id) if transfer.created_by_id else None
    if author is None or author.is_secretariat or author.country_code is None:
        return Origin.RECORD
    if author.is_focal_point_of(transfer.provider_code):
        return Origin.OFFER
    if author.is_focal_point_of(transfer.recipient_code):
        return Origin.REQUEST
    return Origin.RECORD


def move(
    user,
    transfer: Transfer,
    step_name: str,
    on: date | str | None = None,
    note: str | None = None,
    reason: str | None = None,
    lessons: str | None = None,
    today: date | None = None,
    confirm: bool = False,
) -> None:
    """Move the transfer one step along the workflow table, recording the date it happened.

    Agreeing needs the funding mode; cancelling needs a reason (and keeps the lessons
    learned, since failures teach too); reaching "transferred" schedules the follow-ups, and
    with `confirm` a focal point confirms for its own country in the same transaction (see
    confirmations.confirms_with_complete), so the step and its confirmation happen once.
    """
    if step_name not in STEPS:
        raise NotFound(_l("There is no such step."))
    authorize(user, step_name, transfer)
    target = next_status(transfer.status, step_name)
    if confirm:
        from kmportal.transfers import confirmations  # it imports this module

        confirmations.check_confirms_with(user, transfer, step_name)
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
    reason, lessons = (reason or "").strip(), (lessons or "").strip()
    if step_name == "cancel" and not reason:
        raise ValidationError({"reason": _l("Say why the transfer is cancelled.")})
    # The step happens once: only the request that finds the transfer still in the status it
    # read moves it (and so schedules the follow-ups); a second click or a racing worker is
    # refused before it changes anything.
    claim(
        transfer,
        {"status": transfer.status},
        {"status": target, step.date_field: on, "updated_at": utcnow()},
        once.changed_meanwhile(),
    )
    changes.update(_what_follows(transfer, step_name, reason, lessons))
    audit.record(user, f"transfer.{step_name}", ENTITY, transfer.id, changes, note or None)
    if confirm:
        confirmations.record_confirmation(user, transfer, on=on, today=today)
    db.session.commit()


def _what_follows(transfer: Transfer, step_name: str, reason: str, lessons: str) -> dict:
    """What a step changes besides the status and its date: a cancellation's reason and
    lessons learned; the follow-ups scheduled on reaching "transferred". Returns the changes."""
    changes: dict[str, list] = {}
    if step_name == "cancel":
        transfer.cancel_reason = reason
        changes["cancel_reason"] = [None, reason]
        if lessons:
            changes["lessons_learned"] = [transfer.lessons_learned or None, lessons]
            transfer.lessons_learned = lessons
    if step_name == "complete":
        scheduled = followups.schedule_after_transfer(transfer)
        changes["follow_ups_due"] = [None, [f.due_on for f in scheduled]]
    return changes


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
