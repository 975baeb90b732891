"""The counting rule of Objective 3: when a transfer counts toward a target. One rule, in
two forms: for a loaded transfer, and as a SQL condition for the aggregates, lists and
exports. Tests check that both forms agree on every combination of the conditions."""

from __future__ import annotations

import sqlalchemy as sa

from kmportal.reference.models import Target
from kmportal.transfers.enums import EXCHANGED_STATUSES
from kmportal.transfers.models import Transfer

# "Transferred" or any later status.
COUNTING_STATUSES = EXCHANGED_STATUSES


def counts_toward_target(transfer: Transfer, target: Target | None) -> bool:
    """A transfer counts toward a target when it has reached “transferred” (or later), both
    countries have confirmed that the exchange took place (fully_confirmed_on is set with the
    second confirmation), it is recorded against the target's result, and its transferred
    date lies inside the target's period."""
    return (
        target is not None
        and transfer.status in COUNTING_STATUSES
        and transfer.fully_confirmed_on is not None
        and transfer.result_id == target.result_id
        and transfer.transferred_on is not None
        and target.period_start <= transfer.transferred_on <= target.period_end
    )


def counting_filter(target: Target | None) -> sa.ColumnElement[bool]:
    """counts_toward_target() as a condition on Transfer rows (portable SQL)."""
    if target is None:
        return sa.false()
    return sa.and_(
        Transfer.status.in_(COUNTING_STATUSES),
        Transfer.fully_confirmed_on.is_not(None),
        Transfer.result_id == target.result_id,
        Transfer.transferred_on.between(target.period_start, target.period_end),
    )
