"""What keeps a transfer's changes to once: the transfer's row held in the status a request
read (so a change decided on it is refused if a step moved the transfer meanwhile), and one
live transfer of a practice to a country (checked first for its message, and backed by the
partial unique index uq_transfer_live for two proposals racing past the check)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.concurrency import hold
from kmportal.errors import Conflict, ValidationError
from kmportal.extensions import db
from kmportal.transfers.enums import TransferStatus
from kmportal.transfers.models import Transfer


def refuse_duplicate(practice_id: int, recipient_code: str, exclude_id: int | None = None):
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
        raise _duplicate_message(duplicate)


def duplicate_error(practice_id: int, recipient_code: str) -> ValidationError:
    """The message for a proposal the unique index refused (looked up after the rollback)."""
    duplicate = db.session.scalar(
        sa.select(Transfer.id).where(
            Transfer.practice_id == practice_id,
            Transfer.recipient_code == recipient_code,
            Transfer.status != TransferStatus.CANCELLED,
        )
    )
    return _duplicate_message(duplicate or 0)


def _duplicate_message(transfer_id: int) -> ValidationError:
    return ValidationError(
        {
            "recipient_code": _l(
                "This practice is already being transferred to this country (transfer #%(id)d).",
                id=transfer_id,
            )
        }
    )


def hold_status(transfer: Transfer) -> None:
    """Rewrite the transfer's status as read (its row locked until the commit): a change
    decided on that status is refused if a step moved the transfer meanwhile."""
    hold(transfer, "status", changed_meanwhile())


def changed_meanwhile() -> Conflict:
    return Conflict(
        _l("Someone has just changed this transfer: open it again to see it as it is now.")
    )
