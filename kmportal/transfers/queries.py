"""Reading transfers: the list with its filters (shared by the exports), a practice's and a
result's transfers, and a transfer's timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload, selectinload

from kmportal.extensions import db
from kmportal.ids import database_id
from kmportal.practices.enums import PracticeState, Theme
from kmportal.practices.models import Practice
from kmportal.practices.permissions import can as practice_can
from kmportal.reference.models import Target
from kmportal.reference.queries import iso_code
from kmportal.transfers.counting import counting_filter
from kmportal.transfers.enums import FundingMode, Modality, TransferStatus
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.workflow import STEPS


def list_options():
    """What a row of a transfer list shows, eager-loaded (countries are joined by default).
    The practice is loaded without its own collections: lists show only its title."""
    return (selectinload(Transfer.practice).lazyload("*"),)


WITHDRAWN = _l("Practice withdrawn")


@dataclass(frozen=True)
class ShownPractice:
    """What a reader is shown of a transfer's practice wherever the transfer is listed."""

    id: int
    title: object
    language: str | None
    readable: bool  # False: a neutral label instead of the title, and no link to the practice


def shown_practice(user, practice: Practice) -> ShownPractice:
    """The practice's title, or "Practice withdrawn" for a reader who may not read the
    practice any more (an archived one: practices.permissions' read rule). Transfers stay
    public, so every page and export that names a transfer's practice asks here."""
    if practice_can(user, "read", practice):
        return ShownPractice(practice.id, practice.title, practice.language, True)
    return ShownPractice(practice.id, WITHDRAWN, None, False)


@dataclass
class TransferFilters:
    country: str | None = None
    provider: str | None = None
    recipient: str | None = None
    status: str | None = None
    funding: str | None = None
    modality: str | None = None
    theme: str | None = None
    counted: str | None = None
    result: int | None = None

    @classmethod
    def from_args(cls, args) -> TransferFilters:
        """Unknown or malformed filter values are ignored rather than failing the page."""

        def code(name):
            return iso_code((args.get(name) or "").strip())

        def choice(name, allowed):
            value = args.get(name)
            return value if value in allowed else None

        return cls(
            country=code("country"),
            provider=code("provider"),
            recipient=code("recipient"),
            status=choice("status", TransferStatus.values()),
            funding=choice("funding", FundingMode.values()),
            modality=choice("modality", Modality.values()),
            theme=choice("theme", Theme.values()),
            counted=choice("counted", ("yes", "no")),
            result=args.get("result", type=database_id),
        )

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    def apply(self, query: sa.Select, target: Target | None) -> sa.Select:
        if self.country:
            query = query.where(
                sa.or_(
                    Transfer.provider_code == self.country, Transfer.recipient_code == self.country
                )
            )
        if self.provider:
            query = query.where(Transfer.provider_code == self.provider)
        if self.recipient:
            query = query.where(Transfer.recipient_code == self.recipient)
        if self.status:
            query = query.where(Transfer.status == TransferStatus(self.status))
        if self.funding:
            query = query.where(Transfer.funding_mode == FundingMode(self.funding))
        if self.modality:
            query = query.where(Transfer.modality == Modality(self.modality))
        if self.theme:
            query = query.where(Transfer.practice.has(Practice.theme == Theme(self.theme)))
        if self.result:
            query = query.where(Transfer.result_id == self.result)
        if self.counted == "yes":
            query = query.where(counting_filter(target))
        elif self.counted == "no":
            query = query.where(sa.not_(counting_filter(target)))
        return query


def filtered(filters: TransferFilters, target: Target | None) -> sa.Select:
    query = filters.apply(sa.select(Transfer), target).options(*list_options())
    return query.order_by(Transfer.proposed_on.desc(), Transfer.id.desc())


def page(filters: TransferFilters, target: Target | None, number: int, per_page: int):
    return db.paginate(filtered(filters, target), page=number, per_page=per_page, error_out=False)


def published_practices() -> list[Practice]:
    """Practices that may be transferred, for the practice picker."""
    query = (
        sa.select(Practice)
        .where(Practice.state == PracticeState.PUBLISHED)
        .options(lazyload("*"))
        .order_by(Practice.country_code, Practice.title)
    )
    return list(db.session.scalars(query))


