"""Following up transferred practices: the scheduled follow-ups, the entries recorded by
either country or the secretariat, their evidence, and what is due or overdue.

A follow-up is pending (it has a due date, nothing recorded yet) until someone records it as
done; recording one with a next step and its due date leaves a new pending follow-up, so
"what is still to follow up" is always the list of pending rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from kmportal.attachments import service as attachments
from kmportal.attachments.models import Attachment
from kmportal.audit import service as audit
from kmportal.audit.models import utcnow
from kmportal.concurrency import claim
from kmportal.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.months import add_months
from kmportal.reference.queries import iso_code
from kmportal.transfers.enums import FollowUpStage, TransferStatus
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.permissions import can
from kmportal.validation import clean_texts

ENTITY = "transfer"
TEXT_LIMITS = {"summary": 10000, "next_step": 3000}
# Follow-ups falling due within this many days are listed as "coming up".
DUE_SOON_DAYS = 60
# There is something to follow once the exchange has started: not while it is only proposed
# or agreed, nor once it is cancelled.
FOLLOWABLE_STATUSES = frozenset(
    {
        TransferStatus.IN_PROGRESS,
        TransferStatus.TRANSFERRED,
        TransferStatus.ADOPTED,
        TransferStatus.INSTITUTIONALISED,
    }
)


def schedule_after_transfer(transfer: Transfer) -> list[FollowUp]:
    """Pending follow-ups FOLLOW_UP_MONTHS (a setting) after the transfer's date."""
    scheduled = []
    for months in sorted(set(current_app.config["FOLLOW_UP_MONTHS"])):
        follow_up = FollowUp(
            due_on=add_months(transfer.transferred_on, int(months)), scheduled_months=int(months)
        )
        transfer.follow_ups.append(follow_up)
        scheduled.append(follow_up)
    return scheduled


def reschedule(transfer: Transfer) -> None:
    """Move the pending scheduled follow-ups when the transfer's date is corrected."""
    for follow_up in transfer.follow_ups:
        if follow_up.is_pending and follow_up.scheduled_months and transfer.transferred_on:
            follow_up.due_on = add_months(transfer.transferred_on, follow_up.scheduled_months)


def authorize(user, transfer: Transfer) -> None:
    if not can(user, "follow_up", transfer):
        raise PermissionDenied(_l("You are not allowed to do this."))


def may_record(user, transfer: Transfer) -> bool:
    """True when this user may record a follow-up of the transfer now: the permission table's
    follow_up, once there is something to follow (FOLLOWABLE_STATUSES)."""
    return transfer.status in FOLLOWABLE_STATUSES and can(user, "follow_up", transfer)


def refuse_unless_followable(transfer: Transfer) -> None:
    """There is nothing to follow before the exchange has started (FOLLOWABLE_STATUSES)."""
    if transfer.status not in FOLLOWABLE_STATUSES:
        raise InvalidTransition(
            _l("A transfer is followed up once the exchange has started (“In progress”).")
        )


def answered(transfer: Transfer, chosen: FollowUp | None = None) -> FollowUp | None:
    """The due follow-up a new entry answers: the one chosen (from its "due" link), else the
    earliest one still due, whether scheduled after the transfer or a next step."""
    if chosen is not None:
        return chosen
    pending = [f for f in transfer.follow_ups if f.is_pending and f.due_on is not None]
    return min(pending, key=lambda f: (f.due_on, f.id), default=None)


def get_follow_up(user, transfer: Transfer, follow_up_id: Any) -> FollowUp:
    follow_up = next((f for f in transfer.follow_ups if str(f.id) == str(follow_up_id)), None)
    if follow_up is None:
        raise NotFound(_l("There is no such follow-up."))
    return follow_up


