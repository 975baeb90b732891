"""Notifications (one row per person and cause) and each person's choice of mail per kind."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.audit.models import AuditEvent, utcnow
from kmportal.extensions import db

# Mail states: waiting to be sent (immediately or in a digest), being sent by one run of
# `flask notify send`, sent, given up after MAIL_MAX_ATTEMPTS, not to be mailed (preference).
PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
MAIL_STATES = (PENDING, SENDING, SENT, FAILED, SKIPPED)

# A person's choice per kind.
IMMEDIATE, WEEKLY, NONE = "immediate", "weekly", "none"
MODES = (IMMEDIATE, WEEKLY, NONE)


def _default_dedupe_key(context) -> str:
    # A notification caused by an audit event is unique per (event, person, kind): the same
    # cause never makes two rows. Others (a follow-up coming due) bring their own key.
    values = context.get_current_parameters()
    return f"event:{values['event_id']}:{values['recipient_id']}:{values['kind']}"


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_recipient", "recipient_id", "read_at", "created_at"),
        sa.Index("ix_notification_mail", "mail_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    # What the notification is about (a practice, a transfer, a need), its page, and the
    # values its sentence needs (a title, countries, a date), kept as they were.
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int] = mapped_column()
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("audit_event.id", ondelete="SET NULL")
    )
    dedupe_key: Mapped[str] = mapped_column(
        sa.String(200), unique=True, default=_default_dedupe_key
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    mail_state: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    mail_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    mailed_at: Mapped[datetime | None] = mapped_column()
    mail_error: Mapped[str] = mapped_column(sa.String(300), default="")
    # The run of `flask notify send` that took the row (mail.py), and when.
    claim_token: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column()

    event: Mapped[AuditEvent | None] = relationship()
    recipient = relationship("User", lazy="joined")


class NotificationPreference(db.Model):
    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(10), default=IMMEDIATE)
