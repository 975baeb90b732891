"""What a search asks for (words, facet values, order, page) and the facet counts it shows.

A search request lives entirely in the URL, so a search can be bookmarked and shared:
`/search?q=escuela&country=BR&country=CO&sector=agriculture&sort=date&page=2`. Values of
one facet are alternatives (OR); different facets narrow each other (AND). Each facet's
counts are computed with the other facets' selections applied but not its own, so the
alternatives to a chosen country stay visible with their counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kmportal.practices.enums import Label, Sector, StrategicOutcome, Theme
from kmportal.search.schema import FACETS, LANGUAGES

SORTS = ("relevance", "date")
MAX_VALUES_PER_FACET = 20
MAX_PAGE = 10_000
MAX_QUERY_CHARS = 5_000


def _valid_value(facet: str, value: str) -> bool:
    if facet == "country":
        return bool(re.fullmatch(r"[A-Z]{2}", value))
    if facet == "year":
        return bool(re.fullmatch(r"(19|20|21)\d\d", value))
    allowed = {
        "theme": Theme.values(),
        "sector": Sector.values(),
        "outcome": StrategicOutcome.values(),
        "language": list(LANGUAGES),
        "label": Label.values(),
    }[facet]
    return value in allowed


@dataclass(frozen=True)
class SearchRequest:
    """A search as the URL states it; unknown or malformed values are ignored, not errors."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    expand: bool = True  # also search the thesaurus concepts' other-language labels

    @classmethod
    def from_args(cls, args) -> SearchRequest:
        filters: dict[str, tuple[str, ...]] = {}
        for facet in FACETS:
            raw = args.getlist(facet) if hasattr(args, "getlist") else args.get(facet, [])
            if isinstance(raw, str):
                raw = [raw]
            values = [
                value.strip().upper() if facet == "country" else value.strip()
                for value in raw
                if isinstance(value, str)
            ]
            kept = [value for value in dict.fromkeys(values) if _valid_value(facet, value)]
            if kept:
                filters[facet] = tuple(kept[:MAX_VALUES_PER_FACET])
        sort = args.get("sort", "")
        try:
            page = int(args.get("page", 1))
        except (TypeError, ValueError):
            page = 1
        return cls(
            text=(args.get("q") or "")[:MAX_QUERY_CHARS],
            filters=filters,
            sort=sort if sort in SORTS else "",
            page=min(max(page, 1), MAX_PAGE),
            expand=args.get("expand") != "0",
        )

    @property
    def effective_sort(self) -> str:
        """Relevance when there are words to rank by, else the newest first."""
        return self.sort or ("relevance" if self.text.strip() else "date")

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.filters.get(facet, ())

    def as_args(self, **changes) -> dict[str, object]:
        """URL parameters for this request, with some replaced (page=..., sort=...)."""
        filters = changes.pop("filters", self.filters)
        args: dict[str, object] = {"q": self.text, **{f: list(v) for f, v in filters.items()}}
        args["sort"] = changes.pop("sort", self.sort)
        args["page"] = changes.pop("page", self.page)
        args["expand"] = "0" if not changes.pop("expand", self.expand) else None
        args.update(changes)
        return {key: value for key, value in args.items() if value and value != 1}

    def toggled(self, facet: str, value: str) -> dict[str, object]:
        """URL parameters with one facet value added or removed, back on the first page."""
        current = self.filters.get(facet, ())
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = {f: v for f, v in self.filters.items() if f != facet}
        if values:
            filters[facet] = values
        return self.as_args(filters=filters, page=1)

    def without_filters(self) -> dict[str, object]:
        return self.as_args(filters={}, page=1)

    def without_words(self) -> dict[str, object]:
        return self.as_args(q="", sort="", page=1)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    values: tuple[FacetValue, ...]

    @property
    def has_selection(self) -> bool:
        return any(value.selected for value in self.values)


def count_facets(
    reading, matched: set[int], request: SearchRequest
) -> tuple[list[FacetGroup], set[int] | None]:
    """Facet counts over the matched documents, and the documents every filter allows.

    `matched` already respects who may see what, so no count can reveal a hidden practice.
    Returns (groups, allowed), allowed being None when no facet value is selected.
    """
    chosen: dict[str, set[int]] = {}
    for facet, values in request.filters.items():
        union: set[int] = set()
        for value in values:
            union |= reading.docs(facet, value)
        chosen[facet] = union
    groups = []
    for facet in FACETS:
        scope = matched
        for other, docs in chosen.items():
            if other != facet:
                scope = scope & docs
        counts = {
            value: len(scope & reading.docs(facet, value)) for value in reading.field_values(facet)
        }
        values = [
            FacetValue(value, counts.get(value, 0), request.is_selected(facet, value))
            for value in _ordered(facet, set(counts) | set(request.filters.get(facet, ())), counts)
        ]
        groups.append(FacetGroup(facet, tuple(v for v in values if v.count or v.selected)))
    allowed = None
    for docs in chosen.values():
        allowed = docs if allowed is None else allowed & docs
    return groups, allowed


def _ordered(facet: str, values: set[str], counts: dict[str, int]) -> Iterator[str]:
    if facet == "year":
        return iter(sorted(values, reverse=True))
    enum_order = {
        "theme": Theme.values(),
        "sector": Sector.values(),
        "outcome": StrategicOutcome.values(),
        "language": list(LANGUAGES),
        "label": Label.values(),
    }.get(facet)
    if enum_order is not None:
        rank = {value: i for i, value in enumerate(enum_order)}
        return iter(sorted(values, key=lambda v: rank.get(v, len(rank))))
    return iter(sorted(values, key=lambda v: (-counts.get(v, 0), v)))


@dataclass(frozen=True)
class Page:
    """The page of results shown, with what the shared pagination macro expects."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    def iter_pages(self, edge: int = 2, around: int = 2) -> Iterator[int | None]:
        previous = 0
        for number in range(1, self.pages + 1):
            if number <= edge or number > self.pages - edge or abs(number - self.page) <= around:
                if previous and number != previous + 1:
                    yield None
                yield number
                previous = number
