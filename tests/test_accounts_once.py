"""Account changes happen once: one account per e-mail address whatever its case, even for
two invitations racing; a deactivation or a reset racing another one is refused, not
doubled (only one provisional password is ever valid, and it is the one shown)."""

import pytest
import sqlalchemy as sa

from kmportal.auth import service
from kmportal.auth.models import Role
from kmportal.errors import Conflict, ValidationError
from kmportal.extensions import db
from tests.once import behind_the_back, fresh

INVITE = ("Ana.Gomez@example.org", "Ana Gómez", "focal_point", "GT", "es")


def users_with(email: str) -> int:
    return fresh("SELECT count(*) FROM user WHERE lower(email) = :email", email=email.lower())


def test_an_address_differing_only_in_case_is_taken(secretariat):
    service.invite_user(secretariat, *INVITE)
    with pytest.raises(ValidationError) as error:
        service.invite_user(secretariat, "ANA.GOMEZ@example.org", *INVITE[1:])
    assert "email" in error.value.errors
    assert users_with("ana.gomez@example.org") == 1


def test_two_invitations_racing_open_one_account(secretariat, monkeypatch):
    service.invite_user(secretariat, *INVITE)
    # The second request checked the address before the first one was committed.
    monkeypatch.setattr(service, "_email_taken", lambda email: False)
    with pytest.raises(ValidationError) as error:
        service.invite_user(secretariat, *INVITE)
    assert "email" in error.value.errors
    assert users_with("ana.gomez@example.org") == 1


def test_the_database_refuses_a_second_account_in_another_case(secretariat):
    service.invite_user(secretariat, *INVITE)
    with pytest.raises(sa.exc.IntegrityError):
        behind_the_back(
            "INSERT INTO user (email, name, password_hash, role, language, active, created_at) "
            "VALUES ('ANA.GOMEZ@EXAMPLE.ORG', 'Ana', 'x', 'focal_point', 'es', 1, "
            "CURRENT_TIMESTAMP)"
        )


def test_a_deactivation_racing_another_change_is_refused(secretariat, focal_br):
    db.session.refresh(focal_br)
    behind_the_back("UPDATE user SET active = 0 WHERE id = :id", id=focal_br.id)
    with pytest.raises(Conflict):
        service.update_user(secretariat, focal_br, Role.FOCAL_POINT, "BR", "pt", False)
    assert (
        fresh(
            "SELECT count(*) FROM audit_event WHERE action = 'user.update' AND entity_id = :id",
            id=focal_br.id,
        )
        == 0
    )


def test_two_resets_at_once_keep_one_provisional_password(secretariat, focal_br):
    db.session.refresh(focal_br)
    behind_the_back(
        "UPDATE user SET password_hash = 'reset-by-another' WHERE id = :id", id=focal_br.id
    )
    with pytest.raises(Conflict):
        service.reset_password(secretariat, focal_br)
    assert fresh("SELECT password_hash FROM user WHERE id = :id", id=focal_br.id) == (
        "reset-by-another"
    )