def record(
    user,
    transfer: Transfer,
    values: dict[str, Any],
    pending: FollowUp | None = None,
    files: list[tuple[BinaryIO, str]] | None = None,
    today: date | None = None,
) -> FollowUp:
    """Record a follow-up: when, the stage reached, what was done, evidence, and the next step
    with its due date (which becomes the next pending follow-up). It answers, and so closes,
    the due follow-up chosen or else the earliest one still due (see answered()); with none
    due, a new dated entry is added. Nothing is recorded before the exchange has started."""
    authorize(user, transfer)
    refuse_unless_followable(transfer)
    today = today or date.today()
    pending = answered(transfer, pending)
    if pending is not None and (pending.transfer_id != transfer.id or not pending.is_pending):
        raise ValidationError({"": _l("This follow-up has already been recorded.")})
    cleaned = clean(values, transfer, today)
    for stream, filename in files or []:
        attachments.validate_upload(stream, filename)  # refuse a bad file before any change
    if pending is not None:  # recorded once: a second click or a racing worker is refused
        refusal = Conflict(_l("This follow-up has already been recorded."))
        claim(pending, {"done_on": None}, {"done_on": cleaned["done_on"]}, refusal)
    follow_up = pending or FollowUp(transfer=transfer)
    follow_up.done_on, follow_up.stage = cleaned["done_on"], FollowUpStage(cleaned["stage"])
    follow_up.summary, follow_up.next_step = cleaned["summary"], cleaned["next_step"]
    follow_up.next_due_on = cleaned["next_due_on"]
    follow_up.recorded_by_id, follow_up.recorded_at = user.id, utcnow()
    if pending is None:
        db.session.add(follow_up)
    if cleaned["next_step"]:
        db.session.add(
            FollowUp(transfer=transfer, due_on=cleaned["next_due_on"], planned=cleaned["next_step"])
        )
    db.session.flush()
    stored = _store_files(user, follow_up, files or [])
    changes = {"follow_up": [None, cleaned["done_on"]], "stage": [None, cleaned["stage"]]}
    if pending is not None:
        changes["follow_up_due_on"] = [pending.due_on, cleaned["done_on"]]  # closed
    if cleaned["next_step"]:
        changes["next_due_on"] = [None, cleaned["next_due_on"]]
    if stored:
        changes["evidence"] = [None, [a.original_name for a in stored]]
    with attachments.committed_or_discarded(stored):
        audit.record(user, "transfer.follow_up", ENTITY, transfer.id, changes, cleaned["summary"])
        db.session.commit()
    return follow_up


def clean(values: dict[str, Any], transfer: Transfer, today: date) -> dict[str, Any]:
    """Validate a follow-up entry; raise ValidationError per field."""
    from kmportal.transfers.data import parse_date

    errors: dict[str, object] = {}
    out: dict[str, Any] = clean_texts(values, TEXT_LIMITS, errors)
    if not out["summary"]:
        errors["summary"] = _l("Say what was done.")
    stage = values.get("stage")
    if stage not in FollowUpStage.values():
        errors["stage"] = _l("Choose the stage reached.")
    out["stage"] = stage
    out["done_on"] = parse_date(values.get("done_on"), "done_on", errors) or (
        None if "done_on" in errors else today
    )
    out["next_due_on"] = parse_date(values.get("next_due_on"), "next_due_on", errors)
    done_on = out["done_on"]
    if done_on and done_on > today:
        errors["done_on"] = _l("This date is in the future: record it once it has happened.")
    elif done_on and done_on < transfer.proposed_on:
        errors["done_on"] = _l("The follow-up cannot be before the transfer was proposed.")
    if out["next_step"] and out["next_due_on"] is None and "next_due_on" not in errors:
        errors["next_due_on"] = _l("Give the next step a due date.")
    elif out["next_due_on"] and not out["next_step"]:
        errors["next_step"] = _l("Say what the next step is.")
    elif out["next_due_on"] and done_on and out["next_due_on"] <= done_on:
        errors["next_due_on"] = _l("The next step is due after this follow-up.")
    if errors:
        raise ValidationError(errors)
    return out


def attach(user, follow_up: FollowUp, stream: BinaryIO, filename: str) -> Attachment:
    """Add a piece of evidence to a recorded follow-up (checked and stored as for practices)."""
    authorize(user, follow_up.transfer)
    (attachment,) = _store_files(user, follow_up, [(stream, filename)])
    with attachments.committed_or_discarded(attachment):
        audit.record(
            user,
            "transfer.attach",
            ENTITY,
            follow_up.transfer_id,
            {"evidence": [None, attachment.original_name]},
        )
        db.session.commit()
    return attachment


