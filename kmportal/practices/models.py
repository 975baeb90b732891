from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.audit.models import utcnow
from kmportal.enums import enum_type
from kmportal.extensions import db
from kmportal.practices.criteria import practice_label
from kmportal.practices.enums import (
    Criterion,
    EditStatus,
    Facet,
    Label,
    PracticeState,
    Theme,
)
from kmportal.reference.models import Activity, Country

practice_activity = sa.Table(
    "practice_activity",
    db.metadata,
    sa.Column("practice_id", sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
)


class Practice(db.Model):
    """A good practice submitted by a country and validated by the Technical Secretariat."""

    __tablename__ = "practice"
    __table_args__ = (
        sa.Index("ix_practice_state_country", "state", "country_code"),
        sa.CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text)
    institution: Mapped[str] = mapped_column(sa.String(300), default="")
    theme: Mapped[Theme] = mapped_column(enum_type(Theme))
    population: Mapped[str] = mapped_column(sa.Text, default="")
    period_start: Mapped[int | None] = mapped_column()
    period_end: Mapped[int | None] = mapped_column()
    results: Mapped[str] = mapped_column(sa.Text, default="")
    replication: Mapped[str] = mapped_column(sa.Text, default="")
    cost_notes: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(300), default="")
    # The language the text is written in: it decides how search analyses it.
    language: Mapped[str] = mapped_column(sa.String(2), default="es")
    sdg_87: Mapped[bool] = mapped_column(default=False)
    state: Mapped[PracticeState] = mapped_column(
        enum_type(PracticeState), default=PracticeState.DRAFT
    )
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    published_at: Mapped[datetime | None] = mapped_column()

    country: Mapped[Country] = relationship(lazy="joined")
    facets: Mapped[list[PracticeFacet]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PracticeFacet.position"
    )
    assessments: Mapped[list[CriterionAssessment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    activities: Mapped[list[Activity]] = relationship(
        secondary=practice_activity, lazy="selectin", order_by=Activity.id
    )
    attachments = relationship(
        "Attachment", back_populates="practice", cascade="all, delete-orphan", lazy="selectin"
    )
    edits: Mapped[list[PendingEdit]] = relationship(
        back_populates="practice", cascade="all, delete-orphan", order_by="PendingEdit.id"
    )

    def facet_values(self, facet: Facet) -> list[str]:
        return [row.value for row in self.facets if row.facet is facet]

    def set_facet_values(self, facet: Facet, values: list[str]) -> None:
        kept = [row for row in self.facets if row.facet is not facet]
        unique = list(dict.fromkeys(value for value in values if value))
        self.facets = kept + [
            PracticeFacet(facet=facet, value=value, position=i) for i, value in enumerate(unique)
        ]

    @property
    def sectors(self) -> list[str]:
        return self.facet_values(Facet.SECTOR)

    @property
    def outcomes(self) -> list[str]:
        return self.facet_values(Facet.OUTCOME)

    @property
    def actors(self) -> list[str]:
        return self.facet_values(Facet.ACTOR)

    @property
    def languages(self) -> list[str]:
        return self.facet_values(Facet.LANGUAGE)

    @property
    def tags(self) -> list[str]:
        return self.facet_values(Facet.TAG)

    def assessment(self, criterion: Criterion) -> CriterionAssessment | None:
        return next((a for a in self.assessments if a.criterion is criterion), None)

    @property
    def scores(self) -> dict[Criterion, int | None]:
        return {a.criterion: a.score for a in self.assessments}

    @property
    def label(self) -> Label | None:
        if self.state not in (PracticeState.PUBLISHED, PracticeState.ARCHIVED):
            return None
        return practice_label(self.scores)

    @property
    def pending_edit(self) -> PendingEdit | None:
        return next((e for e in self.edits if e.status is EditStatus.PENDING), None)

    @property
    def year(self) -> int | None:
        return self.period_start


class PracticeFacet(db.Model):
    """One value of a multi-valued classification (sector, outcome, actor, language, tag)."""

    __tablename__ = "practice_facet"
    __table_args__ = (sa.Index("ix_practice_facet_value", "facet", "value"),)

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[Facet] = mapped_column(enum_type(Facet), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class CriterionAssessment(db.Model):
    """The submitter's argument for one ILO criterion, and the secretariat's score (0–3)."""

    __tablename__ = "criterion_assessment"
    __table_args__ = (
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 3)", name="score_range"),
    )

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    criterion: Mapped[Criterion] = mapped_column(enum_type(Criterion), primary_key=True)
    argument: Mapped[str] = mapped_column(sa.Text, default="")
    score: Mapped[int | None] = mapped_column()


class PendingEdit(db.Model):
    """A change to a published practice, held until the secretariat accepts or rejects it.

    The published text stays visible meanwhile; `data` holds the proposed field values.
    """

    __tablename__ = "pending_edit"
    __table_args__ = (
        # One change per practice waits for review at a time (service.update_practice).
        sa.Index(
            "uq_pending_edit_open",
            "practice_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[EditStatus] = mapped_column(enum_type(EditStatus), default=EditStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(sa.Text)

    practice: Mapped[Practice] = relationship(back_populates="edits")
    author = relationship("User", foreign_keys=[author_id])
