"""The numbers of Objective 3: progress toward the target, counts by country, funding mode,
theme and status, the flows between countries, the focal points' trainings, and one
country's transfers. Every figure comes from a fixed number of aggregate queries, so a page
costs the same with 100 transfers or 10,000."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.errors import PermissionDenied
from kmportal.extensions import db
from kmportal.months import month_starts
from kmportal.practices.enums import Theme
from kmportal.practices.models import Practice
from kmportal.reference.models import Country, Plan, Target
from kmportal.reference.queries import current_target
from kmportal.transfers import followups
from kmportal.transfers.counting import counting_filter, counts_toward_target
from kmportal.transfers.enums import FundingMode, TrainingModality, TransferStatus
from kmportal.transfers.models import FollowUp, Training, TrainingParticipant, Transfer
from kmportal.transfers.permissions import can
from kmportal.transfers.queries import list_options


@dataclass
class MonthPoint:
    month: date
    new: int
    cumulative: int
    expected: float


@dataclass
class CountRow:
    """One category of a breakdown: transfers that count, and all live (not cancelled) ones."""

    key: str
    label: object
    counted: int = 0
    live: int = 0


@dataclass
class Flow:
    provider: Country
    recipient: Country
    practices: int


@dataclass
class TrainingRow:
    country: Country
    by_modality: dict[TrainingModality, int]

    @property
    def total(self) -> int:
        return sum(self.by_modality.values())


@dataclass
class Dashboard:
    target: Target | None
    counted: int
    months: list[MonthPoint]
    by_provider: list[CountRow]
    by_recipient: list[CountRow]
    by_funding: list[CountRow]
    by_theme: list[CountRow]
    by_status: list[CountRow]
    flows: list[Flow]
    other_pairs: int
    other_practices: int
    trainings: list[TrainingRow]
    training_totals: dict[TrainingModality, int]
    follow_ups: dict[str, int]
    live: int = 0
    cancelled: int = 0
    countries: dict[str, Country] = field(default_factory=dict)

    @property
    def quantity(self) -> int:
        return self.target.quantity if self.target else 0

    @property
    def percent(self) -> int:
        return percent_of(self.counted, self.quantity)


def percent_of(counted: int, quantity: int) -> int:
    """How far along a target is, in whole percent (at most 100)."""
    return min(100, round(100 * counted / quantity)) if quantity else 0


def counted_toward(target: Target) -> int:
    """The transfers that count toward the target so far (the counting rule, in SQL)."""
    return db.session.scalar(sa.select(sa.func.count(Transfer.id)).where(counting_filter(target)))


def dashboard(
    user, today: date | None = None, with_follow_ups: bool = True, plan: Plan | None = None
) -> Dashboard:
    """Everything the dashboard and the printable report show, in six queries (seven with the
    follow-ups) whose results are as long as the lists of countries, categories and months,
    never as the list of transfers. The follow-ups due are counted for the Network only
    (for anyone else, and without `with_follow_ups`, `follow_ups` is empty). The target is
    the plan's (the current plan period's, else the latest, unless given)."""
    today = today or date.today()
    with_follow_ups = with_follow_ups and can(user, "read_full")
    target = current_target(plan=plan)
    countries = {c.code: c for c in db.session.scalars(sa.select(Country))}
    months, counted = _cumulative(target)
    breakdown = _breakdowns(target, countries)
    flows, other_pairs = _flows(target, countries)
    trainings, training_totals = _trainings(countries)
    statuses = breakdown["by_status"]
    return Dashboard(
        target=target,
        counted=counted,
        months=months,
        flows=flows,
        other_pairs=other_pairs,
        other_practices=counted - sum(flow.practices for flow in flows),
        trainings=trainings,
        training_totals=training_totals,
        follow_ups=followups.due_counts(None, today) if with_follow_ups else {},
        live=sum(row.live for row in statuses if row.key != TransferStatus.CANCELLED.value),
        cancelled=sum(row.live for row in statuses if row.key == TransferStatus.CANCELLED.value),
        countries=countries,
        **breakdown,
    )


def _cumulative(target: Target | None) -> tuple[list[MonthPoint], int]:
    """Counted transfers month by month over the target's period, against a straight line
    from zero to the target. Dates are bucketed here, in Python, to stay portable."""
    if target is None:
        return [], 0
    query = (
        sa.select(Transfer.transferred_on, sa.func.count())
        .where(counting_filter(target))
        .group_by(Transfer.transferred_on)
    )
    per_month: Counter[date] = Counter()
    for day, n in db.session.execute(query):
        per_month[date(day.year, day.month, 1)] += n
    months = month_starts(target.period_start, target.period_end)
    points, total = [], 0
    for index, month in enumerate(months, start=1):
        total += per_month[month]
        points.append(
            MonthPoint(month, per_month[month], total, target.quantity * index / len(months))
        )
    return points, total


def _breakdowns(target: Target | None, countries: dict[str, Country]) -> dict[str, list]:
    """Live transfers (not cancelled) and those that count, by provider, recipient, funding
    mode and theme, and all transfers by status, as CountRows."""
    found: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for dimension, kind, key, n in db.session.execute(_breakdown_query(target)):
        if key is not None:
            found[dimension][key][0 if kind == "counted" else 1] = int(n)

    def rows(dimension: str, keys_and_labels) -> list[CountRow]:
        return [
            CountRow(key, label, *found[dimension].get(key, (0, 0)))
            for key, label in keys_and_labels
        ]

    result = {
        name: sorted(
            rows(name, ((code, countries.get(code)) for code in list(found[name]))),
            key=lambda r: (-r.counted, -r.live, r.key),
        )
        for name in ("by_provider", "by_recipient")
    }
    # Fixed categories are listed in their own order, with zeros, so reports compare.
    for name, enum_cls in (
        ("by_funding", FundingMode),
        ("by_theme", Theme),
        ("by_status", TransferStatus),
    ):
        result[name] = rows(name, ((member.value, member.label) for member in enum_cls))
    return result


def _breakdown_query(target: Target | None) -> sa.CompoundSelect:
    """One UNION ALL of plain GROUP BYs, rows (dimension, "live" or "counted", key, n), each
    read from a covering index: the live ones over all rows, the counted ones over the range
    of counting rows. One result row a category, never a transfer."""
    conditions = {
        "live": Transfer.status != TransferStatus.CANCELLED,
        "counted": counting_filter(target),
    }
    dimensions = {
        "by_provider": Transfer.provider_code,
        "by_recipient": Transfer.recipient_code,
        "by_funding": Transfer.funding_mode,
        "by_status": Transfer.status,
    }
    parts = []
    for kind, condition in conditions.items():
        for name, column in dimensions.items():
            query = sa.select(
                sa.literal(name), sa.literal(kind), sa.cast(column, sa.String), sa.func.count()
            )
            if not (name == "by_status" and kind == "live"):  # statuses: every transfer
                query = query.where(condition)
            parts.append(query.group_by(column))
        # By theme: first per practice (from the index), then over the practices only.
        per_practice = (
            sa.select(Transfer.practice_id, sa.func.count().label("n"))
            .where(condition)
            .group_by(Transfer.practice_id)
            .subquery()
        )
        parts.append(
            sa.select(
                sa.literal("by_theme"),
                sa.literal(kind),
                sa.cast(Practice.theme, sa.String),
                sa.func.sum(per_practice.c.n),
            )
            .join(Practice, Practice.id == per_practice.c.practice_id)
            .group_by(Practice.theme)
        )
    return sa.union_all(*parts)


FLOW_LIMIT = 20


def _flows(target: Target | None, countries: dict[str, Country]) -> tuple[list[Flow], int]:
    """Who transferred to whom: practices per (provider, recipient) among counted transfers
    (a practice goes to a country at most once, so transfers are practices). The FLOW_LIMIT
    largest flows are drawn; returns them and how many other pairs there are."""
    count = sa.func.count()
    pairs = sa.func.count().over()  # counted over the groups: how many pairs in all
    query = (
        sa.select(Transfer.provider_code, Transfer.recipient_code, count, pairs)
        .where(counting_filter(target))
        .group_by(Transfer.provider_code, Transfer.recipient_code)
        .order_by(count.desc(), Transfer.provider_code, Transfer.recipient_code)
        .limit(FLOW_LIMIT)
    )
    rows = db.session.execute(query).all()
    flows = [Flow(countries[p], countries[r], n) for p, r, n, _all in rows]
    return flows, (rows[0][3] - len(rows)) if rows else 0


def _trainings(
    countries: dict[str, Country],
) -> tuple[list[TrainingRow], dict[TrainingModality, int]]:
    """Participations in trainings by country and modality (one query)."""
    query = (
        sa.select(TrainingParticipant.country_code, Training.modality, sa.func.count())
        .join(Training, Training.id == TrainingParticipant.training_id)
        .group_by(TrainingParticipant.country_code, Training.modality)
    )
    table: dict[str, dict[TrainingModality, int]] = defaultdict(
        lambda: dict.fromkeys(TrainingModality, 0)
    )
    totals = dict.fromkeys(TrainingModality, 0)
    for code, modality, n in db.session.execute(query):
        table[code][modality] += n
        totals[modality] += n
    rows = [TrainingRow(countries[code], by_modality) for code, by_modality in table.items()]
    rows.sort(key=lambda row: (-row.total, row.country.code))
    return rows, totals


@dataclass
class CountrySummary:
    """What a country gave, received and still has to follow up (the latest of each, with the
    totals), and its focal points' participations in trainings."""

    gave: list[Transfer]
    received: list[Transfer]
    gave_total: int
    received_total: int
    counted_ids: set[int]
    pending: list
    due: dict[str, int]
    trainings: dict[TrainingModality, int]
    show_follow_ups: bool
    today: date