def get_evidence(user, attachment_id: Any) -> Attachment:
    """A follow-up's evidence file, for those who may read follow-ups."""
    attachment_id = optional_id(attachment_id)
    attachment = db.session.get(Attachment, attachment_id) if attachment_id else None
    if attachment is None or attachment.follow_up_id is None:
        raise NotFound(_l("There is no such file."))
    follow_up = db.session.get(FollowUp, attachment.follow_up_id)
    if not can(user, "read_full", follow_up.transfer):
        if not getattr(user, "is_authenticated", False):
            raise NotFound(_l("There is no such file."))
        raise PermissionDenied(_l("You are not allowed to do this."))
    return attachment


def _store_files(user, follow_up: FollowUp, files) -> list[Attachment]:
    stored: list[Attachment] = []
    with attachments.committed_or_discarded(stored):
        for stream, filename in files:
            attachment = attachments.store(
                stream, filename, follow_up_id=follow_up.id, uploaded_by_id=user.id
            )
            stored.append(attachment)
            db.session.add(attachment)
        db.session.flush()
    if stored:
        follow_up.attachments.extend(a for a in stored if a not in follow_up.attachments)
    return stored


def pending_query(country_code: str | None = None, options=None) -> sa.Select:
    """Pending follow-ups of live transfers, soonest first; of one country when given (as
    provider or recipient). `options` replace the loading of what the due list shows."""
    query = (
        sa.select(FollowUp)
        .join(FollowUp.transfer)
        .where(FollowUp.done_on.is_(None), Transfer.status != TransferStatus.CANCELLED)
        .options(*(options or [selectinload(FollowUp.transfer).selectinload(Transfer.practice)]))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if country_code:
        query = query.where(
            sa.or_(Transfer.provider_code == country_code, Transfer.recipient_code == country_code)
        )
    return query


def due_country(user, wanted: str | None = None) -> str | None:
    """Whose follow-ups a user's due list shows: a focal point's own country's; for the
    secretariat every country's, or the one it picks."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_l("You are not allowed to do this."))
    if user.is_secretariat:
        return iso_code((wanted or "").strip())
    if user.country_code is None:
        raise PermissionDenied(_l("You are not allowed to do this."))
    return user.country_code


def due_list(user, page: int, per_page: int, country: str | None = None):
    """What the user has to follow up (see due_country): one page, soonest due first, so the
    overdue ones (the oldest) lead."""
    country = due_country(user, country)
    return db.paginate(pending_query(country), page=page, per_page=per_page, error_out=False)


def due_counts(country_code: str | None, today: date | None = None) -> dict[str, int]:
    """How many pending follow-ups of live transfers are overdue, due soon, and due later.

    One query: all pending follow-ups (read from the pending index alone) less those of
    cancelled transfers (few), rather than checking every pending row against its transfer.
    """
    today = today or date.today()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    of_country = []
    if country_code:
        of_country = [FollowUp.transfer_id.in_(_transfers_of(country_code))]
    cancelled = (
        _due_buckets("cancelled", today, soon, *of_country)
        .select_from(Transfer)
        .join(FollowUp, FollowUp.transfer_id == Transfer.id)
        .where(Transfer.status == TransferStatus.CANCELLED)
    )
    rows = {
        kind: [int(n) for n in numbers]
        for kind, *numbers in db.session.execute(
            sa.union_all(_due_buckets("pending", today, soon, *of_country), cancelled)
        )
    }
    overdue, due_soon, total = (
        a - b for a, b in zip(rows["pending"], rows["cancelled"], strict=True)
    )
    return {"overdue": overdue, "soon": due_soon, "later": total - overdue - due_soon}


def _transfers_of(country_code: str) -> sa.Select:
    """The ids of the transfers in which the country is provider or recipient."""
    return sa.select(Transfer.id).where(
        sa.or_(Transfer.provider_code == country_code, Transfer.recipient_code == country_code)
    )


def _due_buckets(kind: str, today: date, soon: date, *conditions) -> sa.Select:
    """One row: kind, pending follow-ups overdue, due by `soon`, and all of them."""
    due_soon = sa.and_(FollowUp.due_on >= today, FollowUp.due_on <= soon)
    return sa.select(
        sa.literal(kind),
        sa.func.coalesce(sa.func.sum(sa.case((FollowUp.due_on < today, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((due_soon, 1), else_=0)), 0),
        sa.func.count(),
    ).where(FollowUp.done_on.is_(None), *conditions)
