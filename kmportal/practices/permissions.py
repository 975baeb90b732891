"""Who may do what to a practice: one table, read by the service (and so by views and API).

Each action maps to a predicate of (user, practice). States are checked separately by the
workflow table: a permitted action can still be refused for the practice's current state.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _read(user, practice: Practice | None) -> bool:
    return (
        practice is not None and practice.state is PracticeState.PUBLISHED
    ) or _secretariat_or_own_country(user, practice)


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
