"""Who must do what next on a transfer: one small value the transfer page (and My work, the
lists, the API) renders as one sentence. Who may take each step is read from the permission
table (transfers.permissions), by asking it about a focal point of each of the two countries,
never re-derived here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kmportal.reference.models import Country
from kmportal.transfers import followups
from kmportal.transfers.enums import Side, TransferStatus
from kmportal.transfers.models import Transfer
from kmportal.transfers.permissions import can
from kmportal.transfers.workflow import allowed_steps

# The kinds of next step, each one sentence of transfers/_macros.html's next_step_sentence.
AGREE, START, COMPLETE, ADOPT, INSTITUTIONALISE = (
    "agree",
    "start",
    "complete",
    "adopt",
    "institutionalise",
)
CONFIRM, FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE = "confirm", "follow_up_due", "follow_up_overdue"
DONE, CANCELLED = "done", "cancelled"


@dataclass(frozen=True)
class NextStep:
    """What happens next: its kind, the countries that must act (in provider, recipient
    order), and the date it is due (follow-ups)."""

    kind: str
    countries: tuple[Country, ...] = field(default=())
    on: date | None = None


@dataclass(frozen=True)
class _FocalPointOf:
    """A focal point of one country, to ask the permission table what that country may do."""

    country_code: str
    is_authenticated = True
    is_secretariat = False

    def is_focal_point_of(self, country_code: str | None) -> bool:
        return country_code == self.country_code


def countries_who_may(action: str, transfer: Transfer) -> tuple[Country, ...]:
    """The transfer's countries whose focal points the permission table lets do `action`."""
    return tuple(
        _country(transfer, side)
        for side in Side
        if can(_FocalPointOf(transfer.country_of(side)), action, transfer)
    )


def _country(transfer: Transfer, side: Side) -> Country:
    return transfer.provider if side is Side.PROVIDER else transfer.recipient


def is_theirs(user, step: NextStep) -> bool:
    """Whether the next step is this reader's to take: a focal point of a country it names,
    or the secretariat when it names none (nothing is anyone's once done or cancelled)."""
    if not getattr(user, "is_authenticated", False) or step.kind in (DONE, CANCELLED):
        return False
    if not step.countries:
        return user.is_secretariat
    return any(user.is_focal_point_of(country.code) for country in step.countries)


def next_step(transfer: Transfer, today: date | None = None) -> NextStep:
    """Who must do what next: before the exchange, the next workflow step and the countries
    that may take it; once it has taken place, the countries that have not confirmed it yet,
    then the earliest follow-up due, then adoption and institutionalisation."""
    today = today or date.today()
    if transfer.status is TransferStatus.CANCELLED:
        return NextStep(CANCELLED)
    forward = [name for name in allowed_steps(transfer.status) if name != "cancel"]
    if not transfer.has_taken_place:
        return NextStep(forward[0], countries_who_may(forward[0], transfer))
    missing = tuple(_country(transfer, s) for s in Side if transfer.confirmation(s) is None)
    if missing:
        return NextStep(CONFIRM, missing)
    due = followups.answered(transfer)
    if due is not None:
        kind = FOLLOW_UP_OVERDUE if due.due_on < today else FOLLOW_UP_DUE
        return NextStep(kind, countries_who_may("follow_up", transfer), due.due_on)
    if forward:
        return NextStep(forward[0], countries_who_may(forward[0], transfer))
    return NextStep(DONE)
