"""Notifications: written with their cause (audit.recorded), listed, read, and each person's
preferences. Mail is sent apart from the request (mail.py, `flask notify send`)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from kmportal.audit.models import utcnow
from kmportal.errors import NotFound, ValidationError
from kmportal.extensions import db
from kmportal.notifications.kinds import KINDS, RULES, listed_kinds, message_for
from kmportal.notifications.models import (
    IMMEDIATE,
    MODES,
    PENDING,
    SKIPPED,
    Notification,
    NotificationPreference,
)
from kmportal.notifications.recipients import RESOLVERS

COUNTRY_PARAMS = ("provider", "recipient", "country")
PAGE_SIZE = 50


def on_recorded(event, actor=None) -> None:
    """audit.recorded's receiver: the notifications an event causes join its transaction."""
    rule = RULES.get(event.action)
    if rule is None:
        return
    resolved = RESOLVERS[rule.recipients](event, actor)
    if resolved is None:
        return
    params, link, people = resolved
    # Demo records (flask demo load) are listed in the portal but never mailed.
    mail_state = SKIPPED if params.pop("demo", False) else PENDING
    actor_id = getattr(actor, "id", None)
    for person in people:
        if person.id == actor_id:
            continue  # nobody is told of what they did themself
        db.session.add(
            Notification(
                recipient_id=person.id,
                kind=rule.kind,
                entity_type=event.entity_type,
                entity_id=event.entity_id,
                link=link or "",
                params={"action": event.action, **params},
                event=event,
                mail_state=mail_state,
            )
        )


def text(notification: Notification) -> str:
    """The notification's sentence in the current locale."""
    params = dict(notification.params or {})
    locale = str(get_locale() or "es")
    for key in COUNTRY_PARAMS:
        if params.get(key):
            params[key] = _country_name(params[key], locale)
    if params.get("due_on"):
        params["due_on"] = format_date(date.fromisoformat(params["due_on"]), "long")
    try:
        return str(message_for(notification)) % params
    except (KeyError, TypeError, ValueError):
        return str(KINDS[notification.kind].label)


def _country_name(code: str, locale: str) -> str:
    from kmportal.reference.models import Country

    country = db.session.get(Country, code)
    return country.name(locale[:2]) if country is not None else code


def _listed():
    return Notification.kind.in_(listed_kinds())


def for_user(user, limit: int = PAGE_SIZE) -> list[Notification]:
    """A person's notifications, newest first."""
    query = (
        sa.select(Notification)
        .where(Notification.recipient_id == user.id, _listed())
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    query = sa.select(sa.func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None), _listed()
    )
    return db.session.scalar(query) or 0


def mark_read(user, notification_id) -> Notification:
    """Mark one of the person's notifications as read (again: nothing changes)."""
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user) -> int:
    statement = (
        sa.update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    changed = db.session.execute(statement).rowcount
    db.session.commit()
    return changed


def _own(user, notification_id) -> Notification:
    try:
        notification = db.session.get(Notification, int(notification_id))
    except (TypeError, ValueError, OverflowError):
        notification = None
    if notification is None or notification.recipient_id != user.id:
        raise NotFound(_l("There is no such notification."))
    return notification


def preferences(user) -> dict[str, str]:
    """kind -> mode for every kind a person may choose for (immediate unless chosen)."""
    chosen = {
        p.kind: p.mode
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    return {kind: chosen.get(kind, IMMEDIATE) for kind in listed_kinds()}


def mode_for(user_id: int, kind: str) -> str:
    if not KINDS[kind].listed:
        return IMMEDIATE
    preference = db.session.get(NotificationPreference, (user_id, kind))
    return preference.mode if preference is not None else IMMEDIATE


def set_preferences(user, values: dict[str, str]) -> None:
    """Store a person's choices; an unknown kind or mode refuses the whole form."""
    kinds = listed_kinds()
    errors = {}
    for kind, mode in values.items():
        if kind not in kinds:
            errors[kind] = _l("There is no such kind of notification.")
        elif mode not in MODES:
            errors[kind] = _l("Choose immediately, weekly digest or none.")
    if errors:
        raise ValidationError(errors)
    for kind, mode in values.items():
        preference = db.session.get(NotificationPreference, (user.id, kind))
        if preference is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
        else:
            preference.mode = mode
    db.session.commit()
