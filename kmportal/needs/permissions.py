"""Who may do what to a need: one table, read by the service (and so by views and the API).

The same rules as practices: the country's focal point and the secretariat edit; anyone
reads published (and closed) needs; a focal point also reads its own country's drafts.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from kmportal.needs.enums import NeedStatus
from kmportal.needs.models import Need


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _secretariat(user, need: Need | None = None) -> bool:
    return _signed_in(user) and user.is_secretariat


def _own_country(user, need: Need | None) -> bool:
    return _signed_in(user) and need is not None and user.is_focal_point_of(need.country_code)


def _edit(user, need: Need | None) -> bool:
    return _secretariat(user) or _own_country(user, need)


def _read(user, need: Need | None) -> bool:
    if need is None:
        return False
    return need.status is not NeedStatus.DRAFT or _edit(user, need)


def _create(user, need: Need | None = None) -> bool:
    """With a need (its country chosen): may this user record a need for that country."""
    if _secretariat(user):
        return True
    if not _signed_in(user) or user.country_code is None:
        return False
    return need is None or user.is_focal_point_of(need.country_code)


def _express_interest(user, need: Need | None) -> bool:
    return need is not None and need.status is NeedStatus.PUBLISHED and _edit(user, need)


PERMISSIONS: dict[str, Callable[..., bool]] = {
    "read": _read,
    "history": lambda user, need: _signed_in(user) and _read(user, need),
    "create": _create,
    "edit": _edit,
    "express_interest": _express_interest,
    "matrix": _secretariat,
}


def can(user, action: str, need: Need | None = None) -> bool:
    return PERMISSIONS[action](user, need)


def read_filter(user) -> sa.ColumnElement[bool]:
    """The read rule as a condition on Need rows."""
    if _secretariat(user):
        return sa.true()
    shown = Need.status != NeedStatus.DRAFT
    if _signed_in(user) and user.country_code and user.is_focal_point_of(user.country_code):
        return sa.or_(shown, Need.country_code == user.country_code)
    return shown
