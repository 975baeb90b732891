"""Sessions end when they should: the cookies carry the account's session token, which
log-out, a password change, a reset by the secretariat and a deactivation replace."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from kmportal import create_app
from kmportal.auth import service
from kmportal.extensions import db
from tests.conftest import PASSWORD, base_config

SIGNED_IN_PAGE = "/work"


def signed_in(client) -> bool:
    return client.get(SIGNED_IN_PAGE).status_code == 200


def log_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def cookie(client, name="session"):
    found = client.get_cookie(name)
    return found.value if found else None


def replay(app, name: str, value: str):
    """A fresh browser holding only an old cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def test_the_cookie_holds_the_session_token_not_the_user_id(app, client, focal_br):
    log_in(client, focal_br)
    assert focal_br.get_id() == focal_br.session_token
    assert len(focal_br.session_token) >= 40
    assert str(focal_br.id) != focal_br.get_id()


def test_session_cookie_replayed_after_log_out_is_signed_out(app, client, auth, focal_br):
    log_in(client, focal_br)
    old = cookie(client)
    assert signed_in(replay(app, "session", old))
    auth.logout()
    assert not signed_in(replay(app, "session", old))


def test_remember_me_cookie_replayed_after_log_out_is_signed_out(app, client, auth, focal_br):
    log_in(client, focal_br, remember=True)
    old = cookie(client, "remember_token")
    assert old and signed_in(replay(app, "remember_token", old))
    auth.logout()
    assert not signed_in(replay(app, "remember_token", old))


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, focal_br):
    log_in(client, focal_br, remember=True)
    old_session, old_remember = cookie(client), cookie(client, "remember_token")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another long one",
            "confirm": "another long one",
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert cookie(client, "remember_token") not in (None, old_remember)
    assert not signed_in(replay(app, "session", old_session))
    assert not signed_in(replay(app, "remember_token", old_remember))


@pytest.mark.parametrize("step", ["reset", "deactivate"])
def test_secretariat_reset_or_deactivation_signs_the_person_out(
    app, client, focal_br, secretariat, step
):
    log_in(client, focal_br, remember=True)
    old_session, old_remember = cookie(client), cookie(client, "remember_token")
    if step == "reset":
        service.reset_password(secretariat, focal_br)
    else:
        service.update_user(secretariat, focal_br, focal_br.role, "BR", "pt", active=False)
    assert not signed_in(replay(app, "session", old_session))
    assert not signed_in(replay(app, "remember_token", old_remember))


def test_other_account_changes_do_not_sign_out(app, client, focal_br, secretariat):
    log_in(client, focal_br)
    service.update_user(secretariat, focal_br, focal_br.role, "BR", "es", active=True)
    assert signed_in(replay(app, "session", cookie(client)))


def test_a_token_is_rotated_to_a_new_unique_value(app, focal_br):
    before = focal_br.session_token
    focal_br.rotate_session_token()
    db.session.commit()
    assert focal_br.session_token != before


def test_signed_in_responses_are_not_stored_and_anonymous_ones_may_be(client, focal_br):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    log_in(client, focal_br)
    for path in ("/", SIGNED_IN_PAGE, "/practices/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def production_app(tmp_path, template_database, **extra):
    import shutil

    shutil.copy(template_database, tmp_path / "prod.sqlite3")
    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    config.update(TESTING=False, SECRET_KEY="k" + "0123456789abcdef" * 3, **extra)
    return create_app(config)


def test_production_cookies_are_secure_lax_and_remember_me_lasts_30_days(
    tmp_path, template_database
):
    app = production_app(tmp_path, template_database, REMEMBER_COOKIE_DURATION=timedelta(days=365))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    with app.app_context():
        user = service.create_user("p@example.org", "P", PASSWORD, service.Role.SECRETARIAT)
        client = app.test_client()
        response = client.post(
            "https://localhost/login",
            data={"email": user.email, "password": PASSWORD, "remember": "y"},
        )
        db.session.remove()
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = cookies[name].lower()
        assert "secure" in flags and "samesite=lax" in flags and "httponly" in flags, flags
    expires = cookies["remember_token"].split("Expires=", 1)[1].split(";", 1)[0]
    lifetime = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_cookies_may_be_made_plain_for_local_http(tmp_path, template_database):
    app = production_app(
        tmp_path, template_database, SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False
    )
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


def test_debug_and_testing_apps_do_not_require_https(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False
