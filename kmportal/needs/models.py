"""A country's need: a problem in its own words, which practices of other countries may meet."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.audit.models import utcnow
from kmportal.enums import enum_type
from kmportal.extensions import db
from kmportal.needs.enums import NeedStatus, Urgency
from kmportal.practices.enums import Theme
from kmportal.reference.models import Country
from kmportal.transfers.enums import FundingMode


class Need(db.Model):
    __tablename__ = "need"
    __table_args__ = (sa.Index("ix_need_status_country", "status", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    title: Mapped[str] = mapped_column(sa.String(300))
    # The problem in the country's own words, in its language.
    description: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2), default="es")
    theme: Mapped[Theme] = mapped_column(enum_type(Theme))
    population: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str | None] = mapped_column(sa.String(40))
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency), default=Urgency.MEDIUM)
    funding_mode: Mapped[FundingMode | None] = mapped_column(enum_type(FundingMode))
    status: Mapped[NeedStatus] = mapped_column(enum_type(NeedStatus), default=NeedStatus.DRAFT)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    country: Mapped[Country] = relationship(lazy="joined")
    sector_rows: Mapped[list[NeedSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NeedSector.sector"
    )

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self.sector_rows]

    def set_sectors(self, values: list[str]) -> None:
        wanted = list(dict.fromkeys(v for v in values if v))
        kept = [row for row in self.sector_rows if row.sector in wanted]
        have = {row.sector for row in kept}
        self.sector_rows = kept + [NeedSector(sector=v) for v in wanted if v not in have]

    @property
    def text(self) -> str:
        """What the need is about, for matching: its title and its words."""
        return f"{self.title}\n{self.description}"


class NeedSector(db.Model):
    __tablename__ = "need_sector"
    __table_args__ = (sa.Index("ix_need_sector_value", "sector"),)

    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
