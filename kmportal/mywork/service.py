"""What awaits a person: one list, oldest first, each entry a link with what to do.

For a focal point: its country's transfers to agree to, start or mark as transferred (the
steps the permission table lets it take), to confirm, and their follow-ups due or overdue;
its country's practices returned with comments and drafts; its changes to published
practices decided recently. For the secretariat: practices to validate, changes to review,
transfers awaiting a country's confirmation, follow-ups overdue in every country.

Every rule is asked of the permission tables (practices.permissions, transfers.permissions),
the workflow tables and the confirmations and follow-ups services; the queries only narrow
the candidates. A fixed number of queries, whatever the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from kmportal.extensions import db
from kmportal.practices.enums import EditStatus, PracticeState
from kmportal.practices.models import PendingEdit, Practice
from kmportal.practices.permissions import can as practice_can
from kmportal.transfers import confirmations, followups
from kmportal.transfers.enums import EXCHANGED_STATUSES, OPEN_STATUSES
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.queries import shown_practice
from kmportal.transfers.visibility import may_take

# The transfer steps that are somebody's task (adoption and institutionalisation are told by
# follow-ups, over years: listing every transferred practice for them would bury the rest).
TASK_STEPS = ("agree", "start", "complete")
# A change decided within this many days is still news to its author.
DECIDED_RECENTLY_DAYS = 30


@dataclass(frozen=True)
class WorkItem:
    """One thing that awaits the person: what kind (the line saying what to do), since when,
    the record's title, the page it links to (an endpoint and its arguments), and a date or
    countries the line names."""

    kind: str
    since: datetime
    title: str
    endpoint: str
    params: dict = field(default_factory=dict)
    on: date | None = None
    language: str | None = None


def _moment(value: date | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value or date.min, time.min)


def my_work(user, today: date | None = None) -> list[WorkItem]:
    """Everything that awaits this person, oldest first (see the module's docstring); empty
    for anyone not signed in or with neither a country nor the secretariat's role."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or date.today()
    if user.is_secretariat:
        items = [
            *_practices(user, (PracticeState.SUBMITTED,), None),
            *_edits_to_review(user),
            *_transfers(user, None, today),
            *_follow_ups(user, None, today, today - timedelta(days=1)),
        ]
    elif user.country_code:
        country = user.country_code
        items = [
            *_practices(user, (PracticeState.RETURNED, PracticeState.DRAFT), country),
            *_edits_decided(user, country, today),
            *_transfers(user, country, today),
            *_follow_ups(user, country, today, today + timedelta(days=followups.DUE_SOON_DAYS)),
        ]
    else:
        items = []
    return sorted(items, key=lambda item: (item.since, item.kind, item.title))


def owner_country(user):
    """Whose work the list is: the focal point's country, or None for the secretariat's
    (whose list covers every country)."""
    if getattr(user, "is_secretariat", False) or not getattr(user, "country_code", None):
        return None
    from kmportal.reference.queries import get_country

    return get_country(user.country_code)


def count(user, today: date | None = None) -> int:
    """How many things await this person (the navigation's number)."""
    return len(my_work(user, today))


PRACTICE_TASKS = {
    # state: (kind, the permission the task needs, the moment it has waited since)
    PracticeState.SUBMITTED: ("validate", "publish", "submitted_at"),
    PracticeState.RETURNED: ("returned", "submit", "updated_at"),
    PracticeState.DRAFT: ("draft", "submit", "created_at"),
}


def _practices(user, states, country: str | None) -> list[WorkItem]:
    query = sa.select(Practice).where(Practice.state.in_(states)).options(lazyload("*"))
    if country:
        query = query.where(Practice.country_code == country)
    items = []
    for practice in db.session.scalars(query):
        kind, action, moment = PRACTICE_TASKS[practice.state]
        if practice_can(user, action, practice):
            items.append(
                WorkItem(
                    kind,
                    _moment(getattr(practice, moment) or practice.created_at),
                    practice.title,
                    "practices.detail",
                    {"practice_id": practice.id},
                    language=practice.language,
                )
            )
    return items


def _edits_query():
    return (
        sa.select(PendingEdit)
        .join(PendingEdit.practice)
        .options(contains_eager(PendingEdit.practice).lazyload("*"))
    )


def _edits_to_review(user) -> list[WorkItem]:
    query = _edits_query().where(PendingEdit.status == EditStatus.PENDING)
    return [
        WorkItem(
            "review_edit",
            _moment(edit.created_at),
            edit.practice.title,
            "practices.review_edit",
            {"practice_id": edit.practice_id, "edit_id": edit.id},
            language=edit.practice.language,
        )
        for edit in db.session.scalars(query)
        if practice_can(user, "review_edit", edit.practice)
    ]


def _edits_decided(user, country: str, today: date) -> list[WorkItem]:
    since = _moment(today - timedelta(days=DECIDED_RECENTLY_DAYS))
    query = _edits_query().where(
        PendingEdit.status.in_((EditStatus.ACCEPTED, EditStatus.REJECTED)),
        PendingEdit.decided_at >= since,
        Practice.country_code == country,
    )
    return [
        WorkItem(
            f"edit_{edit.status.value}",
            _moment(edit.decided_at),
            edit.practice.title,
            "practices.detail",
            {"practice_id": edit.practice_id},
            on=edit.decided_at.date(),
            language=edit.practice.language,
        )
        for edit in db.session.scalars(query)
        if practice_can(user, "read", edit.practice)
    ]


def _transfers(user, country: str | None, today: date) -> list[WorkItem]:
    """The steps this person may take on a transfer (a focal point only: the secretariat steps
    in when asked), and the confirmations left for it to give."""
    unconfirmed = sa.and_(
        Transfer.status.in_(EXCHANGED_STATUSES), Transfer.fully_confirmed_on.is_(None)
    )
    query = sa.select(Transfer).options(
        joinedload(Transfer.practice).lazyload("*"),
        lazyload(Transfer.contributions),
        lazyload(Transfer.follow_ups),
    )
    if country:
        query = query.where(
            sa.or_(Transfer.status.in_(OPEN_STATUSES), unconfirmed),
            sa.or_(Transfer.provider_code == country, Transfer.recipient_code == country),
        )
    else:  # the secretariat: those still waiting for a country's confirmation
        query = query.where(unconfirmed)
    items = []
    for transfer in db.session.scalars(query):
        items.extend(_transfer_tasks(user, transfer, bool(country)))
    return items


def _transfer_tasks(user, transfer: Transfer, steps: bool) -> list[WorkItem]:
    practice = shown_practice(user, transfer.practice)
    link = {"transfer_id": transfer.id}
    tasks = []
    if steps:
        for name in may_take(user, transfer):
            if name in TASK_STEPS:
                since = _moment(_step_since(transfer, name))
                title = str(practice.title)
                tasks.append(
                    WorkItem(name, since, title, "transfers.detail", link, None, practice.language)
                )
                break
    if confirmations.sides_to_confirm(user, transfer):
        tasks.append(
            WorkItem(
                "confirm",
                _moment(transfer.transferred_on),
                str(practice.title),
                "transfers.confirm",
                link,
                language=practice.language,
            )
        )
    return tasks


def _step_since(transfer: Transfer, name: str) -> date:
    """Since when a step has waited: the date the transfer reached its current status."""
    return {
        "agree": transfer.proposed_on,
        "start": transfer.agreed_on or transfer.proposed_on,
        "complete": transfer.start_on or transfer.agreed_on or transfer.proposed_on,
    }[name]


# What an entry needs, in the one query: the transfer (joined already), its practice's title.
_FOLLOW_UP_LOADING = (
    contains_eager(FollowUp.transfer).options(
        joinedload(Transfer.practice).lazyload("*"),
        lazyload(Transfer.confirmations),
        lazyload(Transfer.contributions),
    ),
    lazyload(FollowUp.attachments),
    lazyload(FollowUp.recorded_by),
)


def _follow_ups(user, country: str | None, today: date, until: date) -> list[WorkItem]:
    """Follow-ups still due by `until`, of the country's transfers (or every country's)."""
    query = followups.pending_query(country, _FOLLOW_UP_LOADING).where(FollowUp.due_on <= until)
    items = []
    for follow_up in db.session.scalars(query):
        transfer = follow_up.transfer
        if not followups.may_record(user, transfer):
            continue
        practice = shown_practice(user, transfer.practice)
        items.append(
            WorkItem(
                "follow_up_overdue" if follow_up.due_on < today else "follow_up_due",
                _moment(follow_up.due_on),
                str(practice.title),
                "transfers.record_follow_up",
                {"transfer_id": transfer.id, "due": follow_up.id},
                on=follow_up.due_on,
                language=practice.language,
            )
        )
    return items
