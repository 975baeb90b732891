"""Search fixtures: focal points per country, practices with chosen text and state, an index."""

from __future__ import annotations

import pytest

from kmportal.auth.models import Role
from kmportal.search import service
from tests.conftest import make_user
from tests.search.helpers import NEUTRAL


@pytest.fixture
def focal(app):
    """focal("CO") -> the focal point of Colombia (created on first use)."""
    made = {}

    def get(code: str, language: str = "es"):
        if code not in made:
            made[code] = make_user(
                f"search.focal.{code.lower()}@example.org", Role.FOCAL_POINT, code, language
            )
        return made[code]

    return get


@pytest.fixture
def practice(practices, focal):
    """practice("CO", "published", title=..., language=...) -> a practice in that state."""

    def make(country: str = "BR", state: str = "published", **values):
        values = {**NEUTRAL, **values}
        values.setdefault("summary", "Resumen neutro.")
        values.setdefault("description", "Descripción neutra.")
        return practices.make(focal(country), state, **values)

    return make


@pytest.fixture
def index(app):
    """An (empty) index on disk, so that every later commit is written to it."""
    service.reindex()
    return service.current_index()
