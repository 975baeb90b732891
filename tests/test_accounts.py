import pytest
import sqlalchemy as sa

from kmportal.audit.models import AuditEvent
from kmportal.auth import service
from kmportal.auth.models import Role, User
from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("focal", 403), ("secretariat", 200)]
)
@pytest.mark.parametrize("url", ["/users/", "/users/new", "/users/{focal}"])
def test_only_the_secretariat_manages_accounts(
    client, auth, focal_br, secretariat, role, expected, url
):
    if role != "anonymous":
        auth.login(focal_br if role == "focal" else secretariat)
    assert client.get(url.format(focal=focal_br.id)).status_code == expected


def test_secretariat_opens_an_account_with_a_provisional_password(client, auth, secretariat):
    auth.login(secretariat)
    response = client.post(
        "/users/new?lang=en",
        data={
            "email": "Nuevo.PF@example.org",
            "name": "Nuevo PF",
            "role": "focal_point",
            "country": "GT",
            "language": "es",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Provisional password" in html
    user = db.session.scalar(sa.select(User).where(User.email == "nuevo.pf@example.org"))
    password = html.split("<code>")[1].split("</code>")[0]
    assert user.country_code == "GT" and user.check_password(password)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.actor_id == secretariat.id


def test_account_form_refuses_focal_point_without_country(client, auth, secretariat):
    auth.login(secretariat)
    response = client.post(
        "/users/new?lang=en",
        data={
            "email": "x@example.org",
            "name": "X",
            "role": "focal_point",
            "country": "",
            "language": "es",
        },
    )
    assert response.status_code == 422
    assert "A focal point needs a member country." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None


def test_deactivated_account_is_signed_out_and_cannot_sign_in(client, auth, focal_br, secretariat):
    service.update_user(secretariat, focal_br, Role.FOCAL_POINT, "BR", "pt", active=False)
    assert auth.login(focal_br).status_code == 422
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.changes == {"active": [True, False]}


def test_secretariat_cannot_deactivate_itself(secretariat):
    with pytest.raises(ValidationError):
        service.update_user(secretariat, secretariat, Role.SECRETARIAT, None, "es", False)
    assert secretariat.active


def test_only_an_admin_creates_admins(secretariat):
    with pytest.raises(PermissionDenied):
        service.invite_user(secretariat, "a@example.org", "A", Role.ADMIN, None, "es")


def test_reset_password_gives_a_new_working_password(focal_br, secretariat):
    password = service.reset_password(secretariat, focal_br)
    assert focal_br.check_password(password)


def test_focal_point_cannot_reset_passwords(focal_br, focal_co):
    with pytest.raises(PermissionDenied):
        service.reset_password(focal_br, focal_co)


@pytest.fixture
def admin(app):
    from tests.conftest import make_user

    return make_user("admin@example.org", Role.ADMIN)


def test_secretariat_cannot_reset_an_administrators_password(admin, secretariat):
    with pytest.raises(PermissionDenied):
        service.reset_password(secretariat, admin)


def test_secretariat_cannot_deactivate_an_administrator(admin, secretariat):
    with pytest.raises(PermissionDenied):
        service.update_user(secretariat, admin, Role.ADMIN, None, "es", active=False)
    assert admin.active


def test_admin_manages_admins(admin, secretariat):
    other = service.invite_user(admin, "second@example.org", "Second", Role.ADMIN, None, "es")[0]
    assert service.reset_password(admin, other)


@pytest.mark.parametrize("url", ["/users/new", "/users/{user}"])
def test_unknown_role_is_a_field_error_not_a_server_error(client, auth, secretariat, focal_br, url):
    auth.login(secretariat)
    response = client.post(
        url.format(user=focal_br.id) + "?lang=en",
        data={"email": "z@example.org", "name": "Z", "role": "bogus", "language": "es"},
    )
    assert response.status_code == 422
    assert "Choose a role from the list." in response.get_data(as_text=True)
