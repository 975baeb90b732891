"""Password self-service: a signed, expiring, single-use link by mail.

The link carries the account id and a fingerprint of its password hash and session token,
signed with the secret key (itsdangerous) and dated: it expires after PASSWORD_RESET_MAX_AGE
seconds, and dies once used (the new password changes the hash) or when the person signs out
everywhere. No token is stored: the mail row is a notification of kind `password_reset`,
and the link is made when the mail is written, so the expiry counts from the sending.
"""

from __future__ import annotations

import hashlib
import logging
import re

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer

from kmportal.audit import service as audit
from kmportal.audit.models import utcnow
from kmportal.auth.models import User
from kmportal.auth.service import _replace_password, validate_password
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.notifications.models import Notification

SALT = "kmportal-password-reset"
log = logging.getLogger("kmportal.auth")
# A plain address: no markup, spaces or quotes (anything else gets the same clear refusal).
_ADDRESS = re.compile(r"^[^\s<>\"'@]+@[^\s<>\"'@]+\.[^\s<>\"'@]+$")
INVALID_LINK = _l("This link is not valid or has expired: ask for a new one.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    material = f"{user.password_hash}|{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def request_reset(email: str) -> Notification | None:
    """Queue a reset mail for the active account with this address, if there is one. The
    caller answers the same either way; an address that is not one is refused."""
    email = (email or "").strip().lower()
    if len(email) > 254 or not _ADDRESS.match(email):
        raise ValidationError({"email": _l("Enter a valid e-mail address.")})
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.active:
        # No hash check here: the other branch costs one small write, not a hash, and
        # mails after the response (sending.py), so both answer in about the same time.
        log.info("password reset asked for an unknown or inactive address")
        return None
    # One mail per account and minute: a double click or a script asks once.
    key = f"password_reset:{user.id}:{utcnow().strftime('%Y%m%d%H%M')}"
    if db.session.scalar(sa.select(Notification.id).where(Notification.dedupe_key == key)):
        return None
    notification = Notification(
        recipient_id=user.id,
        kind="password_reset",
        entity_type="user",
        entity_id=user.id,
        dedupe_key=key,
        params={},
    )
    db.session.add(notification)
    audit.record(None, "user.password_reset_requested", "user", user.id, {})
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return None
    log.info("password reset mail queued for %s", email)
    return notification


def user_for(token: str) -> User:
    """The account a valid, unexpired, unused link names; ValidationError otherwise."""
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"])
    try:
        data = _serializer().loads(str(token or ""), max_age=max_age)
        user = db.session.get(User, int(data["u"]))
    except (BadData, KeyError, TypeError, ValueError, OverflowError):
        user = None
        data = {}
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise ValidationError({"": INVALID_LINK})
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password (the usual rules) from a link: every session of the account ends,
    and the link cannot be used again."""
    user = user_for(token)
    try:
        validate_password(new_password or "")
    except ValidationError as error:
        raise ValidationError({"new_password": error.errors["password"]}) from None
    _replace_password(user, new_password)
    user.rotate_session_token()
    audit.record(user, "user.password_reset", "user", user.id, {"password": ["…", "…"]})
    db.session.commit()
    log.info("password reset by link: %s", user.email)
    return user


def render(notification: Notification) -> tuple[str, str]:
    """The reset mail (in the current locale, set by the sender to the person's language)."""
    from kmportal.notifications.mail import absolute
    from kmportal.notifications.recipients import path_for

    user = notification.recipient
    link = absolute(path_for("password.reset_password", token=make_token(user)))
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    body = render_template(
        "notifications/mail/reset.txt", name=user.name, url=link, minutes=minutes
    )
    return _("kmportal: reset your password"), body
