"""Needs fixtures: a need factory (through the service), focal points per country, an index."""

from __future__ import annotations

import pytest

from kmportal.auth.models import Role
from kmportal.needs import service
from kmportal.search import service as search
from tests.conftest import make_user


def need_values(**overrides) -> dict:
    values = {
        "country_code": "BR",
        "title": "Crianças no trabalho doméstico",
        "description": (
            "Muitas meninas trabalham como empregadas domésticas em casas de terceiros e "
            "abandonam a escola; precisamos identificar os casos e reinserir as meninas."
        ),
        "language": "pt",
        "theme": "peti",
        "sectors": ["domestic_work"],
        "population": "Meninas de 10 a 17 anos",
        "outcome": "withdrawal",
        "urgency": "high",
        "funding_mode": "provider_funded",
        "status": "published",
    }
    values.update(overrides)
    return values


@pytest.fixture
def focal(app):
    made = {}

    def get(code: str, language: str = "es"):
        if code not in made:
            made[code] = make_user(
                f"needs.focal.{code.lower()}@example.org", Role.FOCAL_POINT, code, language
            )
        return made[code]

    return get


@pytest.fixture
def need(focal):
    def make(country: str = "BR", **values):
        return service.create_need(focal(country), need_values(country_code=country, **values))

    return make


@pytest.fixture
def index(app):
    search.reindex()
    return search.current_index()


DOMESTIC_ES = {
    "title": "Retiro de niñas del trabajo infantil doméstico",
    "summary": "Identificación de niñas en trabajo infantil doméstico y regreso a la escuela.",
    "description": (
        "Las inspectoras identifican a las niñas que trabajan como empleadas domésticas en "
        "casas de terceros y las reinsertan en la escuela con apoyo a sus familias."
    ),
    "language": "es",
    "sectors": ["domestic_work"],
    "outcomes": ["withdrawal"],
    "population": "Niñas de 10 a 17 años",
    "cost_notes": "Bajo costo: usa el personal existente de la inspección.",
}
MINING_FR = {
    "title": "Les enfants dans les mines artisanales d'or",
    "summary": "Sortir les enfants des mines artisanales.",
    "description": "Des brigades visitent les sites miniers et retirent les enfants du travail.",
    "language": "fr",
    "sectors": ["mining"],
    "outcomes": ["worst_forms"],
    "population": "Enfants des zones minières",
    "cost_notes": "",
}
