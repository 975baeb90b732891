"""Accounts: creating users, signing in, changing passwords. Rules only; no request here."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.auth import passwords, throttle
from kmportal.auth.models import Role, User
from kmportal.concurrency import claim, unique_or
from kmportal.errors import Conflict, DomainError, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.languages import LANGUAGES
from kmportal.reference.models import Country

MIN_PASSWORD_LENGTH = 10
_EMAIL_TAKEN = _l("An account with this e-mail address already exists.")
log = logging.getLogger("kmportal.auth")


class TooManyAttempts(DomainError):
    """The log-in throttle refused the attempt before the password was checked."""

    status_code = 429


def validate_password(password: str) -> None:
    """A password is at least MIN_PASSWORD_LENGTH characters and not only digits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {"password": _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)}
        )
    if password.isdigit():
        raise ValidationError({"password": _l("Use letters as well as digits.")})


def _check_role_fields(role: Role, country_code, language: str, errors: dict):
    """A focal point has a member country, nobody else has one; the language is the portal's.
    Adds messages to `errors`; returns the country code to store (upper-case, or None)."""
    if language not in LANGUAGES:
        errors["language"] = _l("Choose one of the portal's languages.")
    if role is not Role.FOCAL_POINT:
        return None
    if not country_code or db.session.get(Country, country_code.upper()) is None:
        errors["country"] = _l("A focal point needs a member country.")
        return None
    return country_code.upper()


def create_user(
    email: str,
    name: str,
    password: str,
    role: Role,
    country_code: str | None = None,
    language: str = "es",
    actor: User | None = None,
) -> User:
    """Create an account. A focal point belongs to exactly one member country; others to none."""
    email = email.strip().lower()
    errors: dict[str, object] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = _l("Enter a valid e-mail address.")
    elif _email_taken(email):
        errors["email"] = _EMAIL_TAKEN
    if not name.strip():
        errors["name"] = _l("Enter the person's name.")
    country_code = _check_role_fields(role, country_code, language, errors)
    if errors:
        raise ValidationError(errors)
    validate_password(password)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        country_code=country_code,
        language=language,
    )
    user.set_password(password)
    # Two invitations racing past the check above: the unique index on lower(email) refuses
    # the second, which gets the same message.
    with unique_or(ValidationError({"email": _EMAIL_TAKEN})):
        db.session.add(user)
    audit.record(
        actor or user,
        "user.create",
        "user",
        user.id,
        {"email": [None, email], "role": [None, role.value], "country": [None, country_code]},
    )
    db.session.commit()
    return user


def _email_taken(email: str) -> bool:
    taken = db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email))
    return taken is not None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (never says which part was wrong).

    An unknown e-mail or an inactive account costs one hash check too, so the time taken
    does not tell which accounts exist."""
    return _check_credentials(email.strip().lower(), password)[0]


def _check_credentials(email: str, password: str) -> tuple[User | None, User | None]:
    """(the user if the password is right, the account the e-mail names if any)."""
    account = db.session.scalar(sa.select(User).where(User.email == email))
    if account is None or not account.active:
        passwords.verify_nothing(password)
        return None, account
    return (account if account.check_password(password) else None), account


def sign_in(email: str, password: str, address: str | None) -> User | None:
    """Check a log-in within the throttle's limits (per account and per address), and audit
    and log it, successful or not, with the address and never the password. Raises
    TooManyAttempts, before checking the password, when a limit is reached."""
    email = email.strip().lower()
    if not throttle.reserve(email, address):
        log.warning("sign-in refused by the throttle: %s from %s", email, address)
        _audit_login(None, "user.login_throttled", email, address)
        raise TooManyAttempts(
            _l(
                "Too many failed sign-ins for this account or from this address: wait a few "
                "minutes and try again."
            )
        )
    user, account = _check_credentials(email, password)
    if user is None:
        log.warning("failed sign-in: %s from %s", email, address)
        _audit_login(account, "user.login_failed", email, address)
        return None
    throttle.release(email, address)
    log.info("signed in: %s from %s", email, address)
    _audit_login(user, "user.login", email, address, actor=user)
    return user


def sign_out(user, address: str | None) -> None:
    """End every session of the account (each cookie holding the old token), audited."""
    if not getattr(user, "is_authenticated", False):
        return
    user.rotate_session_token()
    log.info("signed out: %s from %s", user.email, address)
    _audit_login(user, "user.logout", user.email, address, actor=user)


def _audit_login(user, action: str, email: str, address: str | None, actor=None) -> None:
    changes = {"email": [None, email], "address": [None, address]}
    audit.record(actor, action, "user", user.id if user else 0, changes)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Only the account's owner, knowing the current password, changes it."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": _l("The current password is not correct.")})
    try:
        validate_password(new_password)
    except ValidationError as error:
        raise ValidationError({"new_password": error.errors["password"]}) from None
    _replace_password(user, new_password)
    user.rotate_session_token()  # every other session of the account ends
    audit.record(user, "user.password", "user", user.id, {"password": ["…", "…"]})
    db.session.commit()


def may_manage_accounts(user) -> bool:
    """The secretariat (and administrators) manage accounts."""
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def require_secretariat(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_secretariat:
        raise PermissionDenied(_l("Only the Technical Secretariat can do this."))


def list_users(actor) -> list[User]:
    """Every account, for the secretariat, by role then name."""
    require_secretariat(actor)
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.name)))


def get_user(actor, user_id: int) -> User:
    require_secretariat(actor)
    user = db.session.get(User, user_id)
    if user is None:
        from kmportal.errors import NotFound

        raise NotFound(_l("There is no such account."))
    return user


def provisional_password() -> str:
    """A random password the secretariat hands over once; the person then changes it."""
    return secrets.token_urlsafe(12)


def parse_role(raw) -> Role:
    """The role named by a form or API value, or a ValidationError next to the role field."""
    try:
        return raw if isinstance(raw, Role) else Role(raw)
    except ValueError:
        raise ValidationError({"role": _l("Choose a role from the list.")}) from None


def _require_may_manage(actor, user: User | None, role: Role | None = None) -> None:
    """Only an administrator manages administrators' accounts (or creates new ones)."""
    require_secretariat(actor)
    touches_admin = role is Role.ADMIN or (user is not None and user.role is Role.ADMIN)
    if touches_admin and actor.role is not Role.ADMIN:
        raise PermissionDenied(_l("Only an administrator can change administrators."))


