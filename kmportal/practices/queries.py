"""Reading practices: the public catalogue with its filters, a country's practices and the
practices linked to each activity of the plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from kmportal.extensions import db
from kmportal.practices.enums import Facet, PracticeState, Sector, Theme
from kmportal.practices.models import Practice, PracticeFacet, practice_activity
from kmportal.practices.permissions import read_filter
from kmportal.reference import queries as reference
from kmportal.reference.models import Plan


@dataclass
class CatalogueFilters:
    country: str | None = None
    theme: str | None = None
    sector: str | None = None
    year: int | None = None

    @classmethod
    def from_args(cls, args) -> CatalogueFilters:
        """Unknown or malformed filter values are ignored rather than failing the page."""
        year = args.get("year", type=int)
        theme = args.get("theme")
        sector = args.get("sector")
        return cls(
            country=reference.iso_code((args.get("country") or "").strip()),
            theme=theme if theme in Theme.values() else None,
            sector=sector if sector in Sector.values() else None,
            year=year if year and 1950 <= year <= 2100 else None,
        )

    def as_args(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if v}


def published(filters: CatalogueFilters) -> sa.Select:
    query = sa.select(Practice).where(Practice.state == PracticeState.PUBLISHED)
    if filters.country:
        query = query.where(Practice.country_code == filters.country)
    if filters.theme:
        query = query.where(Practice.theme == Theme(filters.theme))
    if filters.sector:
        query = query.where(
            Practice.facets.any(
                sa.and_(PracticeFacet.facet == Facet.SECTOR, PracticeFacet.value == filters.sector)
            )
        )
    if filters.year:
        query = query.where(
            Practice.period_start <= filters.year,
            sa.or_(Practice.period_end.is_(None), Practice.period_end >= filters.year),
        )
    return query.order_by(Practice.published_at.desc(), Practice.id.desc())


def catalogue(filters: CatalogueFilters, page: int, per_page: int):
    return db.paginate(published(filters), page=page, per_page=per_page, error_out=False)


def years_covered() -> list[int]:
    """Years that published practices span, newest first (for the year filter)."""
    rows = db.session.execute(
        sa.select(
            sa.func.min(Practice.period_start),
            sa.func.max(sa.func.coalesce(Practice.period_end, Practice.period_start)),
        ).where(Practice.state == PracticeState.PUBLISHED)
    ).one()
    if rows[0] is None:
        return []
    return list(range(rows[1], rows[0] - 1, -1))


def country_practices(user, country_code: str) -> list[Practice]:
    """A country's practices that this user may read: published ones, and for the country's
    focal point and the secretariat, the others too (archived ones last)."""
    query = sa.select(Practice).where(Practice.country_code == country_code, read_filter(user))
    return list(db.session.scalars(query.order_by(Practice.title)))


def practices_by_activity(plan: Plan) -> dict[int, list]:
    """Published practices linked to each activity of the plan (one query)."""
    ids = [a.id for a in reference.plan_activities(plan)]
    if not ids:
        return {}
    query = (
        sa.select(practice_activity.c.activity_id, Practice)
        .join(Practice, Practice.id == practice_activity.c.practice_id)
        .where(practice_activity.c.activity_id.in_(ids), Practice.state == PracticeState.PUBLISHED)
        .options(lazyload("*"))
        .order_by(Practice.country_code, Practice.title)
    )
    linked: dict[int, list] = defaultdict(list)
    for activity_id, practice in db.session.execute(query):
        linked[activity_id].append(practice)
    return linked
