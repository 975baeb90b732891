"""What an import did (or, in a dry run, would do), row by row, in a bounded size.

Counts cover every row; the rows themselves are kept up to a limit (refused rows first in
importance: they are kept up to the limit on their own), so that the report of a 100,000-row
file stays small. `to_dict()` is the JSON an API answers with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

CREATED, UPDATED, UNCHANGED, HELD, REFUSED = (
    "created",
    "updated",
    "unchanged",
    "held_for_review",
    "refused",
)

OUTCOMES = (CREATED, UPDATED, UNCHANGED, HELD, REFUSED)


@dataclass
class RowResult:
    row: int
    outcome: str
    practice_id: int | None = None
    external_id: str = ""
    state: str | None = None
    title: str = ""
    status: int = 200  # as an HTTP answer would say: 403 not yours, 422 bad values...
    errors: dict[str, str] = field(default_factory=dict)  # the file's column -> reason

    def to_dict(self) -> dict[str, Any]:
        data = {"row": self.row, "outcome": self.outcome, "status": self.status}
        for name in ("practice_id", "external_id", "state", "title"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.errors:
            data["errors"] = dict(self.errors)
        return data


@dataclass
class ImportReport:
    format: str
    dry_run: bool
    skip_bad_rows: bool
    limit: int = 1000
    committed: bool = False
    error: str | None = None  # the file could not be read, or the import stopped
    error_row: int | None = None
    counts: Counter = field(default_factory=Counter)
    rows: list[RowResult] = field(default_factory=list)
    refused_rows: list[RowResult] = field(default_factory=list)
    rows_omitted: int = 0

    def add(self, result: RowResult) -> None:
        self.counts[result.outcome] += 1
        kept = self.refused_rows if result.outcome == REFUSED else self.rows
        if len(kept) < self.limit:
            kept.append(result)
        else:
            self.rows_omitted += 1

    @property
    def refused(self) -> int:
        return self.counts[REFUSED]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        rows = sorted(self.rows + self.refused_rows, key=lambda result: result.row)
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "skip_bad_rows": self.skip_bad_rows,
            "committed": self.committed,
            "error": None if self.error is None else {"message": self.error, "row": self.error_row},
            "counts": {
                name: self.counts[name] for name in (CREATED, UPDATED, UNCHANGED, HELD, REFUSED)
            },
            "rows": [result.to_dict() for result in rows],
            "rows_omitted": self.rows_omitted,
        }