COUNTRY_PAGE_ROWS = 50


def _count_where(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def country_summary(user, country_code: str, today: date | None = None) -> CountrySummary:
    """A country's transfers both ways, its pending follow-ups (for the Network) and its focal
    points' trainings: a fixed number of queries, whatever the numbers."""
    today = today or date.today()
    target = current_target()
    gave = _latest_transfers(Transfer.provider_code, country_code)
    received = _latest_transfers(Transfer.recipient_code, country_code)
    totals = db.session.execute(
        sa.select(
            _count_where(Transfer.provider_code == country_code),
            _count_where(Transfer.recipient_code == country_code),
        ).where(
            sa.or_(Transfer.provider_code == country_code, Transfer.recipient_code == country_code)
        )
    ).one()
    show_follow_ups = can(user, "read_full")
    pending, due = [], {}
    if show_follow_ups:
        query = followups.pending_query(country_code).limit(COUNTRY_PAGE_ROWS)
        pending = list(db.session.scalars(query))
        due = followups.due_counts(country_code, today)
    return CountrySummary(
        gave=gave,
        received=received,
        gave_total=totals[0],
        received_total=totals[1],
        counted_ids={t.id for t in gave + received if counts_toward_target(t, target)},
        pending=pending,
        due=due,
        trainings=_country_trainings(country_code),
        show_follow_ups=show_follow_ups,
        today=today,
    )


def _latest_transfers(column, country_code: str) -> list[Transfer]:
    """The country's latest transfers on one side (provider or recipient column)."""
    query = (
        sa.select(Transfer)
        .where(column == country_code)
        .options(*list_options())
        .order_by(Transfer.proposed_on.desc(), Transfer.id.desc())
        .limit(COUNTRY_PAGE_ROWS)
    )
    return list(db.session.scalars(query))


def _country_trainings(country_code: str) -> dict[TrainingModality, int]:
    """How many trainings the country's focal points took part in, by modality."""
    trainings = dict.fromkeys(TrainingModality, 0)
    rows = db.session.execute(
        sa.select(Training.modality, sa.func.count())
        .join(TrainingParticipant, Training.id == TrainingParticipant.training_id)
        .where(TrainingParticipant.country_code == country_code)
        .group_by(Training.modality)
    )
    for modality, n in rows:
        trainings[modality] = n
    return trainings


@dataclass
class Report:
    """The printable report: the dashboard's figures, every transfer, and the overdue
    follow-ups (None for readers outside the Network, who do not see them)."""

    board: Dashboard
    transfers: list[Transfer]
    overdue: list | None


def report(user, today: date | None = None, plan: Plan | None = None) -> Report:
    today = today or date.today()
    board = dashboard(user, today, with_follow_ups=False, plan=plan)
    return Report(
        board=board,
        transfers=report_transfers(board.target),
        overdue=overdue_follow_ups(user, today) if can(user, "read_full") else None,
    )


def report_transfers(target: Target | None) -> list[Transfer]:
    """Every transfer for the report, those that count first, then by status and date."""
    query = sa.select(Transfer).options(*list_options()).order_by(Transfer.proposed_on, Transfer.id)
    transfers = list(db.session.scalars(query))
    order = {status: index for index, status in enumerate(TransferStatus)}
    transfers.sort(
        key=lambda t: (not counts_toward_target(t, target), -order[t.status], t.proposed_on)
    )
    return transfers


def overdue_follow_ups(user, today: date) -> list:
    """Pending follow-ups past their due date, of live transfers, oldest first: for the
    Network only (PermissionDenied otherwise)."""
    if not can(user, "read_full"):
        raise PermissionDenied(_l("You are not allowed to do this."))
    query = followups.pending_query().where(FollowUp.due_on < today)
    return list(db.session.scalars(query))
