"""Migration 0009 (plan periods): existing plans keep their rows and texts, up and down."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kmportal import create_app
from kmportal.extensions import db
from kmportal.reference import loaders, queries
from tests.conftest import base_config

PLAN_ROW = sa.text(
    "INSERT INTO plan (code, title, place_and_date, first_month, last_month)"
    " VALUES ('2015-2016', 'Plan de Trabajo', 'Brasilia, julio 2015', '2015-10-01', '2016-09-01')"
)
OBJECTIVE_ROW = sa.text(
    "INSERT INTO objective (plan_id, number, name, description) VALUES (1, 1, 'Incidencia', '')"
)


def test_existing_plans_survive_the_migration_up_and_down(tmp_path):
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'm.sqlite3'}"))
    assert_plans_survive_0009(app)


def assert_plans_survive_0009(app) -> None:
    """A plan loaded before 0009 keeps its rows and texts through the upgrade (Spanish
    official, no translation), gets the shipped translations from `reference load`, and keeps
    its rows through the downgrade."""
    with app.app_context():
        upgrade(revision="0008_practice_external_id")
        with db.engine.begin() as connection:
            connection.execute(PLAN_ROW)
            connection.execute(OBJECTIVE_ROW)
        upgrade(revision="0009_plan_periods")
        with db.engine.connect() as connection:
            row = connection.execute(sa.text("SELECT code, official_language FROM plan")).one()
            texts = connection.execute(sa.text("SELECT name, translations FROM objective")).one()
        assert tuple(row) == ("2015-2016", "es")
        assert texts[0] == "Incidencia" and texts[1] in ("{}", {})  # JSON: text or a dict
        # The shipped file then adds the translations to the existing rows.
        loaders.load_plan()
        objective = queries.plan_by_code("2015-2016").objectives[0]
        assert objective.name == "Incidencia" and objective.text_in("name", "fr") == "Plaidoyer"
        db.session.remove()
        downgrade(revision="0008_practice_external_id")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("plan")}
            assert "official_language" not in columns and "translations" not in columns
            assert connection.execute(sa.text("SELECT count(*) FROM objective")).scalar() == 4
        db.engine.dispose()
