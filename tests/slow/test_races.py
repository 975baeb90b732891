"""N identical requests released together against gunicorn with 4 workers, on SQLite and on
PostgreSQL: every action has exactly one effect, and nobody gets a 5xx. One server per
database for all the actions, each on records of its own."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.reference import loaders
from kmportal.tokens import service as tokens
from kmportal.transfers import trainings
from tests.conftest import PASSWORD, base_config, make_user
from tests.factories import PracticeFactory
from tests.slow.http_client import ApiCaller, Person, together
from tests.test_practice_pages import form_data
from tests.transfers.factories import DATES, TransferFactory, transfer_values

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
N = 8
WORKERS = 4


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'races.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def seed(config: dict) -> dict:
    """The accounts and one record per action, made through the services."""
    app = create_app(config)
    with app.app_context():
        upgrade()
        loaders.load_countries()
        loaders.load_plan()
        secretariat = make_user("secretariat@example.org", Role.SECRETARIAT)
        focal_br = make_user("focal.br@example.org", Role.FOCAL_POINT, "BR", "pt")
        make_user("focal.co@example.org", Role.FOCAL_POINT, "CO", "es")
        practices, transfers = PracticeFactory(secretariat), TransferFactory(secretariat)
        training = trainings.create(
            focal_br,
            {"title": "Curso", "provider": "OIT", "modality": "virtual", "starts_on": "2016-02-01"},
        )
        ids = {
            "complete": transfers.make("in_progress").id,
            "confirm": transfers.make(
                "transferred", confirmed=False, practice=transfers.practice("BR", "Confirmar")
            ).id,
            "propose": transfers.practice("BR", "Proponer").id,
            "publish": practices.make(focal_br, "submitted").id,
            "edit": practices.make(focal_br, "published").id,
            "training": training.id,
            "api_submit": practices.make(focal_br, "draft").id,
            "token": tokens.create_token(focal_br, "races", "write")[1],
        }
        db.engine.dispose()
    return ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def portal(database_url, tmp_path):
    """gunicorn with 4 workers on 127.0.0.1, over a database and an instance of its own."""
    config = base_config(tmp_path, database_url)
    config.update(WTF_CSRF_ENABLED=True, SECRET_KEY=secrets.token_hex(32))
    ids = seed(config)
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "gunicorn.conf.py").write_text("")  # none of the repository's settings
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(tmp_path / "gunicorn.conf.py"),
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "tests.slow.gunicorn_app:create()",
        ],
        cwd=ROOT,
        env={**_environment(), "KMPORTAL_TEST_CONFIG": str(tmp_path / "config.json")},
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, server, tmp_path / "gunicorn.log")
        engine = sa.create_engine(
            config["SQLALCHEMY_DATABASE_URI"].replace("postgresql://", "postgresql+psycopg://")
        )
        yield url, ids, engine, config
        engine.dispose()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _environment() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("KMPORTAL_")}


def _wait_until_serving(url: str, server, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {log.read_text()[-3000:]}")
        try:
            # Every worker up: as many health checks at once as there are workers.
            statuses = together([(Person(url), "/healthz", None)] * WORKERS, method="GET")
            if all(status == 200 for status, _ in statuses):
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("gunicorn did not start serving within two minutes")


def test_identical_requests_released_together_have_one_effect(portal):
    url, ids, engine, config = portal
    ids["url"] = url
    people = {
        name: Person(url).sign_in(f"{name.replace('_', '.')}@example.org", PASSWORD)
        for name in ("secretariat", "focal_br", "focal_co")
    }
    problems: list[str] = []
    for action in ACTIONS:
        problems += action(people, ids, Database(engine))
    assert problems == []


class Database:
    def __init__(self, engine):
        self.engine = engine

    def value(self, sql: str, **params):
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()

    def events(self, action: str, entity_id: int) -> int:
        return self.value(
            "SELECT count(*) FROM audit_event WHERE action = :action AND entity_id = :id",
            action=action,
            id=entity_id,
        )


def check(name: str, results, successes: dict[int, int], effects: dict[str, tuple]) -> list:
    """What went wrong in one burst: a failed request or a 5xx, a number of successes (by
    status) other than expected, an effect counted other than expected (label: got, wanted)."""
    statuses = [status for status, _ in results]
    problems = [
        f"{name}: {status} {body[:300]}" for status, body in results if not 200 <= status < 500
    ]
    for status, wanted in successes.items():
        if statuses.count(status) != wanted:
            problems.append(f"{name}: {statuses.count(status)} × {status}, wanted {wanted}")
    problems += [
        f"{name}: {label} is {got!r}, wanted {wanted!r}"
        for label, (got, wanted) in effects.items()
        if got != wanted
    ]
    return problems


def complete_a_transfer(people, ids, database):
    transfer = ids["complete"]
    data = {"on": DATES["complete"].isoformat(), "note": "", "reason": "", "lessons": ""}
    results = together([(people["secretariat"], f"/transfers/{transfer}/steps/complete", data)] * N)
    return check(
        "complete",
        results,
        {302: 1},
        {
            "follow-ups": (
                database.value(
                    "SELECT count(*) FROM follow_up WHERE transfer_id = :id", id=transfer
                ),
                3,  # FOLLOW_UP_MONTHS: 6, 12 and 24 months
            ),
            "completions": (database.events("transfer.complete", transfer), 1),
        },
    )


def publish_a_practice(people, ids, database):
    from kmportal.practices.enums import Criterion

    practice = ids["publish"]
    data = {f"v-score_{c.value}": "2" for c in Criterion} | {"v-publish": "1", "v-note": ""}
    results = together([(people["secretariat"], f"/practices/{practice}/validate", data)] * N)
    return check(
        "publish",
        results,
        {302: 1},
        {
            "publications": (database.events("practice.publish", practice), 1),
            "state": (
                database.value("SELECT state FROM practice WHERE id = :id", id=practice),
                "published",
            ),
        },
    )


def propose_the_same_transfer(people, ids, database):
    practice = ids["propose"]
    data = transfer_values(practice_id=practice)
    results = together([(people["secretariat"], "/transfers/new", data)] * N)
    live = database.value(
        "SELECT count(*) FROM transfer WHERE practice_id = :id AND recipient_code = 'CO' "
        "AND status <> 'cancelled'",
        id=practice,
    )
    return check("propose", results, {302: 1}, {"live transfers": (live, 1)})


def edit_a_published_practice(people, ids, database):
    practice = ids["edit"]
    data = form_data(title="Título proposto ao mesmo tempo")
    results = together([(people["focal_br"], f"/practices/{practice}/edit", data)] * N)
    pending = database.value(
        "SELECT count(*) FROM pending_edit WHERE practice_id = :id AND status = 'pending'",
        id=practice,
    )
    return check(
        "edit",
        results,
        {},
        {
            "pending edits": (pending, 1),
            "proposals": (database.events("practice.propose_edit", practice), 1),
        },
    )


def confirm_both_sides_together(people, ids, database):
    transfer = ids["confirm"]
    path, data = f"/transfers/{transfer}/confirm", {"on": "2016-04-01", "note": "", "side": ""}
    half = N // 2
    results = together(
        [(people["focal_br"], path, data)] * half + [(people["focal_co"], path, data)] * half
    )
    return check(
        "confirm",
        results,
        {302: 2},
        {
            "confirmations": (
                database.value(
                    "SELECT count(*) FROM transfer_confirmation WHERE transfer_id = :id",
                    id=transfer,
                ),
                2,
            ),
            "marked confirmed by both": (
                database.value(
                    "SELECT fully_confirmed_on IS NOT NULL FROM transfer WHERE id = :id",
                    id=transfer,
                )
                in (True, 1),
                True,
            ),
        },
    )


def join_a_training(people, ids, database):
    training = ids["training"]
    path = f"/trainings/{training}/participants"
    results = together([(people["focal_br"], path, {"user_id": ""})] * N)
    participants = database.value(
        "SELECT count(*) FROM training_participant WHERE training_id = :id", id=training
    )
    return check("join", results, {303: 1}, {"participants": (participants, 1)})


def invite_the_same_address(people, ids, database):
    data = {
        "email": "Nueva.Persona@example.org",
        "name": "Nueva Persona",
        "role": "focal_point",
        "country": "GT",
        "language": "es",
    }
    results = together([(people["secretariat"], "/users/new", data)] * N)
    accounts = database.value(
        "SELECT count(*) FROM \"user\" WHERE lower(email) = 'nueva.persona@example.org'"
    )
    return check("invite", results, {200: 1}, {"accounts": (accounts, 1)})


def create_through_the_api_with_one_key(people, ids, database):
    """A script retrying one create: the same Idempotency-Key, one practice; the copies
    that arrive while the first runs are 409, those after it its answer replayed."""
    from tests.factories import practice_values

    caller = ApiCaller(ids["url"], ids["token"], {"Idempotency-Key": "create-once"})
    title = "Criada uma vez só pela API"
    body = practice_values(title=title, tags=["api"])
    results = together([(caller, "/api/v1/practices", body)] * N)
    statuses = [status for status, _ in results]
    created = database.value("SELECT count(*) FROM practice WHERE title = :t", t=title)
    problems = check("api create", results, {}, {"practices": (created, 1)})
    if set(statuses) - {201, 409} or 201 not in statuses:
        problems.append(f"api create: statuses {sorted(statuses)}")
    return problems


def submit_through_the_api(people, ids, database):
    practice = ids["api_submit"]
    caller = ApiCaller(ids["url"], ids["token"])
    results = together([(caller, f"/api/v1/practices/{practice}/submit", None)] * N)
    return check(
        "api submit",
        results,
        {200: 1, 409: N - 1},
        {"submissions": (database.events("practice.submit", practice), 1)},
    )


ACTIONS = (
    complete_a_transfer,
    publish_a_practice,
    propose_the_same_transfer,
    edit_a_published_practice,
    confirm_both_sides_together,
    join_a_training,
    invite_the_same_address,
    create_through_the_api_with_one_key,
    submit_through_the_api,
)
