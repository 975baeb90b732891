"""While the database is unreachable: 503 pages in the reader's language, without a query,
and everything back as soon as it returns (the PostgreSQL stop/start test is in
tests/slow/test_outage_postgres.py)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from kmportal.extensions import db

HEADINGS = {
    "en": "The portal is unavailable for a moment",
    "es": "El portal no está disponible por un momento",
    "pt": "O portal está indisponível por um momento",
    "fr": "Le portail est indisponible pour un moment",
}


class Outage:
    """Every new connection is refused, as when the server is down; counts the attempts."""

    def __init__(self, engine):
        self.engine = engine
        self.attempts = 0

    def _refuse(self, *_args, **_kwargs):
        self.attempts += 1
        raise sqlite3.OperationalError("unable to open database file")

    def __enter__(self):
        db.session.remove()
        self.engine.dispose()
        sa.event.listen(self.engine, "do_connect", self._refuse)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "do_connect", self._refuse)


@pytest.fixture
def outage(app):
    return Outage(db.engine)


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_anonymous_reader_gets_a_503_in_their_language(client, outage, language):
    with outage:
        response = client.get("/practices/", headers={"Accept-Language": language})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert HEADINGS[language] in response.get_data(as_text=True)
    # The page cache's version read (which then steps aside) and the view's own attempt:
    # the outage page itself never asks for a connection.
    assert outage.attempts == 2


def test_signed_in_user_gets_the_503_in_their_own_language(client, auth, focal_br, outage):
    auth.login(focal_br)
    assert client.get("/work").status_code == 200
    with outage:
        response = client.get("/work", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert HEADINGS["pt"] in page
    assert focal_br.email not in page
    assert outage.attempts == 1


def test_language_chosen_on_the_site_wins_on_the_503_page(client, outage):
    client.get("/language/es", headers={"Referer": "http://localhost/"})
    with outage:
        response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.status_code == 503
    assert HEADINGS["es"] in response.get_data(as_text=True)


def test_a_form_post_during_an_outage_is_a_503_too(client, auth, focal_br, outage):
    auth.login(focal_br)
    with outage:
        response = client.post("/logout")
    assert response.status_code == 503


def test_pages_work_again_when_the_database_returns(client, auth, focal_br, outage):
    auth.login(focal_br)
    with outage:
        assert client.get("/work").status_code == 503
    assert client.get("/work").status_code == 200
    assert client.get("/").status_code == 200


def test_json_clients_get_a_json_503(client, outage):
    with outage:
        response = client.get("/practices/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "database"}


def test_retry_after_is_a_setting(app, client, outage):
    app.config["OUTAGE_RETRY_AFTER"] = 120
    with outage:
        assert client.get("/").headers["Retry-After"] == "120"


def test_other_database_errors_stay_ordinary_errors(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise sa.exc.IntegrityError("INSERT", {}, Exception("duplicate"))

    assert client.get("/boom").status_code == 500


def test_an_error_page_during_an_outage_is_the_503_page(client, auth, focal_br, outage):
    auth.login(focal_br)
    with outage:
        response = client.get("/no-such-page")
    assert response.status_code == 503
    assert HEADINGS["pt"] in response.get_data(as_text=True)


def test_after_sign_out_the_503_page_no_longer_uses_their_language(client, auth, focal_br, outage):
    auth.login(focal_br)
    client.get("/work")
    auth.logout()
    with outage:
        response = client.get("/", headers={"Accept-Language": "fr"})
    assert HEADINGS["fr"] in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/api/v1/practices", "/api/v1/countries", "/api/v1/me", "/api/v1/openapi.json"]
)
def test_the_api_answers_its_own_error_shape_during_an_outage(client, outage, path):
    """A token is looked up in the database: even the document answers 503 with one."""
    with outage:
        response = client.get(
            path, headers={"Accept-Language": "pt", "Authorization": "Bearer kmp_" + "a" * 43}
        )
    assert response.status_code == 503 and response.headers["Retry-After"]
    body = response.get_json()
    assert set(body) == {"status", "error", "message", "errors"} and body["status"] == 503
    assert "banco de dados" in body["message"]
