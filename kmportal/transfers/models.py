"""Transfers of good practices between countries, their funding, confirmations and
follow-ups, and the trainings of the focal points (Objective 3, results 1 and 2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.attachments.models import Attachment
from kmportal.audit.models import utcnow
from kmportal.enums import enum_type
from kmportal.extensions import db
from kmportal.reference.models import Country, Result
from kmportal.transfers.enums import (
    EXCHANGED_STATUSES,
    OPEN_STATUSES,
    FollowUpStage,
    Funder,
    FundingMode,
    Modality,
    Origin,
    Side,
    TrainingModality,
    TransferStatus,
)

# The columns the counting rule reads besides the status (kmportal.transfers.counting).
COUNTING_COLUMNS = ("result_id", "transferred_on", "fully_confirmed_on")


class Transfer(db.Model):
    """One practice going from the country with the experience (provider) to an interested
    country (recipient): how it is done, who pays, how far it has got."""

    __tablename__ = "transfer"
    __table_args__ = (
        sa.CheckConstraint("provider_code <> recipient_code", name="distinct_countries"),
        sa.CheckConstraint(
            "end_on IS NULL OR start_on IS NULL OR end_on >= start_on", name="exchange_order"
        ),
        # Covering indexes for the dashboard: every breakdown is read from an index alone (the
        # counted ones from the range of counting rows), so 10,000 transfers cost little more
        # than 100.
        sa.Index(
            "ix_transfer_counting",
            "status",
            *COUNTING_COLUMNS,
            "provider_code",
            "recipient_code",
            "funding_mode",
            "practice_id",
        ),
        sa.Index("ix_transfer_provider", "provider_code", "status"),
        sa.Index("ix_transfer_recipient", "recipient_code", "status"),
        sa.Index("ix_transfer_funding", "funding_mode", "status"),
        sa.Index("ix_transfer_practice", "practice_id", "status"),
        # One live transfer of a practice to a country: a second one would be counted twice.
        sa.Index(
            "uq_transfer_live",
            "practice_id",
            "recipient_code",
            unique=True,
            sqlite_where=sa.text("status <> 'cancelled'"),
            postgresql_where=sa.text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id"))
    # The country need this transfer answers, when it started from a suggestion (kmportal/needs).
    # No foreign key: adding one on SQLite rebuilds the table, and dropping the old table
    # deletes its follow-ups by cascade; needs are never deleted (kmportal/needs/service.py).
    need_id: Mapped[int | None] = mapped_column(index=True)
    provider_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    recipient_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    origin: Mapped[Origin] = mapped_column(enum_type(Origin))
    status: Mapped[TransferStatus] = mapped_column(
        enum_type(TransferStatus), default=TransferStatus.PROPOSED
    )
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    modality: Mapped[Modality] = mapped_column(enum_type(Modality), default=Modality.BILATERAL)
    partner_name: Mapped[str] = mapped_column(sa.String(200), default="")
    funding_mode: Mapped[FundingMode | None] = mapped_column(enum_type(FundingMode))
    third_party_name: Mapped[str] = mapped_column(sa.String(200), default="")
    result_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("result.id", ondelete="SET NULL"), index=True
    )
    # The dates of the exchange and of each status reached (the timeline is built from them).
    proposed_on: Mapped[date] = mapped_column()
    agreed_on: Mapped[date | None] = mapped_column()
    start_on: Mapped[date | None] = mapped_column()
    end_on: Mapped[date | None] = mapped_column()
    transferred_on: Mapped[date | None] = mapped_column()
    adopted_on: Mapped[date | None] = mapped_column()
    institutionalised_on: Mapped[date | None] = mapped_column()
    cancelled_on: Mapped[date | None] = mapped_column()
    # The day the second country confirmed the exchange (set by service.confirm with the row
    # that completes the pair): the counting rule reads it, so counting needs no join.
    fully_confirmed_on: Mapped[date | None] = mapped_column()
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    lessons_learned: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    practice = relationship("Practice")
    provider: Mapped[Country] = relationship(foreign_keys=[provider_code], lazy="joined")
    recipient: Mapped[Country] = relationship(foreign_keys=[recipient_code], lazy="joined")
    result: Mapped[Result | None] = relationship()
    contributions: Mapped[list[TransferContribution]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TransferContribution.funder"
    )
    confirmations: Mapped[list[TransferConfirmation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TransferConfirmation.confirmed_at"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="transfer",
        cascade="all, delete-orphan",
        order_by="(FollowUp.due_on, FollowUp.done_on, FollowUp.id)",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_taken_place(self) -> bool:
        return self.status in EXCHANGED_STATUSES

    def country_of(self, side: Side) -> str:
        return self.provider_code if side is Side.PROVIDER else self.recipient_code

    def side_of(self, country_code: str | None) -> Side | None:
        if country_code == self.provider_code:
            return Side.PROVIDER
        if country_code == self.recipient_code:
            return Side.RECIPIENT
        return None

    def confirmation(self, side: Side) -> TransferConfirmation | None:
        return next((c for c in self.confirmations if c.side is side), None)

    @property
    def is_confirmed_by_both(self) -> bool:
        return all(self.confirmation(side) is not None for side in Side)

    def contribution(self, funder: Funder) -> TransferContribution | None:
        return next((c for c in self.contributions if c.funder is funder), None)

    def __repr__(self) -> str:
        return f"<Transfer {self.id} {self.provider_code}->{self.recipient_code} {self.status}>"


class TransferContribution(db.Model):
    """An amount one funder puts into the exchange, in an ISO 4217 currency."""

    __tablename__ = "transfer_contribution"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    transfer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transfer.id", ondelete="CASCADE"), primary_key=True
    )
    funder: Mapped[Funder] = mapped_column(enum_type(Funder), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))


class TransferConfirmation(db.Model):
    """One country's confirmation that the exchange took place: by its focal point, or by
    the secretariat on its behalf (then with a note saying on what grounds)."""

    __tablename__ = "transfer_confirmation"

    transfer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transfer.id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[Side] = mapped_column(enum_type(Side), primary_key=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # The day the country confirmed (it may predate its recording, e.g. a meeting's minutes).
    confirmed_on: Mapped[date] = mapped_column()
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    on_behalf: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    confirmed_by = relationship("User", lazy="joined")


class FollowUp(db.Model):
    """A follow-up of a transferred practice: due (scheduled, or the next step of an earlier
    entry) until it is recorded as done, with the stage reached, evidence and the next step."""

    __tablename__ = "follow_up"
    __table_args__ = (
        # Pending follow-ups by due date (the due lists), and a transfer's follow-ups by
        # state (so counting those of cancelled transfers starts from the transfers).
        sa.Index("ix_follow_up_pending", "done_on", "due_on", "transfer_id"),
        sa.Index("ix_follow_up_transfer", "transfer_id", "done_on", "due_on"),
        sa.CheckConstraint("due_on IS NOT NULL OR done_on IS NOT NULL", name="dated"),
        # Reaching "transferred" schedules each follow-up once.
        sa.Index(
            "uq_follow_up_scheduled",
            "transfer_id",
            "scheduled_months",
            unique=True,
            sqlite_where=sa.text("scheduled_months IS NOT NULL"),
            postgresql_where=sa.text("scheduled_months IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("transfer.id", ondelete="CASCADE"))
    due_on: Mapped[date | None] = mapped_column()
    # Set when the follow-up was scheduled automatically, N months after the transfer.
    scheduled_months: Mapped[int | None] = mapped_column()
    planned: Mapped[str] = mapped_column(sa.Text, default="")
    done_on: Mapped[date | None] = mapped_column()
    stage: Mapped[FollowUpStage | None] = mapped_column(enum_type(FollowUpStage))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    next_step: Mapped[str] = mapped_column(sa.Text, default="")
    next_due_on: Mapped[date | None] = mapped_column()
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    transfer: Mapped[Transfer] = relationship(back_populates="follow_ups")
    recorded_by = relationship("User", lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=Attachment.id
    )

    @property
    def is_pending(self) -> bool:
        return self.done_on is None

    def is_overdue(self, today: date) -> bool:
        return self.is_pending and self.due_on is not None and self.due_on < today


class Training(db.Model):
    """A course or event that strengthens the focal points' capacities (Objective 3, result 2)."""

    __tablename__ = "training"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="date_order"),
        sa.CheckConstraint("hours IS NULL OR hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    provider: Mapped[str] = mapped_column(sa.String(200))
    modality: Mapped[TrainingModality] = mapped_column(enum_type(TrainingModality))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 1))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    participants: Mapped[list[TrainingParticipant]] = relationship(
        back_populates="training",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="TrainingParticipant.country_code",
    )

    def participant(self, user) -> TrainingParticipant | None:
        user_id = getattr(user, "id", None)
        return next((p for p in self.participants if p.user_id == user_id), None)


class TrainingParticipant(db.Model):
    """A focal point who took part in a training; the country is kept as it was then."""

    __tablename__ = "training_participant"

    training_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    training: Mapped[Training] = relationship(back_populates="participants")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    country: Mapped[Country] = relationship(lazy="joined")
