"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.extensions import db
from tests.conftest import base_config


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def upgrade_empty_database(database_uri: str, tmp_path):
    app = create_app(base_config(tmp_path, database_uri))
    with app.app_context():
        upgrade()
    return app


def test_upgrade_from_empty_matches_models_on_sqlite(tmp_path):
    app = upgrade_empty_database(f"sqlite:///{tmp_path / 'migrated.sqlite3'}", tmp_path)
    assert schema_differences(app) == []


def remaining_tables(app) -> set[str]:
    import sqlalchemy as sa

    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again_on_sqlite(tmp_path):
    from flask_migrate import downgrade

    app = upgrade_empty_database(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}", tmp_path)
    with app.app_context():
        downgrade(revision="base")
    assert remaining_tables(app) == set()
    with app.app_context():
        upgrade()
    assert schema_differences(app) == []
