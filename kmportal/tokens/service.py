"""API token actions: a person creates, lists and revokes their own tokens; the JSON API
authenticates a request by its bearer token and spends one request of the token's rate
window. Views, the CLI and the API call these.

The raw token ("kmp_" and 43 random URL-safe characters) is returned once by create_token
and never stored: the table keeps its sha256, which is also how authenticate finds it.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.concurrency import claim
from kmportal.errors import Conflict, DomainError, NotFound, ValidationError
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.tokens.models import ApiToken, Scope, UTCDateTime, as_utc, now_utc
from kmportal.transfers.data import parse_date
from kmportal.validation import clean_texts

ENTITY = "api_token"
TOKEN_PREFIX = "kmp_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6  # what the token list shows: "kmp_ab12cd"
DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_LENGTH = 80
WINDOW = timedelta(seconds=60)
# Longer than any token create_token makes: refused before it is hashed and looked up.
MAX_RAW_LENGTH = 200


class TokenRefused(DomainError):
    """The bearer token does not authenticate: `reason` says why (unknown, expired, revoked,
    inactive_account), the message says it to the person."""

    status_code = 401
    MESSAGES = {
        "unknown": _l("This API token is not valid."),
        "expired": _l("This API token has expired: create a new one on your account page."),
        "revoked": _l("This API token has been revoked."),
        "inactive_account": _l("The account this API token belongs to is disabled."),
    }

    def __init__(self, reason: str):
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class RateWindow:
    """One request spent (or refused) against a token's limit per minute."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: datetime

    def seconds_to_reset(self, now: datetime | None = None) -> int:
        """Whole seconds until the window ends (a Retry-After header's value)."""
        left = (self.reset_at - (as_utc(now) or now_utc())).total_seconds()
        return max(0, math.ceil(left))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def today_utc() -> date:
    return now_utc().date()


def create_token(
    user, name: Any, scope: Any, expires_on: Any = None, today: date | None = None
) -> tuple[ApiToken, str]:
    """A new token of the user's, named, read or write, expiring on `expires_on` (90 days from
    today unless given; after today and at most a year away). It stops working at the start
    of that day (UTC). Returns the token and its raw value, which is shown once and never
    stored. Refused with a ValidationError by field, with nothing written."""
    today = today or today_utc()
    errors: dict[str, Any] = {}
    texts = clean_texts(
        {"name": name if isinstance(name, str) else ""}, {"name": NAME_LENGTH}, errors
    )
    if not texts["name"] and "name" not in errors:
        errors["name"] = _l("This field is required.")
    chosen = parse_scope(scope, errors)
    expiry = _expiry(expires_on, today, errors)
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=texts["name"],
        scope=chosen,
        token_hash=hash_token(raw),
        prefix=raw[:PREFIX_LENGTH],
        created_at=now_utc(),
        expires_at=datetime.combine(expiry, time.min, tzinfo=UTC),
        window_count=0,
    )
    db.session.add(token)
    db.session.flush()
    # What the token is, never what it is made of: no raw value, hash or prefix here.
    audit.record(
        user,
        "token.create",
        ENTITY,
        token.id,
        {"name": [None, token.name], "scope": [None, chosen.value], "expires_on": [None, expiry]},
    )
    db.session.commit()
    return token, raw


def parse_scope(raw: Any, errors: dict) -> Scope | None:
    if isinstance(raw, Scope):
        return raw
    try:
        return Scope(str(raw or "").strip())
    except ValueError:
        errors["scope"] = _l("Choose from the list.")
        return None


def _expiry(raw: Any, today: date, errors: dict) -> date | None:
    if isinstance(raw, datetime):
        raw = raw.date()
    expiry = parse_date(raw, "expires_on", errors)
    if "expires_on" in errors:
        return None
    if expiry is None:
        return today + timedelta(days=DEFAULT_DAYS)
    if expiry <= today:
        errors["expires_on"] = _l("Choose a day after today.")
    elif expiry > today + timedelta(days=MAX_DAYS):
        errors["expires_on"] = _l("A token lasts at most %(n)d days.", n=MAX_DAYS)
    return expiry


