"""Which practice an imported row became: a second import of the same row updates it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kmportal.extensions import db


class PracticeExternalId(db.Model):
    """A practice's id in another catalogue (`source`): unique per source, so an import that
    names the same external id again updates that practice instead of adding a copy."""

    __tablename__ = "practice_external_id"

    source: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
