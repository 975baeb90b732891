"""What a person may see of a transfer, and what they may do next: the rules the transfer
pages used to apply in their templates and views, as values the templates (and the API)
render, nothing more. Every answer comes from the permission table (transfers.permissions),
the workflow table (transfers.workflow), the confirmations and follow-ups services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kmportal.audit import service as audit
from kmportal.reference.models import Country, Target
from kmportal.transfers import confirmations, followups, queries
from kmportal.transfers.counting import counts_toward_target
from kmportal.transfers.enums import Side
from kmportal.transfers.models import Transfer, TransferContribution
from kmportal.transfers.next_step import NextStep, next_step
from kmportal.transfers.permissions import can
from kmportal.transfers.workflow import allowed_steps


@dataclass(frozen=True)
class ShownConfirmation:
    """One country's confirmation as this reader sees it: whether and when it confirmed for
    everyone; by whom, on whose behalf and the note for the Network only."""

    side: Side
    country: Country
    confirmed_on: date | None
    by: str | None = None
    on_behalf: bool = False
    note: str = ""


@dataclass(frozen=True)
class TransferActions:
    """What this person may do next on the transfer."""

    steps: tuple[str, ...]  # workflow steps, in the table's order
    edit: bool
    confirm: bool  # a country is left for this person to confirm for
    follow_up: bool  # record a follow-up (once there is something to follow)
    confirm_with_complete: Country | None  # "and confirm for <country>" on the step

    @property
    def any(self) -> bool:
        return bool(self.steps or self.edit or self.follow_up)


@dataclass(frozen=True)
class TransferView:
    """What this person may see of one transfer (the record itself is public)."""

    transfer: Transfer
    practice: queries.ShownPractice
    counts: bool
    next_step: NextStep
    amounts: tuple[TransferContribution, ...]
    confirmations: tuple[ShownConfirmation, ...]
    timeline: tuple[queries.TimelineEntry, ...]
    history: list
    actions: TransferActions
    awaits_exchange: bool  # "the countries confirm once the exchange has taken place"


def may_take(user, transfer: Transfer) -> tuple[str, ...]:
    """The workflow steps open from the transfer's status that this person may take."""
    return tuple(name for name in allowed_steps(transfer.status) if can(user, name, transfer))


def actions(user, transfer: Transfer) -> TransferActions:
    """What this person may do next: the steps, editing, confirming, following up."""
    return TransferActions(
        steps=may_take(user, transfer),
        edit=can(user, "edit", transfer),
        confirm=bool(confirmations.sides_to_confirm(user, transfer)),
        follow_up=followups.may_record(user, transfer),
        confirm_with_complete=confirmations.confirms_with_complete(user, transfer),
    )


def transfer_view(user, transfer: Transfer, target: Target | None, today: date) -> TransferView:
    """The transfer as this person may see it: for everyone the record, its statuses and
    confirmations' dates, and who must do what next; for the Network (read_full) also the
    amounts, who confirmed and why, the follow-ups with their evidence, and the history."""
    full = can(user, "read_full", transfer)
    timeline = queries.timeline(transfer, today)
    if not full:
        timeline = [entry for entry in timeline if entry.kind not in ("follow_up", "due")]
    return TransferView(
        transfer=transfer,
        practice=queries.shown_practice(user, transfer.practice),
        counts=counts_toward_target(transfer, target),
        next_step=next_step(transfer, today),
        amounts=tuple(transfer.contributions) if full else (),
        confirmations=tuple(_confirmation(transfer, side, full) for side in Side),
        timeline=tuple(timeline),
        history=audit.history("transfer", transfer.id) if full else [],
        actions=actions(user, transfer),
        awaits_exchange=not transfer.has_taken_place,
    )


def _confirmation(transfer: Transfer, side: Side, full: bool) -> ShownConfirmation:
    country = transfer.provider if side is Side.PROVIDER else transfer.recipient
    confirmation = transfer.confirmation(side)
    if confirmation is None:
        return ShownConfirmation(side, country, None)
    if not full:
        return ShownConfirmation(side, country, confirmation.confirmed_on)
    by = confirmation.confirmed_by.name if confirmation.confirmed_by else None
    return ShownConfirmation(
        side, country, confirmation.confirmed_on, by, confirmation.on_behalf, confirmation.note
    )


@dataclass(frozen=True)
class ListActions:
    """What the transfer list offers this person."""

    follow_ups: bool  # the "follow-ups due" page and the follow-ups' downloads
    record: bool  # record a transfer between any two countries


def list_actions(user) -> ListActions:
    return ListActions(follow_ups=can(user, "read_full"), record=can(user, "record_other_provider"))
