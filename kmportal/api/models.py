"""A write sent with an Idempotency-Key, remembered per token: its answer is replayed when
the same request comes again (a retry after a lost connection, a second click)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kmportal.extensions import db
from kmportal.tokens.models import UTCDateTime, now_utc


class IdempotentRequest(db.Model):
    __tablename__ = "api_idempotent_request"
    __table_args__ = (sa.UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(
        sa.ForeignKey("api_token.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(200))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # sha256 of method, path, body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    status: Mapped[int | None] = mapped_column()  # None: the first request is still running
    body: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(500))
