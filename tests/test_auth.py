import pytest
import sqlalchemy as sa

from kmportal.audit.models import AuditEvent
from kmportal.auth import service
from kmportal.auth.models import Role, User
from kmportal.errors import ValidationError
from kmportal.extensions import db
from tests.conftest import PASSWORD


def test_password_is_stored_hashed(app, focal_br):
    assert PASSWORD not in focal_br.password_hash
    assert focal_br.check_password(PASSWORD)
    assert not focal_br.check_password("wrong password")


def test_default_hash_is_scrypt(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = service.create_user("x@example.org", "X", "long enough pass", Role.SECRETARIAT)
    assert user.password_hash.startswith("scrypt:")


def test_login_and_logout(client, auth, focal_br):
    response = auth.login(focal_br)
    assert response.status_code == 302
    assert "focal.br" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get("/work").status_code == 302


def test_wrong_password_gives_a_message_and_no_session(client, focal_br):
    response = client.post("/login?lang=en", data={"email": focal_br.email, "password": "nope"})
    assert response.status_code == 422
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/work").status_code == 302


def test_inactive_user_cannot_log_in(client, auth, focal_br):
    focal_br.active = False
    db.session.commit()
    assert auth.login(focal_br).status_code == 422


def test_login_never_redirects_off_site(client, focal_br):
    response = client.post(
        "/login?next=https://evil.example/x", data={"email": focal_br.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/work"  # My work, never the other site


def test_change_password(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    db.session.refresh(focal_br)
    assert focal_br.check_password("a new long password")
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.password"))


def test_change_password_refuses_wrong_current_and_short_new(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/account/password?lang=en",
        data={"current_password": "wrong", "new_password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.session.refresh(focal_br)
    assert focal_br.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "role", "country", "field"),
    [
        ("no-at-sign", "long enough pass", Role.SECRETARIAT, None, "email"),
        ("a@example.org", "short", Role.SECRETARIAT, None, "password"),
        ("a@example.org", "1234567890123", Role.SECRETARIAT, None, "password"),
        ("a@example.org", "long enough pass", Role.FOCAL_POINT, None, "country"),
        ("a@example.org", "long enough pass", Role.FOCAL_POINT, "XX", "country"),
    ],
)
def test_create_user_refuses_bad_input(app, email, password, role, country, field):
    with pytest.raises(ValidationError) as error:
        service.create_user(email, "Name", password, role, country)
    assert field in error.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_cli_creates_user_with_prompted_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "pf@example.org",
            "--name",
            "PF",
            "--role",
            "focal_point",
            "--country",
            "pe",
        ],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "pf@example.org"))
    assert user.country_code == "PE" and user.check_password("a long password")


def test_cli_has_no_password_option(runner):
    result = runner.invoke(args=["users", "create", "--help"])
    assert "--password" not in result.output


def test_csrf_is_enforced_when_enabled(app, client, focal_br):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": focal_br.email, "password": PASSWORD})
    assert response.status_code == 400
