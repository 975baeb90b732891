"""Page by page, in a fixed order: the envelope and the Link header of every list."""

from __future__ import annotations

import math
from typing import Any

from flask import request, url_for


def envelope(items: list, page: int, per_page: int, total: int, **extra) -> dict[str, Any]:
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, math.ceil(total / per_page)) if per_page else 1,
        **extra,
    }


def paged_list(items: list, page: int, per_page: int) -> tuple[list, int]:
    """A page of a list already read whole (rules that filter in Python, as visibility)."""
    start = (page - 1) * per_page
    return items[start : start + per_page], len(items)


def links(body: dict[str, Any]) -> dict[str, str]:
    """The Link header (RFC 8288) to the first, previous, next and last pages, with the
    request's other arguments kept."""
    page, pages = body["page"], body["pages"]
    wanted = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
    parts = []
    for rel, number in wanted.items():
        if rel in ("prev", "next") and not 1 <= number <= pages:
            continue
        args = request.args.to_dict(flat=False)
        args["page"] = [str(number)]
        url = url_for(request.endpoint, **(request.view_args or {}), **args)
        parts.append(f'<{url}>; rel="{rel}"')
    return {"Link": ", ".join(parts)}
