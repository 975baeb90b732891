from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.extensions import db
from kmportal.months import add_months, month_starts


class Country(db.Model):
    """A member country of the Initiative, by ISO 3166-1 alpha-2 code, named in four languages."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name_es: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_pt: Mapped[str] = mapped_column(sa.String(120))
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    member: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str | None = None) -> str:
        return getattr(self, f"name_{locale or 'es'}", None) or self.name_en

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Translated:
    """Texts in other languages than the plan's official one: {"en": {"text": "..."}, ...}.
    The official text stays in the row's own columns (name, description, text, title)."""

    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    def text_in(self, field: str, language: str) -> str | None:
        return ((self.translations or {}).get(language) or {}).get(field) or None


class Plan(Translated, db.Model):
    """A work plan of the Network of Focal Points for one plan period (2015–2016, then the
    next ones): its code, first and last month, and the language of its official text."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    place_and_date: Mapped[str] = mapped_column(sa.String(100))
    first_month: Mapped[date] = mapped_column()
    last_month: Mapped[date] = mapped_column()
    official_language: Mapped[str] = mapped_column(sa.String(8), default="es")

    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="Objective.number", cascade="all, delete-orphan"
    )

    def months(self) -> list[date]:
        """The first day of every month of the plan, in order."""
        return month_starts(self.first_month, self.last_month)

    @property
    def last_day(self) -> date:
        """The last day of the plan's last month."""
        return add_months(self.last_month, 1) - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.first_month <= day <= self.last_day


class Objective(Translated, db.Model):
    __tablename__ = "objective"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)

    plan: Mapped[Plan] = relationship(back_populates="objectives")
    results: Mapped[list[Result]] = relationship(
        back_populates="objective", order_by="Result.number", cascade="all, delete-orphan"
    )


class Result(Translated, db.Model):
    __tablename__ = "result"
    __table_args__ = (sa.UniqueConstraint("objective_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("objective.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)

    objective: Mapped[Objective] = relationship(back_populates="results")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="result", order_by="Activity.number", cascade="all, delete-orphan"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="result", cascade="all, delete-orphan"
    )

    @property
    def code(self) -> str:
        return f"{self.objective.number}.{self.number}"


class Activity(Translated, db.Model):
    __tablename__ = "activity"
    __table_args__ = (sa.UniqueConstraint("result_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)

    result: Mapped[Result] = relationship(back_populates="activities")
    months: Mapped[list[ActivityMonth]] = relationship(
        back_populates="activity", order_by="ActivityMonth.month", cascade="all, delete-orphan"
    )

    @property
    def code(self) -> str:
        return f"{self.result.code}.{self.number}"


class ActivityMonth(db.Model):
    """A month in which an activity is scheduled (a marked cell of the plan's cronograma)."""

    __tablename__ = "activity_month"

    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(primary_key=True)

    activity: Mapped[Activity] = relationship(back_populates="months")


class Target(Translated, db.Model):
    """A quantified target on a result, for a period: data, never a constant in code."""

    __tablename__ = "target"
    __table_args__ = (sa.UniqueConstraint("result_id", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text)
    quantity: Mapped[int] = mapped_column()
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()

    result: Mapped[Result] = relationship(back_populates="targets")
