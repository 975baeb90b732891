"""Checks shared by the services' input cleaning (practices, transfers, follow-ups, trainings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l


def clean_texts(data: Mapping[str, Any], limits: Mapping[str, int], errors: dict) -> dict:
    """Each text field stripped; a message in `errors` for any longer than its limit."""
    out: dict[str, str] = {}
    for field, limit in limits.items():
        out[field] = (data.get(field) or "").strip()
        if len(out[field]) > limit:
            errors[field] = _l("Use at most %(n)d characters.", n=limit)
    return out
