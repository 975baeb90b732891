"""Follow-ups coming due: `flask notify send` writes one notification per pending follow-up
and focal point of the transfer's two countries, once (the dedupe key names the follow-up,
its due date and the person), FOLLOW_UP_NOTICE_DAYS before the due date."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from kmportal.extensions import db
from kmportal.notifications.models import PENDING, SKIPPED, Notification
from kmportal.notifications.recipients import focal_points, path_for, transfer_params


def dedupe_key(follow_up, user) -> str:
    return f"follow_up_due:{follow_up.id}:{follow_up.due_on.isoformat()}:{user.id}"


def write_notices(today: date | None = None) -> int:
    """Add the notices of follow-ups due by today + FOLLOW_UP_NOTICE_DAYS; returns how many."""
    from kmportal.transfers.enums import TransferStatus
    from kmportal.transfers.models import FollowUp, Transfer

    today = today or date.today()
    horizon = today + timedelta(days=int(current_app.config["FOLLOW_UP_NOTICE_DAYS"]))
    query = (
        sa.select(FollowUp)
        .join(Transfer, Transfer.id == FollowUp.transfer_id)
        .where(
            FollowUp.done_on.is_(None),
            FollowUp.due_on.is_not(None),
            FollowUp.due_on <= horizon,
            Transfer.status != TransferStatus.CANCELLED,
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    added = 0
    for follow_up in db.session.scalars(query):
        transfer = follow_up.transfer
        people = focal_points([transfer.provider_code, transfer.recipient_code])
        keys = {dedupe_key(follow_up, person): person for person in people}
        known = set(
            db.session.scalars(
                sa.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys))
            )
        )
        for key, person in keys.items():
            if key not in known:
                db.session.add(_notice(follow_up, transfer, person, key))
                added += 1
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another run wrote the same notices meanwhile
        db.session.rollback()
        return 0
    return added


def _notice(follow_up, transfer, person, key) -> Notification:
    params = transfer_params(transfer)
    demo = params.pop("demo")
    return Notification(
        recipient_id=person.id,
        kind="follow_up_due",
        entity_type="transfer",
        entity_id=transfer.id,
        link=path_for("transfers.detail", transfer_id=transfer.id),
        params={**params, "due_on": follow_up.due_on.isoformat()},
        dedupe_key=key,
        mail_state=SKIPPED if demo else PENDING,
    )
