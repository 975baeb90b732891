"""Helpers for the search tests: search as a user, read a rendered search page."""

from __future__ import annotations

import re

from flask_login import AnonymousUserMixin

from kmportal.search import service
from kmportal.search.facets import SearchRequest

ANONYMOUS = AnonymousUserMixin()

# Neutral values for the fields a practice needs before submission, so that only the
# title, summary and description chosen by a test decide what it matches.
NEUTRAL = {
    "institution": "Zeta",
    "population": "Zeta",
    "results": "Zeta.",
    "replication": "Zeta.",
    "cost_notes": "",
    "tags": "",
}


def found(user, text: str = "", **filters) -> list[int]:
    """Ids of the practices a user finds, in rank order (first page of 100)."""
    sort = filters.pop("sort", "")
    expand = filters.pop("expand", True)
    request = SearchRequest(
        expand=expand,
        text=text,
        filters={k: tuple(v) if isinstance(v, list | tuple) else (v,) for k, v in filters.items()},
        sort=sort,
    )
    return [hit.practice.id for hit in service.search(user, request, per_page=100).hits]


def page_ids(response) -> list[int]:
    """Practice ids of the hits on a rendered search page, in order."""
    html = response.get_data(as_text=True)
    return [int(i) for i in re.findall(r'<li class="hit">\s*<h3><a href="/practices/(\d+)"', html)]


def notices(response) -> list[str]:
    return re.findall(r'data-notice="(\w+)"', response.get_data(as_text=True))
