"""`flask backup` on PostgreSQL: pg_dump on the counts' snapshot, restored with pg_restore
into a second, empty database, where every record, file and the search index are found."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.auth.models import Role
from kmportal.backup import engines
from kmportal.backup import service as backup
from kmportal.extensions import db
from kmportal.reference import loaders
from kmportal.search import service as search
from tests.backup.content import inventory, populate
from tests.conftest import base_config, make_user

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@contextmanager
def second_database(base_url: str):
    name = f"kmportal_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(base_url).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def filled_postgres(postgres_app):
    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    populate(make_user("secretariat@example.org", Role.SECRETARIAT))
    return inventory()


def test_round_trip_on_postgres_into_a_second_database(filled_postgres, postgres_url, tmp_path):
    archive = tmp_path / "postgres.tar.gz"
    summary = backup.create_backup(archive)
    assert summary.engine == "postgresql" and summary.uploads == 2
    with second_database(postgres_url) as url:
        target = create_app(base_config(tmp_path / "restored", url))
        with target.app_context():
            restored = backup.restore_backup(archive)
            assert inventory() == filled_postgres
            assert restored.indexed == len(filled_postgres["practices"])
            assert search.check().in_step
            # The sequences came back too: a new row gets a new id, not a duplicate.
            make_user("new@example.org", Role.SECRETARIAT)
            with pytest.raises(backup.BackupError, match="not empty"):
                backup.restore_backup(archive)
            backup.restore_backup(archive, force=True)
            assert inventory() == filled_postgres
            db.session.remove()
            db.engine.dispose()


def test_restore_into_a_migrated_empty_postgres_database(filled_postgres, postgres_url, tmp_path):
    archive = tmp_path / "postgres.tar.gz"
    backup.create_backup(archive)
    with second_database(postgres_url) as url:
        target = create_app(base_config(tmp_path / "restored", url))
        with target.app_context():
            upgrade()
            backup.restore_backup(archive)
            assert inventory() == filled_postgres
            db.session.remove()
            db.engine.dispose()


def test_pg_dump_found_is_at_least_the_server_version(postgres_app):
    with db.engine.connect() as connection:
        major = int(connection.scalar(sa.text("SHOW server_version_num"))) // 10000
    tool = engines.find_pg_tool("pg_dump", major)
    assert engines._tool_major(tool) >= major
    with pytest.raises(backup.BackupError, match="version 99 or newer"):
        engines.find_pg_tool("pg_dump", 99)
