"""A person's named bearer token for the JSON API: only its sha256 is stored, with its scope,
its expiry, its last use and the counter of its current rate-limit window."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.enums import LabelledEnum, enum_type
from kmportal.extensions import db


class Scope(LabelledEnum):
    READ = "read", _l("Read only")
    WRITE = "write", _l("Read and write")


class TokenState(LabelledEnum):
    ACTIVE = "active", _l("Valid")
    EXPIRED = "expired", _l("Expired")
    REVOKED = "revoked", _l("Revoked")


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """The moment as an aware UTC datetime (a naive one is taken to be UTC already)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A TIMESTAMP WITH TIME ZONE that reads back aware in UTC on every database: SQLite keeps
    no zone (it gets UTC written and gives a naive value back, made aware here) and PostgreSQL
    answers in the session's zone (converted here)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        value = as_utc(value)
        if value is not None and dialect.name == "sqlite":
            # Stored as text: the same zone-less format in every row, so that comparisons in
            # SQL (the rate window's start) compare like with like.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    scope: Mapped[Scope] = mapped_column(enum_type(Scope))
    # sha256 (hex) of the raw token, which is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The raw token's first characters, so that its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The rate limit's fixed window: when it started and how many requests it has counted.
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_count: Mapped[int] = mapped_column(default=0, server_default="0")

    user = relationship("User", lazy="joined")

    def state_at(self, now: datetime | None = None) -> TokenState:
        """Revoked wins over expired: a revoked token is shown as revoked whatever its date."""
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if as_utc(self.expires_at) <= as_utc(now or now_utc()):
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    @property
    def state(self) -> TokenState:
        return self.state_at()

    @property
    def is_active(self) -> bool:
        return self.state_at() is TokenState.ACTIVE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… {self.scope.value}>"
