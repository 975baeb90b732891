"""Confirmation by both countries: a transfer counts only once the focal points of the
provider and the recipient (or the secretariat on their behalf, with a note) have confirmed
that the exchange took place."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.audit.models import utcnow
from kmportal.concurrency import claim, unique_or
from kmportal.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import data as transfer_data
from kmportal.transfers.enums import Side
from kmportal.transfers.models import Transfer, TransferConfirmation
from kmportal.transfers.once import changed_meanwhile
from kmportal.transfers.permissions import can
from kmportal.transfers.service import ENTITY, authorize


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
    record_confirmation(user, transfer, side, note, on, today)
    db.session.commit()


def record_confirmation(
    user,
    transfer: Transfer,
    side: str | None = None,
    note: str | None = None,
    on: date | str | None = None,
    today: date | None = None,
) -> None:
    """confirm() inside the caller's transaction (the "transferred" step confirms with it)."""
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
    _add(
        transfer,
        TransferConfirmation(
            side=chosen, confirmed_by_id=user.id, confirmed_on=on, on_behalf=on_behalf, note=note
        ),
    )
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


def confirms_with_complete(user, transfer: Transfer):
    """The country a focal point may confirm for in the same action as the "transferred"
    step (its own, when the permission table lets it take the step and confirm, and its
    country has not confirmed yet); None otherwise, e.g. for the secretariat, who confirms on
    a country's behalf with a note of its own."""
    if not (can(user, "complete", transfer) and can(user, "confirm", transfer)):
        return None
    if can(user, "confirm_on_behalf", transfer):
        return None
    side = transfer.side_of(user.country_code)
    if side is None or transfer.confirmation(side) is not None:
        return None
    return transfer.provider if side is Side.PROVIDER else transfer.recipient


def _add(transfer: Transfer, confirmation: TransferConfirmation) -> None:
    """The transfer's row first (locked until the commit), so that the two countries'
    confirmations are written one after the other and the second one sees the first; then the
    row (once per side: the primary key), then the mark."""
    claim(transfer, {"status": transfer.status}, {"updated_at": utcnow()}, changed_meanwhile())
    with unique_or(Conflict(_l("This country has already confirmed the transfer."))):
        transfer.confirmations.append(confirmation)
    _mark_if_confirmed_by_both(transfer)


def _mark_if_confirmed_by_both(transfer: Transfer) -> None:
    """Set the day the pair was completed, recomputed from the confirmation rows in the same
    statement (never from what this request read), so that it always counts when it should."""
    rows = sa.select(TransferConfirmation).where(TransferConfirmation.transfer_id == transfer.id)
    sides = rows.with_only_columns(sa.func.count(sa.distinct(TransferConfirmation.side)))
    last = rows.with_only_columns(sa.func.max(TransferConfirmation.confirmed_on))
    db.session.execute(
        sa.update(Transfer)
        .where(Transfer.id == transfer.id, sides.scalar_subquery() == len(Side))
        .values(fully_confirmed_on=last.scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(transfer, ["fully_confirmed_on", "confirmations"])


def sides_to_confirm(user, transfer: Transfer) -> list[Side]:
    """The countries this user may still confirm the exchange for (see confirm()): once it has
    taken place, its own country for a focal point of either side, and every country for the
    secretariat (on its behalf), as long as that country has not confirmed yet."""
    if not transfer.has_taken_place or not can(user, "confirm", transfer):
        return []
    if can(user, "confirm_on_behalf", transfer):
        sides = list(Side)
    else:
        sides = [transfer.side_of(user.country_code)]
    return [side for side in sides if side is not None and transfer.confirmation(side) is None]


def confirming_country(user, transfer: Transfer):
    """The country a focal point confirms for (None for the secretariat, who chooses)."""
    if can(user, "confirm_on_behalf", transfer):
        return None
    side = transfer.side_of(user.country_code)
    if side is None:
        return None
    return transfer.provider if side is Side.PROVIDER else transfer.recipient


def check_confirms_with(user, transfer: Transfer, step_name: str) -> None:
    """Refuse, before anything changes, a confirmation asked with a step that cannot carry
    one: only "transferred", only by a focal point for its own country."""
    if step_name != "complete" or confirms_with_complete(user, transfer) is None:
        raise ValidationError(
            {
                "confirm": _l(
                    "Only the focal point of one of the two countries confirms with this "
                    "step; confirm on its own page otherwise."
                )
            }
        )


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
