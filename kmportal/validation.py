"""Checks shared by the services' input cleaning (practices, transfers, follow-ups, trainings)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

# Control characters other than tab, line feed and carriage return (the request guard refuses
# them at the door; this keeps them out of text that reaches a service another way).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def drop_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


def clean_texts(data: Mapping[str, Any], limits: Mapping[str, int], errors: dict) -> dict:
    """Each text field stripped and without control characters; a message in `errors` for
    any longer than its limit."""
    out: dict[str, str] = {}
    for field, limit in limits.items():
        out[field] = drop_control_characters(data.get(field) or "").strip()
        if len(out[field]) > limit:
            errors[field] = _l("Use at most %(n)d characters.", n=limit)
    return out