def for_practice(practice_id: int) -> list[Transfer]:
    """A practice's transfers as its page lists them: status and the two countries only."""
    query = (
        sa.select(Transfer)
        .where(Transfer.practice_id == practice_id)
        .options(lazyload(Transfer.contributions), lazyload(Transfer.confirmations))
        .order_by(Transfer.proposed_on.desc(), Transfer.id.desc())
    )
    return list(db.session.scalars(query))


@dataclass
class ResultTransfers:
    total: int = 0
    latest: list[Transfer] = field(default_factory=list)


def by_result(result_ids: list[int], latest: int = 10) -> dict[int, ResultTransfers]:
    """For each result, how many live transfers are recorded against it and the latest few
    (two queries, whatever the numbers)."""
    if not result_ids:
        return {}
    live = sa.and_(Transfer.result_id.in_(result_ids), Transfer.status != TransferStatus.CANCELLED)
    grouped: dict[int, ResultTransfers] = defaultdict(ResultTransfers)
    counts = sa.select(Transfer.result_id, sa.func.count()).where(live).group_by(Transfer.result_id)
    for result_id, total in db.session.execute(counts):
        grouped[result_id].total = total
    rank = (
        sa.func.row_number()
        .over(
            partition_by=Transfer.result_id,
            order_by=(Transfer.proposed_on.desc(), Transfer.id.desc()),
        )
        .label("rank")
    )
    ranked = sa.select(Transfer.id, rank).where(live).subquery()
    query = (
        sa.select(Transfer)
        .join(ranked, ranked.c.id == Transfer.id)
        .where(ranked.c.rank <= latest)
        .options(*list_options())
        .order_by(Transfer.proposed_on.desc(), Transfer.id.desc())
    )
    for transfer in db.session.scalars(query):
        grouped[transfer.result_id].latest.append(transfer)
    return grouped


@dataclass
class TimelineEntry:
    on: date
    kind: str  # status, exchange, confirmation, follow_up, due
    label: object
    text: str = ""
    confirmation: object = None
    follow_up: FollowUp | None = None
    order: int = 0


def timeline(transfer: Transfer, today: date) -> list[TimelineEntry]:
    """The transfer's whole history from its own dates: statuses reached, the exchange,
    the countries' confirmations, follow-ups done and still due. Oldest first."""
    entries = [
        *_status_entries(transfer),
        *_exchange_entries(transfer),
        *_confirmation_entries(transfer),
        *_follow_up_entries(transfer),
    ]
    return sorted(entries, key=lambda entry: (entry.on, entry.order))


def _status_entries(transfer: Transfer) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            transfer.proposed_on,
            "status",
            TransferStatus.PROPOSED.label,
            str(transfer.origin.label),
            order=0,
        )
    ]
    for order, (name, step) in enumerate(STEPS.items(), start=1):
        on = getattr(transfer, step.date_field)
        if on is None:
            continue
        text = (transfer.cancel_reason or "") if name == "cancel" else ""
        entries.append(TimelineEntry(on, "status", step.target.label, text, order=order))
    return entries


def _exchange_entries(transfer: Transfer) -> list[TimelineEntry]:
    labels = (("start_on", _l("Exchange starts")), ("end_on", _l("Exchange ends")))
    return [
        TimelineEntry(getattr(transfer, name), "exchange", label, order=2)
        for name, label in labels
        if getattr(transfer, name) is not None
    ]


def _confirmation_entries(transfer: Transfer) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            confirmation.confirmed_on,
            "confirmation",
            transfer.provider if confirmation.side.value == "provider" else transfer.recipient,
            order=7,
            confirmation=confirmation,
        )
        for confirmation in transfer.confirmations
    ]


def _follow_up_entries(transfer: Transfer) -> list[TimelineEntry]:
    entries = []
    for follow_up in transfer.follow_ups:
        if follow_up.done_on is not None:
            entries.append(
                TimelineEntry(
                    follow_up.done_on,
                    "follow_up",
                    follow_up.stage.label,
                    follow_up.summary,
                    follow_up=follow_up,
                    order=8,
                )
            )
        elif transfer.status is not TransferStatus.CANCELLED:
            entries.append(
                TimelineEntry(
                    follow_up.due_on,
                    "due",
                    _l("Follow-up due"),
                    follow_up.planned,
                    follow_up=follow_up,
                    order=9,
                )
            )
    return entries
