"""The search journal: which practices changed, written in the same transaction as the change.

A row says "this practice's document and vector may be behind the database". It commits or
rolls back with the change itself, so a worker that dies between its commit and its index
write (killed, out of memory, the machine stopped) leaves the row behind, and the next
writer, or the next start, replays it. Rows are deleted once the index has been written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kmportal.extensions import db


class SearchJournalEntry(db.Model):
    __tablename__ = "search_journal"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    # Names the transaction that wrote the row, so its writer clears its own rows only.
    token: Mapped[str] = mapped_column(sa.String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )
