"""Fixtures: a fresh database per test (a copy of a template built once), one user per role,
and factories for practices. tests/README.md describes the markers and the slow tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient

from kmportal import create_app
from kmportal.auth import service as accounts
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.reference import loaders
from tests.factories import PracticeFactory

PASSWORD = "correct horse battery"


def base_config(tmp_path: Path, database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "SEARCH_VECTORS_FILE": str(tmp_path / "vectors.sqlite3"),
        # Encoding every practice a test saves would slow the suite: the semantic leg's
        # own tests (tests/search/test_search_semantic.py) turn it on.
        "SEARCH_SEMANTIC": False,
    }


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Path:
    """A SQLite file with the schema and the reference data, built once per test session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(base_config(path.parent, f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        loaders.load_countries()
        loaders.load_plan()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, template_database):
    path = tmp_path / "test.sqlite3"
    shutil.copy(template_database, path)
    app = create_app(base_config(tmp_path, f"sqlite:///{path}"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class FreshGlobalsClient(FlaskClient):
    """The tests keep one app context open (and so one database session) across requests, so
    that they can look at the database between requests. In production every request has its
    own app context; give each request an empty `g` so that per-request caches (the locale,
    the signed-in user) never leak from one request to the next."""

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email, role, country=None, language="es"):
    return accounts.create_user(email, email.split("@")[0], PASSWORD, role, country, language)


@pytest.fixture
def secretariat(app):
    return make_user("secretariat@example.org", Role.SECRETARIAT)


@pytest.fixture
def focal_br(app):
    return make_user("focal.br@example.org", Role.FOCAL_POINT, "BR", "pt")


@pytest.fixture
def focal_co(app):
    return make_user("focal.co@example.org", Role.FOCAL_POINT, "CO", "es")


@pytest.fixture
def practices(app, secretariat):
    return PracticeFactory(secretariat)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