def list_tokens(user) -> list[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too)."""
    query = (
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def get_own_token(user, token_id: Any) -> ApiToken:
    """One of the user's tokens; anyone else's is not found (not forbidden: its existence is
    nobody else's business)."""
    parsed = optional_id(token_id)
    token = db.session.get(ApiToken, parsed) if parsed is not None else None
    if token is None or token.user_id != getattr(user, "id", None):
        raise NotFound(_l("There is no such token."))
    return token


def revoke_token(user, token_id: Any, now: datetime | None = None) -> ApiToken:
    """The user revokes one of their tokens; it stops working at once. Revoking it again (a
    second click, a race between two requests) is refused with a Conflict and changes nothing."""
    token = get_own_token(user, token_id)
    moment = as_utc(now) or now_utc()
    claim(
        token,
        {"revoked_at": None},
        {"revoked_at": moment},
        Conflict(_l("This token is already revoked.")),
    )
    audit.record(user, "token.revoke", ENTITY, token.id, {"revoked_at": [None, moment]})
    db.session.commit()
    return token


def authenticate(raw: Any, now: datetime | None = None) -> ApiToken:
    """The token a bearer value names, if it may be used now: not revoked, not expired, its
    account active. Otherwise TokenRefused (401) with the reason."""
    if not isinstance(raw, str) or not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_RAW_LENGTH:
        raise TokenRefused("unknown")
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None:
        raise TokenRefused("unknown")
    if token.revoked_at is not None:
        raise TokenRefused("revoked")
    if token.expires_at <= (as_utc(now) or now_utc()):
        raise TokenRefused("expired")
    if not token.user.is_active:
        raise TokenRefused("inactive_account")
    return token


def spend(token: ApiToken, limit_per_minute: int, now: datetime | None = None) -> RateWindow:
    """Count one request against the token's fixed window of 60 seconds, and its last use.

    One conditional UPDATE decides, so that any number of workers and processes counting at
    once never let more than `limit_per_minute` through: a window older than 60 seconds (or
    none yet) starts afresh with this request; a current one counts it only while under the
    limit; a full one is left as it is and the request refused. The count is committed at once,
    in its own transaction (so it stands even if the request then fails)."""
    if limit_per_minute < 1:
        raise ValueError("limit_per_minute must be at least 1")
    moment = as_utc(now) or now_utc()
    table = ApiToken.__table__
    fresh = sa.or_(table.c.window_start.is_(None), table.c.window_start <= moment - WINDOW)
    # Both databases evaluate every SET expression on the row as it was before the UPDATE.
    statement = (
        table.update()
        .where(table.c.id == token.id, sa.or_(fresh, table.c.window_count < limit_per_minute))
        .values(
            window_start=sa.case(
                (fresh, sa.literal(moment, UTCDateTime())), else_=table.c.window_start
            ),
            window_count=sa.case((fresh, 1), else_=table.c.window_count + 1),
            last_used_at=moment,
        )
    )
    # In a transaction of its own: the count stands whatever the request does next, nothing
    # the request's session holds is committed with it, and it is no change of the data the
    # pages show (kmportal/pagecache counts the session's writes, not this one).
    with db.engine.begin() as connection:
        allowed = connection.execute(statement).rowcount == 1
        row = connection.execute(
            sa.select(table.c.window_start, table.c.window_count).where(table.c.id == token.id)
        ).first()
    if row is None:  # deleted meanwhile, with its account
        raise TokenRefused("unknown")
    start, count = as_utc(row.window_start), row.window_count
    return RateWindow(
        allowed=allowed,
        limit=limit_per_minute,
        remaining=max(0, limit_per_minute - count) if allowed else 0,
        reset_at=(start or moment) + WINDOW,
    )


def may_write(token: ApiToken) -> bool:
    """Whether the token's scope lets its holder change data (what the person may change is
    still up to the services' own permission checks)."""
    return token.scope is Scope.WRITE
