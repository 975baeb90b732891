"""The labelling rule: which validated practices are "good" and which are "promising".

Scores run from 0 (no evidence) to 3 (strong evidence) on each ILO criterion. A practice
that scores at least 2 on every criterion is a good practice. One that shows evidence of
effectiveness and relevance (>= 2 on both) without meeting every criterion yet is a
promising practice. Anything else, or a practice not scored on all criteria, has no label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from kmportal.errors import ValidationError
from kmportal.practices.enums import Criterion, Label

MIN_SCORE, MAX_SCORE = 0, 3
GOOD_THRESHOLD = 2


def practice_label(scores: Mapping[Criterion, int | None]) -> Label | None:
    """The label earned by a full set of criterion scores (see the module docstring)."""
    values = [scores.get(criterion) for criterion in Criterion]
    if any(value is None for value in values):
        return None
    if all(value >= GOOD_THRESHOLD for value in values):
        return Label.GOOD
    if (
        scores[Criterion.EFFECTIVE] >= GOOD_THRESHOLD
        and scores[Criterion.RELEVANT] >= GOOD_THRESHOLD
    ):
        return Label.PROMISING
    return None


def clean_scores(scores: dict[str, Any], complete: bool = True) -> dict[Criterion, int | None]:
    """Scores 0-3 per criterion, keyed by criterion. `complete`: every criterion must have one
    (publishing); otherwise an empty one stays None (returning). Errors keyed score_<criterion>,
    the validation form's own field names."""
    errors: dict[str, object] = {}
    cleaned: dict[Criterion, int | None] = {}
    for criterion in Criterion:
        raw = scores.get(criterion.value)
        if not complete and (raw is None or str(raw).strip() == ""):
            cleaned[criterion] = None
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None and complete:
            errors[f"score_{criterion.value}"] = _l("Score every criterion.")
            continue
        if value is None or not MIN_SCORE <= value <= MAX_SCORE:
            errors[f"score_{criterion.value}"] = _l(
                "Use a score from %(a)d to %(b)d.", a=MIN_SCORE, b=MAX_SCORE
            )
        cleaned[criterion] = value
    if errors:
        raise ValidationError(errors)
    return cleaned
