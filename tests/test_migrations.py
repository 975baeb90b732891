"""The Alembic migrations build exactly the schema the models describe."""

import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kmportal import create_app
from kmportal.extensions import db
from tests.conftest import base_config


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


INSERT_ATTACHMENT = sa.text(
    "INSERT INTO attachment (practice_id, follow_up_id, original_name, stored_name,"
    " content_type, size, uploaded_at)"
    " VALUES (:practice, :follow_up, 'a.pdf', :stored, 'application/pdf', 1, CURRENT_TIMESTAMP)"
)


def owner_check_refusals(engine) -> list[str]:
    """Insert an attachment with no owner, then one with two owners; what the database says.
    Foreign keys are left unchecked on SQLite (PostgreSQL checks them after the CHECK), so
    the exactly-one-owner constraint alone decides."""
    refusals = []
    for practice, follow_up in ((None, None), (1, 1)):
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            try:
                connection.execute(
                    INSERT_ATTACHMENT,
                    {"practice": practice, "follow_up": follow_up, "stored": uuid.uuid4().hex},
                )
            except sa.exc.IntegrityError as error:
                refusals.append(str(error.orig))
            connection.rollback()
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    return refusals


def assert_one_owner_enforced_and_reversible(app) -> None:
    """The 0007 migration's CHECK refuses both kinds of bad rows; its downgrade removes it."""
    with app.app_context():
        refusals = owner_check_refusals(db.engine)
        assert len(refusals) == 2 and all("one_owner" in r for r in refusals), refusals
        downgrade(revision="0006_state_changes_once")
        assert not any("one_owner" in r for r in owner_check_refusals(db.engine))
        upgrade()
        assert len(owner_check_refusals(db.engine)) == 2


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


def test_attachments_have_exactly_one_owner_on_sqlite(tmp_path):
    app = upgrade_empty_database(f"sqlite:///{tmp_path / 'migrated.sqlite3'}", tmp_path)
    assert_one_owner_enforced_and_reversible(app)
