"""Migration 0006 turns the uniqueness rules into constraints on a database that already
holds what racing requests left behind, repairing it first and keeping what counts."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.audit import service as audit
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.practices.models import PendingEdit
from kmportal.reference import loaders
from kmportal.transfers import once
from kmportal.transfers.models import FollowUp, TransferConfirmation
from tests.conftest import base_config, make_user
from tests.factories import PracticeFactory
from tests.slow.conftest import postgres_url  # noqa: F401 (the PostgreSQL run)
from tests.test_migrations import schema_differences
from tests.transfers.factories import TransferFactory

_spec = importlib.util.spec_from_file_location(
    "plan_periods", Path(__file__).parents[1] / "migrations/versions/0009_plan_periods.py"
)
plan_periods = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plan_periods)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=[pytest.mark.slow, pytest.mark.postgres])]
)
def migrated_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(base_config(tmp_path, url))
    with app.app_context():
        upgrade(revision="0005_auth_sessions_throttle")
        add_later_columns(db.engine)
        _later_columns("ADD", "INTEGER")
        loaders.load_countries()
        loaders.load_plan()
        yield app
        db.session.remove()
        db.engine.dispose()


def add_later_columns(engine) -> None:
    """Today's models write the plan with the columns of migration 0009 (plan periods): add
    them to the 0005 schema by hand (0009 then leaves them as they are)."""
    with engine.begin() as connection:
        for table, new in plan_periods.columns().items():
            for column in new:
                kind = column.type.compile(dialect=engine.dialect)
                default = column.server_default.arg
                connection.exec_driver_sql(
                    f"ALTER TABLE {table} ADD COLUMN {column.name} {kind} NOT NULL"
                    f" DEFAULT '{default}'"
                )


# Columns later migrations add to the tables the leftovers write through today's models: added
# bare while the leftovers are made at 0005, dropped before the upgrade adds them for real.
LATER_COLUMNS = (("transfer", "need_id"),)  # 0011_needs


def _later_columns(verb: str, kind: str = "") -> None:
    for table, column in LATER_COLUMNS:
        db.session.execute(sa.text(f"ALTER TABLE {table} {verb} COLUMN {column} {kind}"))
    db.session.commit()


def leftovers_of_races(monkeypatch) -> dict:
    """What the requests that raced before 0006 could leave, made while nothing refused it."""
    # The schema is 0005's: what follows from events (notifications) has no tables yet.
    monkeypatch.setattr(audit.recorded, "receivers", {})
    secretariat = make_user("secretariat@example.org", Role.SECRETARIAT)
    focal = make_user("focal.br@example.org", Role.FOCAL_POINT, "BR", "pt")
    transfers = TransferFactory(secretariat)
    practice = transfers.practice("BR")
    counted = transfers.make("transferred", practice=practice)
    monkeypatch.setattr(once, "refuse_duplicate", lambda *args: None)
    duplicate = transfers.make("proposed", practice=practice)
    unmarked = transfers.make(
        "transferred", confirmed=False, practice=transfers.practice("BR", "Otra")
    )
    for side in ("provider", "recipient"):
        unmarked.confirmations.append(
            TransferConfirmation(side=side, confirmed_on=date(2016, 4, 1 + len(side)))
        )
    published = PracticeFactory(secretariat).make(focal, "published")
    extra_pending = FollowUp(transfer=counted, due_on=date(2016, 9, 15), scheduled_months=6)
    extra_done = FollowUp(
        transfer=counted, due_on=date(2016, 9, 15), done_on=date(2016, 9, 20), scheduled_months=6
    )
    edits = [PendingEdit(practice=published, data={"title": n}) for n in ("Uno", "Dos")]
    db.session.add_all([extra_pending, extra_done, *edits])
    db.session.execute(
        sa.text("UPDATE \"user\" SET email = 'Focal.BR@Example.org' WHERE id = :id"),
        {"id": focal.id},
    )
    db.session.commit()
    return {
        "counted": counted.id,
        "duplicate": duplicate.id,
        "unmarked": unmarked.id,
        "edits": [e.id for e in edits],
        "extra_done": extra_done.id,
        "focal": focal.id,
    }


def value(sql: str, **params):
    return db.session.execute(sa.text(sql), params).scalar()


def test_the_migration_repairs_what_races_left_and_adds_the_constraints(migrated_app, monkeypatch):
    ids = leftovers_of_races(monkeypatch)
    _later_columns("DROP")
    db.session.remove()
    upgrade()
    transfer = "SELECT status FROM transfer WHERE id = :id"
    assert value(transfer, id=ids["counted"]) == "transferred"  # the one that counts stays
    assert value(transfer, id=ids["duplicate"]) == "cancelled"
    assert f"#{ids['counted']}" in value(
        "SELECT cancel_reason FROM transfer WHERE id = :id", id=ids["duplicate"]
    )
    marked = value("SELECT fully_confirmed_on FROM transfer WHERE id = :id", id=ids["unmarked"])
    assert str(marked) == "2016-04-10"  # the later of the two confirmations
    older, latest = ids["edits"]
    edit = "SELECT status FROM pending_edit WHERE id = :id"
    assert (value(edit, id=older), value(edit, id=latest)) == ("rejected", "pending")
    # Each scheduled follow-up once: the recorded one fulfils it, empty pending copies go.
    scheduled = "SELECT id FROM follow_up WHERE transfer_id = :id AND scheduled_months = 6"
    assert [row[0] for row in db.session.execute(sa.text(scheduled), {"id": ids["counted"]})] == [
        ids["extra_done"]
    ]
    email = value('SELECT email FROM "user" WHERE id = :id', id=ids["focal"])
    assert email == "focal.br@example.org"
    assert schema_differences(migrated_app) == []
