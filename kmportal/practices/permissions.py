"""Who may do what to a practice: one table, read by the service (and so by views and API).

Each action maps to a predicate of (user, practice). States are checked separately by the
workflow table: a permitted action can still be refused for the practice's current state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _secretariat(user, practice: Practice | None = None) -> bool:
    return _signed_in(user) and user.is_secretariat


def _own_country(user, practice: Practice | None) -> bool:
    return (
        _signed_in(user) and practice is not None and user.is_focal_point_of(practice.country_code)
    )


def _secretariat_or_own_country(user, practice: Practice | None) -> bool:
    return _secretariat(user) or _own_country(user, practice)


@dataclass(frozen=True)
class ReadScope:
    """The practices a user may read besides the published ones: every one (`everything`),
    one country's (`country`, a focal point's own), or none."""

    everything: bool
    country: str | None = None


def read_scope(user) -> ReadScope:
    """The read rule: published practices for everyone; the secretariat reads every practice,
    a focal point its own country's in any state. The catalogue, the country page and the
    search index all apply this one rule (the last two through read_filter and the index)."""
    if _secretariat(user):
        return ReadScope(everything=True)
    if _signed_in(user) and user.is_focal_point_of(user.country_code) and user.country_code:
        return ReadScope(everything=False, country=user.country_code)
    return ReadScope(everything=False)


def read_filter(user) -> sa.ColumnElement[bool]:
    """read_scope() as a condition on Practice rows."""
    scope = read_scope(user)
    if scope.everything:
        return sa.true()
    published = Practice.state == PracticeState.PUBLISHED
    return sa.or_(published, Practice.country_code == scope.country) if scope.country else published


def _read(user, practice: Practice | None) -> bool:
    if practice is None:
        return False
    scope = read_scope(user)
    return (
        practice.state is PracticeState.PUBLISHED
        or scope.everything
        or practice.country_code == scope.country
    )


def _create(user, practice: Practice | None = None) -> bool:
    return _secretariat(user) or (_signed_in(user) and user.country_code is not None)


def _edit(user, practice: Practice | None) -> bool:
    if practice is None or practice.state is PracticeState.ARCHIVED:
        return False
    if _secretariat(user):
        return True
    # A focal point edits drafts and returned practices; edits to a published one are held
    # for review (see service.update_practice). A submitted practice waits for the secretariat.
    return _own_country(user, practice) and practice.state in (
        PracticeState.DRAFT,
        PracticeState.RETURNED,
        PracticeState.PUBLISHED,
    )


def held_for_review(user, practice: Practice) -> bool:
    """A focal point's change to a published practice waits for the secretariat's review
    (service.update_practice holds it; the form says so beforehand)."""
    return practice.state is PracticeState.PUBLISHED and not _secretariat(user)


def _attach(user, practice: Practice | None) -> bool:
    # Files go straight onto the record, so focal points attach only before publication.
    return _secretariat(user) or (
        _own_country(user, practice)
        and practice.state in (PracticeState.DRAFT, PracticeState.RETURNED)
    )


PERMISSIONS: dict[str, Callable[..., bool]] = {
    "read": _read,
    "history": lambda user, practice: _signed_in(user) and _read(user, practice),
    "create": _create,
    "edit": _edit,
    "attach": _attach,
    "submit": _secretariat_or_own_country,
    "publish": _secretariat,
    "return": _secretariat,
    "archive": _secretariat,
    "review_edit": _secretariat,
}


def can(user, action: str, practice: Practice | None = None) -> bool:
    """True when the user may perform the action on the practice (None for create)."""
    return PERMISSIONS[action](user, practice)
