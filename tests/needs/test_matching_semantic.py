"""With the semantic leg on: a newly published practice is matched to open needs by meaning
(the encoder's cosine), across languages, in the publication's transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kmportal import create_app
from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.needs import alerts
from kmportal.search import semantic
from tests.conftest import base_config
from tests.needs.conftest import DOMESTIC_ES, MINING_FR

pytestmark = pytest.mark.slow


@pytest.fixture
def app(tmp_path, template_database):
    import shutil

    path = tmp_path / "test.sqlite3"
    shutil.copy(template_database, path)
    app = create_app({**base_config(tmp_path, f"sqlite:///{path}"), "SEARCH_SEMANTIC": True})
    assert app.extensions[semantic.EXTENSION].get("semantic_off") is None
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _matched() -> list[tuple[int, dict]]:
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "need.matched"))
    return [(e.entity_id, e.changes) for e in rows]


def test_a_practice_near_in_meaning_matches_an_open_need_in_another_language(
    need, practices, focal
):
    domestic = need("BR", sectors=[])
    mining = need(
        "CO",
        language="es",
        sectors=[],
        title="Niños en las minas de oro",
        description="Niños y adolescentes trabajan en socavones y con mercurio en la minería "
        "artesanal de oro; necesitamos retirarlos y apoyar a sus familias.",
    )
    practice = practices.make(focal("PE"), "published", **DOMESTIC_ES)
    assert (domestic.id, {"practice_id": practice.id}) in _matched()
    assert all(need_id != mining.id for need_id, _ in _matched())
    mine = practices.make(focal("HT"), "published", **MINING_FR)
    assert (mining.id, {"practice_id": mine.id}) in _matched()
    assert alerts.matching_needs(mine) == [mining]
