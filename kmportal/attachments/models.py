from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.audit.models import utcnow
from kmportal.extensions import db

# An attachment is a practice's document or a follow-up's evidence: exactly one owner.
ONE_OWNER = (
    "(practice_id IS NOT NULL AND follow_up_id IS NULL)"
    " OR (practice_id IS NULL AND follow_up_id IS NOT NULL)"
)


class Attachment(db.Model):
    """A stored document. `stored_name` is generated; the original name is only displayed."""

    __tablename__ = "attachment"
    __table_args__ = (sa.CheckConstraint(ONE_OWNER, name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    # Evidence of a transfer's follow-up (kmportal.transfers) reuses the same storage.
    follow_up_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    practice = relationship("Practice", back_populates="attachments")
