"""The secretariat's needs × offers matrix: per sector and theme, the published needs and the
published practices that could meet them (a practice of "PETI and PTAP" counts for both
themes, as in matching). A cell with needs and no practice is where the Network should look
for new practices."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.needs.enums import NeedStatus
from kmportal.needs.matching import themes_agree
from kmportal.needs.models import Need, NeedSector
from kmportal.practices.enums import Facet, PracticeState, Sector, Theme
from kmportal.practices.models import Practice, PracticeFacet


@dataclass(frozen=True)
class Cell:
    needs: int
    practices: int

    @property
    def gap(self) -> bool:
        return self.needs > 0 and self.practices == 0


@dataclass
class Matrix:
    themes: list[Theme]
    rows: list[tuple[Sector, list[Cell]]]

    @property
    def gaps(self) -> int:
        return sum(cell.gap for _, cells in self.rows for cell in cells)


def _counts(rows) -> dict[tuple[str, Theme], int]:
    return {(sector, theme): count for sector, theme, count in rows}


def build() -> Matrix:
    needs = _counts(
        db.session.execute(
            sa.select(NeedSector.sector, Need.theme, sa.func.count())
            .join(Need, Need.id == NeedSector.need_id)
            .where(Need.status == NeedStatus.PUBLISHED)
            .group_by(NeedSector.sector, Need.theme)
        )
    )
    offers = _counts(
        db.session.execute(
            sa.select(PracticeFacet.value, Practice.theme, sa.func.count())
            .join(Practice, Practice.id == PracticeFacet.practice_id)
            .where(Practice.state == PracticeState.PUBLISHED, PracticeFacet.facet == Facet.SECTOR)
            .group_by(PracticeFacet.value, Practice.theme)
        )
    )
    themes = list(Theme)
    rows = []
    for sector in Sector:
        cells = []
        for theme in themes:
            practices = sum(
                count
                for (value, offered), count in offers.items()
                if value == sector.value and themes_agree(theme, offered)
            )
            cells.append(Cell(needs.get((sector.value, theme), 0), practices))
        rows.append((sector, cells))
    return Matrix(themes, rows)