def invite_user(actor, email, name, role, country_code, language) -> tuple[User, str]:
    """The secretariat opens an account with a provisional password, shown to it once."""
    role = parse_role(role)
    _require_may_manage(actor, None, role)
    password = provisional_password()
    return create_user(email, name, password, role, country_code, language, actor=actor), password


def update_user(actor, user: User, role, country_code, language: str, active: bool) -> None:
    """The secretariat changes an account's role, country, language or whether it is active.

    Nobody deactivates or demotes their own account (the portal must keep a secretariat), and
    only an administrator changes an administrator's account.
    """
    role = parse_role(role)
    _require_may_manage(actor, user, role)
    errors: dict[str, object] = {}
    if user.id == actor.id and (not active or role is not actor.role):
        errors["role"] = _l("You cannot demote or deactivate your own account.")
    country_code = _check_role_fields(role, country_code, language, errors)
    if errors:
        raise ValidationError(errors)
    before = {
        "role": user.role.value,
        "country": user.country_code,
        "language": user.language,
        "active": user.active,
    }
    if user.active and not active:
        user.rotate_session_token()  # a deactivated account is signed out everywhere
    # Written only if nobody changed the account since this request read it (two secretariat
    # members deactivating it at once record it once; the other one is told).
    claim(
        user,
        {
            "role": user.role,
            "country_code": user.country_code,
            "language": user.language,
            "active": user.active,
        },
        {"role": role, "country_code": country_code, "language": language, "active": active},
        _account_changed(),
    )
    after = {
        "role": role.value,
        "country": user.country_code,
        "language": language,
        "active": active,
    }
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor, "user.update", "user", user.id, changes)
    db.session.commit()


def reset_password(actor, user: User) -> str:
    """The secretariat replaces a forgotten password with a new provisional one (an
    administrator's only by another administrator)."""
    _require_may_manage(actor, user)
    password = provisional_password()
    _replace_password(user, password)
    user.rotate_session_token()
    audit.record(actor, "user.reset_password", "user", user.id, {"password": ["…", "…"]})
    db.session.commit()
    return password


def _replace_password(user: User, password: str) -> None:
    """Store a new password hash only over the one this request read: of two resets at once,
    one provisional password is kept and shown; the other request is told, not misled."""
    claim(
        user,
        {"password_hash": user.password_hash},
        {"password_hash": passwords.hash_password(password)},
        _account_changed(),
    )


def _account_changed() -> Conflict:
    return Conflict(
        _l("Someone has just changed this account: open it again to see it as it is now.")
    )


def set_language(user: User, language: str) -> None:
    """The person's own choice of language (the language switcher): stored as their
    preference, for the next sign-in and for their e-mails. An unknown language changes
    nothing."""
    if language not in LANGUAGES or user.language == language:
        return
    user.language = language
    db.session.commit()
