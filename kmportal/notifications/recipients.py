"""Who hears of an event, and what the sentence needs: one resolver per rule's `recipients`.

Each resolver gets the audit event and returns (the record's params, link, people). The
actor is removed afterwards (service.py): nobody is told of what they did themself.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, url_for

from kmportal.auth.models import Role, User
from kmportal.extensions import db


def focal_points(country_codes) -> list[User]:
    codes = [code for code in country_codes if code]
    if not codes:
        return []
    query = sa.select(User).where(
        User.role == Role.FOCAL_POINT, User.country_code.in_(codes), User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.id)))


def secretariat_members() -> list[User]:
    query = sa.select(User).where(
        User.role.in_([Role.SECRETARIAT, Role.ADMIN]), User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.id)))


def path_for(endpoint: str, **values) -> str:
    """A page's path, inside a request or not (the CLI)."""
    try:
        if has_request_context():
            return url_for(endpoint, **values)
        from flask import current_app

        with current_app.test_request_context("/"):
            return url_for(endpoint, **values)
    except Exception:  # noqa: BLE001 - an endpoint another part has not built yet
        return ""


def transfer_params(transfer) -> dict:
    return {
        "title": transfer.practice.title,
        "provider": transfer.provider_code,
        "recipient": transfer.recipient_code,
        "demo": bool(transfer.is_demo),
    }


def _transfer_other_country(event, actor):
    from kmportal.transfers.models import Transfer

    transfer = db.session.get(Transfer, event.entity_id)
    if transfer is None:
        return None
    countries = {transfer.provider_code, transfer.recipient_code}
    own = getattr(actor, "country_code", None)
    if getattr(actor, "role", None) is Role.FOCAL_POINT and own in countries:
        countries.discard(own)
    link = path_for("transfers.detail", transfer_id=transfer.id)
    return transfer_params(transfer), link, focal_points(sorted(countries))


def _practice(event):
    from kmportal.practices.models import Practice

    practice = db.session.get(Practice, event.entity_id)
    if practice is None:
        return None, None
    return practice, path_for("practices.detail", practice_id=practice.id)


def _practice_country(event, actor):
    practice, link = _practice(event)
    if practice is None:
        return None
    params = {"title": practice.title, "demo": bool(practice.is_demo)}
    return params, link, focal_points([practice.country_code])


def _secretariat(event, actor):
    practice, link = _practice(event)
    if practice is None:
        return None
    params = {"title": practice.title, "demo": bool(practice.is_demo)}
    return params, link, secretariat_members()


def _need_country(event, actor):
    """A need (built by another part of the portal): its mapped class is looked up by table
    name, so that this module does not depend on it; its country is `country_code`."""
    need_class = next(
        (m.class_ for m in db.Model.registry.mappers if m.local_table.name == "need"), None
    )
    need = db.session.get(need_class, event.entity_id) if need_class is not None else None
    changes = event.changes or {}
    country = getattr(need, "country_code", None) or _new_value(changes.get("country_code"))
    title = getattr(need, "title", None) or _new_value(changes.get("title")) or ""
    link = path_for("needs.detail", need_id=event.entity_id)
    return {"title": title}, link, focal_points([country])


def _new_value(change):
    return change[1] if isinstance(change, list) and len(change) == 2 else change


RESOLVERS = {
    "transfer_other_country": _transfer_other_country,
    "practice_country": _practice_country,
    "secretariat": _secretariat,
    "need_country": _need_country,
}
