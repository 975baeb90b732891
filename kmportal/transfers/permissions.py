"""Who may do what to a transfer, and to a training: two tables, read by the services (and
so by the views, the exports and the API).

Each action maps to a predicate of (user, record). Statuses are checked separately by the
workflow table: a permitted step can still be refused for the transfer's current status.
"""

from __future__ import annotations

from collections.abc import Callable

from kmportal.transfers.enums import Origin, Side, TransferStatus
from kmportal.transfers.models import Training, Transfer


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _secretariat(user, record=None) -> bool:
    return _signed_in(user) and user.is_secretariat


def _focal_point_of(user, country_code: str | None) -> bool:
    return _signed_in(user) and country_code is not None and user.is_focal_point_of(country_code)


def _party(user, transfer: Transfer | None) -> bool:
    """The focal point of the provider or of the recipient country."""
    return transfer is not None and (
        _focal_point_of(user, transfer.provider_code)
        or _focal_point_of(user, transfer.recipient_code)
    )


def _secretariat_or_party(user, transfer: Transfer | None) -> bool:
    return _secretariat(user) or _party(user, transfer)


def _secretariat_or_recipient(user, transfer: Transfer | None) -> bool:
    # Adoption happens in the recipient country: it says when the practice is adopted.
    return _secretariat(user) or (
        transfer is not None and _focal_point_of(user, transfer.recipient_code)
    )


def _agree(user, transfer: Transfer | None) -> bool:
    """The country that did not start the transfer agrees to it: the provider to a request,
    the recipient to an offer; either one when the secretariat recorded it."""
    if _secretariat(user):
        return True
    if transfer is None:
        return False
    agreeing = {
        Origin.REQUEST: (Side.PROVIDER,),
        Origin.OFFER: (Side.RECIPIENT,),
        Origin.RECORD: (Side.PROVIDER, Side.RECIPIENT),
    }[transfer.origin]
    return any(_focal_point_of(user, transfer.country_of(side)) for side in agreeing)


def _edit(user, transfer: Transfer | None) -> bool:
    if transfer is None:
        return False
    if transfer.status is TransferStatus.CANCELLED:
        return _secretariat(user)
    return _secretariat_or_party(user, transfer)


PERMISSIONS: dict[str, Callable[..., bool]] = {
    # The transfer itself is public: the dashboard counts it, so its record is open too.
    "read": lambda user, transfer: transfer is not None,
    # Amounts, follow-ups, evidence, who confirmed and the revisions: the Network only.
    "read_full": lambda user, transfer=None: _signed_in(user),
    "propose": _secretariat_or_party,
    # A focal point proposes only with the practice's country as the provider; the secretariat
    # may record another one (see service.propose).
    "record_other_provider": _secretariat,
    "edit": _edit,
    # The two countries decide who agrees (see _agree): once proposed, only the secretariat
    # moves a transfer to other countries (and the service re-derives its origin).
    "change_countries": _secretariat,
    # Once a country has confirmed the exchange, what the counting rule reads (the result and
    # the dates of the steps) is the secretariat's to correct.
    "correct_confirmed": _secretariat,
    "agree": _agree,
    "start": _secretariat_or_party,
    "complete": _secretariat_or_party,
    "adopt": _secretariat_or_recipient,
    "institutionalise": _secretariat_or_recipient,
    "cancel": _secretariat_or_party,
    "confirm": _secretariat_or_party,
    "confirm_on_behalf": _secretariat,
    "follow_up": _secretariat_or_party,
}


def can(user, action: str, transfer: Transfer | None = None) -> bool:
    """True when the user may perform the action on the transfer."""
    return PERMISSIONS[action](user, transfer)


def _training_author(user, training: Training | None) -> bool:
    return (
        _signed_in(user) and training is not None and training.created_by_id == user.id
    ) or _secretariat(user)


TRAINING_PERMISSIONS: dict[str, Callable[..., bool]] = {
    "read": lambda user, training: True,
    # Who took part is the Network's business; counts by country are public on the dashboard.
    "read_participants": lambda user, training: _signed_in(user),
    "create": lambda user, training=None: (
        _secretariat(user) or (_signed_in(user) and user.country_code is not None)
    ),
    "edit": _training_author,
    # A focal point records its own participation; the secretariat anyone's.
    "join": lambda user, training: (
        _secretariat(user) or (_signed_in(user) and user.country_code is not None)
    ),
    "manage_participants": _secretariat,
    # The "I took part" button: a focal point's own participation, not yet recorded.
    "join_self": lambda user, training: (
        _signed_in(user)
        and user.country_code is not None
        and training is not None
        and training.participant(user) is None
    ),
}


def can_training(user, action: str, training: Training | None = None) -> bool:
    return TRAINING_PERMISSIONS[action](user, training)
