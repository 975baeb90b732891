"""Several processes spending one token's window at the same moment, on SQLite and on
PostgreSQL: exactly the limit gets through, and the stored count says so."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.reference import loaders
from kmportal.tokens import service
from kmportal.tokens.models import ApiToken
from tests.conftest import base_config, make_user
from tests.slow.conftest import postgres_url  # noqa: F401 (the PostgreSQL run)

pytestmark = pytest.mark.slow
PROCESSES = 4
EACH = 12
LIMIT = 30
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'spend.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def spend_many(url: str, folder: str, token_id: int, start, results) -> None:
    app = create_app(base_config(Path(folder), url))
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        start.wait()
        allowed = [service.spend(token, LIMIT, now=NOW).allowed for _ in range(EACH)]
        db.engine.dispose()
    results.put(sum(allowed))


def test_processes_spending_at_once_get_exactly_the_limit(database_url, tmp_path):
    app = create_app(base_config(tmp_path, database_url))
    with app.app_context():
        upgrade()
        loaders.load_countries()
        user = make_user("script@example.org", Role.SECRETARIAT)
        token, _raw = service.create_token(user, "Busy script", "read")
        token_id = token.id
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=spend_many, args=(database_url, str(tmp_path), token_id, start, results)
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    allowed = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert sum(allowed) == LIMIT  # 48 tries, 30 let through, whoever won them
    with app.app_context():
        stored = db.session.get(ApiToken, token_id)
        assert stored.window_count == LIMIT and stored.window_start == NOW
        db.session.remove()
        db.engine.dispose()
