"""The log-in throttle: failed sign-ins counted per (account, address) pair, per account and per
address, in the database.

Why the database and not Flask-Limiter's storage: the counters must be shared by every
gunicorn worker, and Flask-Limiter's only shared storages are extra services (Redis,
Memcached, MongoDB) the Secretariat would have to run and watch; its default, memory://, is
per process, which is how 37 of 60 wrong passwords got through 4 workers. A small table works
on SQLite and PostgreSQL with what the portal already has, and a failed sign-in is rare
enough that one short write per attempt costs nothing.

Each attempt is counted before the password is checked, by an atomic `count = count + 1`
in its own transaction (the row is locked until it commits or rolls back), so concurrent
attempts in different workers each see a different count and no more than the limit are
ever tried; a refused attempt rolls its counts back. A
successful sign-in gives its count back, so the limits count failures. The limits are
fixed windows ("5 per minute; 20 per hour", parsed by the `limits` library).

Three counters, as mature products have them (OWASP's authentication guidance, django-axes'
"username and address" lock-out): the pair (account, address) has the tight limit, so that
one person mistyping, or one guesser, is stopped at once without touching anyone else; the
account has a wider one, against guessing one account from many addresses; the address a
much wider one, against one address trying many accounts, yet high enough that an office
(a ministry behind one connection, a workshop room) is not locked out by one person. A
successful sign-in also clears its pair's failures: whoever knows the password at this
address starts afresh there.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from limits import parse_many
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from kmportal.extensions import db


class LoginThrottle(db.Model):
    """One counter: the attempts of one pair, account or address in one window."""

    __tablename__ = "login_throttle"
    __table_args__ = (
        sa.UniqueConstraint("key", "window_seconds", "window_start", name="uq_login_throttle_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of "pair:<e-mail> <address>", "account:<e-mail>" or "address:<address>"
    key: Mapped[str] = mapped_column(sa.String(64))
    window_seconds: Mapped[int] = mapped_column()
    window_start: Mapped[int] = mapped_column(sa.BigInteger)
    expires_at: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    count: Mapped[int] = mapped_column()


@dataclass(frozen=True)
class Window:
    amount: int
    seconds: int


def parse_limits(text: str) -> list[Window]:
    """ "5 per minute; 20 per hour" as windows."""
    return [Window(item.amount, item.get_expiry()) for item in parse_many(text)] if text else []


def _counters(email: str, address: str | None) -> list[tuple[str, str, list[Window]]]:
    """(kind, key, windows) of every counter an attempt counts against."""
    config = current_app.config
    counters = [
        ("account", _key("account", email), parse_limits(config["LOGIN_LIMIT_PER_ACCOUNT"]))
    ]
    if address:
        pair = parse_limits(config.get("LOGIN_LIMIT_PER_PAIR") or "")
        counters.append(("pair", _key("pair", f"{email} {address}"), pair))
        counters.append(
            ("address", _key("address", address), parse_limits(config["LOGIN_LIMIT_PER_ADDRESS"]))
        )
    return counters


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def reserve(email: str, address: str | None) -> bool:
    """Count one attempt for the pair, the account and the address; False when any of them
    is over its limit (the attempt must then not be tried).

    A refused attempt is rolled back and leaves no count: a guesser stopped by the pair limit
    cannot go on to use up the account's wider limit (and lock its owner out everywhere)."""
    if not enabled():
        return True
    now = int(time.time())
    allowed = True
    with db.engine.connect() as connection:
        transaction = connection.begin()
        for _kind, key, windows in _counters(email, address):
            for window in windows:
                count = _increment(connection, key, window, now)
                allowed = allowed and count <= window.amount
        if allowed:
            transaction.commit()
        else:
            transaction.rollback()
    return allowed


def release(email: str, address: str | None) -> None:
    """Give back the count of an attempt that succeeded to the account and the address, and
    clear the failures of its pair."""
    if not enabled():
        return
    now = int(time.time())
    table = LoginThrottle.__table__
    with db.engine.begin() as connection:
        for kind, key, windows in _counters(email, address):
            for window in windows:
                count = 0 if kind == "pair" else table.c.count - 1
                connection.execute(
                    table.update()
                    .where(_this_window(key, window, now), table.c.count > 0)
                    .values(count=count)
                )


def _this_window(key: str, window: Window, now: int):
    table = LoginThrottle.__table__
    return sa.and_(
        table.c.key == key,
        table.c.window_seconds == window.seconds,
        table.c.window_start == now - now % window.seconds,
    )


def _increment(connection, key: str, window: Window, now: int) -> int:
    table = LoginThrottle.__table__
    where = _this_window(key, window, now)
    bump = table.update().where(where).values(count=table.c.count + 1)
    if connection.execute(bump).rowcount == 0:
        start = now - now % window.seconds
        connection.execute(table.delete().where(table.c.expires_at < now))
        try:
            with connection.begin_nested():
                connection.execute(
                    table.insert().values(
                        key=key,
                        window_seconds=window.seconds,
                        window_start=start,
                        expires_at=start + window.seconds,
                        count=1,
                    )
                )
            return 1
        except IntegrityError:  # another worker created this window's row first
            connection.execute(bump)
    return connection.execute(sa.select(table.c.count).where(where)).scalar_one()
