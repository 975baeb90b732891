"""Password self-service: a signed, expiring, single-use link by mail."""

from __future__ import annotations

import re

import pytest
from itsdangerous import TimestampSigner

from kmportal.auth.models import User
from kmportal.extensions import db
from kmportal.notifications import mail, reset
from kmportal.notifications.models import Notification
from tests.conftest import PASSWORD
from tests.notifications.conftest import body, mails

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def english(app, client):
    from flask_babel import refresh

    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    with client.session_transaction() as session:
        session["lang"] = "en"


def ask(client, address):
    return client.post("/password/forgot", data={"email": address})


def link_in_mail(outbox) -> str:
    (message,) = mails(outbox)
    return re.search(r"https://portal\.example\.org(/password/reset/\S+)", body(message)).group(1)


def test_the_log_in_page_offers_it(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_the_same_answer_for_an_unknown_address(client, focal_br):
    known, unknown = ask(client, focal_br.email), ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert Notification.query.filter_by(kind="password_reset").count() == 1


def test_an_address_with_markup_is_refused_clearly(client):
    response = ask(client, "<script>alert(1)</script>@example.org")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in page and "<script>alert" not in page
    assert Notification.query.count() == 0


def test_the_link_sets_a_new_password_once_and_ends_every_session(
    app, client, auth, outbox, focal_br
):
    other_device = app.test_client()
    other_device.post("/login", data={"email": focal_br.email, "password": PASSWORD})
    assert other_device.get("/notifications").status_code == 200
    ask(client, focal_br.email.upper())
    mail.send_due()
    link = link_in_mail(outbox)
    assert client.get(link).status_code == 200
    short = client.post(link, data={"new_password": "short", "confirm": "short"})
    assert short.status_code == 422  # the usual password rules
    done = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert db.session.get(User, focal_br.id).check_password(NEW_PASSWORD)
    assert other_device.get("/notifications").status_code == 302  # signed out
    again = client.post(
        link, data={"new_password": "another passphrase", "confirm": "another passphrase"}
    )
    assert again.status_code == 400
    assert "not valid or has expired" in again.get_data(as_text=True)
    assert auth.login(focal_br, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("token", ["nonsense", "a" * 500, "eyJ1IjoxfQ.x.y", "%00"])
def test_unknown_tokens_are_refused(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code in (400, 404)
    assert client.post(f"/password/reset/{token}", data={}).status_code in (400, 404)


def test_an_expired_link_is_refused(app, client, focal_br, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 7200)
    token = reset.make_token(focal_br)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_the_reset_mail_is_in_the_persons_language(app, client, outbox, focal_br):
    ask(client, focal_br.email)
    mail.send_due()
    (message,) = mails(outbox)
    assert "redefina sua senha" in message["Subject"]
