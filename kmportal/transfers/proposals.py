"""Opening a proposal: how a person may start a transfer of a practice (ask for it, offer
it, record it), the form's first values, and the practice a proposal is for. The proposal
itself is `service.propose`."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from kmportal.errors import InvalidTransition, NotFound, ValidationError
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.practices import service as practice_service
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.practices.permissions import can as practice_can
from kmportal.reference import queries as reference
from kmportal.transfers.enums import Modality, Origin
from kmportal.transfers.models import Transfer
from kmportal.transfers.permissions import can


def proposal_origin(user, practice: Practice) -> Origin | None:
    """How this user may start a transfer of the practice: by asking for it for its own
    country (REQUEST, another country's focal point), by offering it (OFFER, the focal point
    of the practice's country), by recording one (RECORD, the secretariat); None when it may
    not (not signed in, no country, or the practice is not published)."""
    if practice is None or practice.state is not PracticeState.PUBLISHED:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_secretariat:
        origin, recipient = Origin.RECORD, None
    elif user.country_code is None:
        return None
    elif user.country_code == practice.country_code:
        origin, recipient = Origin.OFFER, None
    else:
        origin, recipient = Origin.REQUEST, user.country_code
    probe = Transfer(provider_code=practice.country_code, recipient_code=recipient, origin=origin)
    return origin if can(user, "propose", probe) else None


def asking_country(user, practice: Practice | None):
    """The country that asks for the practice when this user opens a proposal of it (its
    own, for a request), for the form's sentence; None otherwise."""
    if practice is None or proposal_origin(user, practice) is not Origin.REQUEST:
        return None
    return reference.get_country(user.country_code)


def proposal_defaults(user, practice: Practice | None, today: date | None = None) -> dict:
    """The proposal form's first values: the practice's country as the provider, the asking
    country as the recipient, today, and the target's result."""
    target = reference.current_target()
    values: dict[str, Any] = {
        "practice_id": practice.id if practice else "",
        "modality": Modality.BILATERAL.value,
        "proposed_on": (today or date.today()).isoformat(),
        "result_id": target.result_id if target else "",
    }
    if practice is not None:
        values["provider_code"] = practice.country_code
        if proposal_origin(user, practice) is Origin.REQUEST:
            values["recipient_code"] = user.country_code
    return values


def practice_for_proposal(user, practice_id: Any) -> Practice:
    """The practice a proposal form is opened for (/transfers/new?practice=ID): one the user
    may read (else "not found" or "forbidden", as on the practice's own page) and published."""
    parsed = optional_id(practice_id)
    if parsed is None:
        raise NotFound(_l("There is no such practice."))
    practice = practice_service.get_practice(user, parsed)
    if practice.state is not PracticeState.PUBLISHED:
        raise InvalidTransition(_l("Only published practices can be transferred."))
    return practice


def practice_to_transfer(user, practice_id: Any) -> Practice:
    """The practice chosen in a proposal form: a published one (any other id, or one the user
    may not read, is "choose a published practice", revealing nothing)."""
    parsed = optional_id(practice_id)
    practice = db.session.get(Practice, parsed) if parsed is not None else None
    if (
        practice is None
        or practice.state is not PracticeState.PUBLISHED
        or not practice_can(user, "read", practice)
    ):
        raise ValidationError({"practice_id": _l("Choose a published practice.")})
    return practice
