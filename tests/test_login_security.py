"""Log-in: the same work for known and unknown accounts, limits per account and per address
kept in the database, the proxy's address when configured, every attempt logged and audited."""

import logging
import shutil

import pytest
import sqlalchemy as sa

from kmportal import create_app
from kmportal.audit.models import AuditEvent
from kmportal.auth import passwords
from kmportal.auth.models import Role
from kmportal.auth.throttle import LoginThrottle, parse_limits
from kmportal.extensions import db
from tests.conftest import PASSWORD, FreshGlobalsClient, base_config


def events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password hash check, as (method of the hash, password)."""
    calls = []
    real = passwords.check_password_hash

    def counting(password_hash, password):
        calls.append((password_hash.split("$", 1)[0], password))
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "inactive account"])
def test_every_failed_log_in_costs_one_hash_check_like_a_real_one(
    app, client, focal_br, hash_checks, case
):
    email = "nobody@example.org" if case == "unknown e-mail" else focal_br.email
    if case == "inactive account":
        focal_br.active = False
        db.session.commit()
    password = PASSWORD if case == "inactive account" else "not the password"
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert len(hash_checks) == 1
    method = focal_br.password_hash.split("$", 1)[0]
    assert hash_checks[0] == (method, password)  # same method and cost as a real account


def test_a_successful_log_in_costs_one_hash_check(client, focal_br, hash_checks):
    client.post("/login", data={"email": focal_br.email, "password": PASSWORD})
    assert len(hash_checks) == 1


def limited_app(tmp_path, template_database, **extra):
    shutil.copy(template_database, tmp_path / "limited.sqlite3")
    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'limited.sqlite3'}")
    config.update(
        {
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_PAIR": "3 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
            "LOGIN_LIMIT_PER_ADDRESS": "5 per minute",
            **extra,
        }
    )
    return create_app(config)


@pytest.fixture
def limited(tmp_path, template_database):
    app = limited_app(tmp_path, template_database)
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def attempt(client, email, password="wrong", address="10.0.0.1"):
    return client.post(
        "/login?lang=en",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_the_account_limit_holds_from_any_address(limited):
    from tests.conftest import make_user

    user = make_user("limited@example.org", Role.SECRETARIAT)
    client = limited.test_client()
    statuses = [attempt(client, user.email, address=f"10.0.0.{n}") for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    # Even the right password is not tried once the account is over its limit.
    assert attempt(client, user.email, PASSWORD, address="10.9.9.9") == 429
    assert client.get("/login").status_code == 200  # only attempts are limited


def test_one_person_does_not_lock_out_an_office_behind_one_address(limited):
    from tests.conftest import make_user

    colleague = make_user("colleague@example.org", Role.SECRETARIAT)
    client = limited.test_client()
    assert [attempt(client, "guesser@example.org") for _ in range(4)][-1] == 429
    # The same address, another account: still under the (higher) address limit.
    assert attempt(client, colleague.email, PASSWORD) == 302


def test_the_address_limit_holds_across_accounts(limited):
    client = limited.test_client()
    statuses = [attempt(client, f"user{n}@example.org") for n in range(6)]
    assert statuses == [422] * 5 + [429]
    assert attempt(client, "user9@example.org", address="10.0.0.2") == 422


def test_a_successful_log_in_gives_its_count_back(limited):
    from tests.conftest import make_user

    user = make_user("back@example.org", Role.SECRETARIAT)
    client = limited.test_client()
    assert attempt(client, user.email) == 422
    assert attempt(client, user.email) == 422
    assert attempt(client, user.email, PASSWORD) == 302
    client.post("/logout")
    assert attempt(client, user.email) == 422  # the third failure, not the fourth attempt


def test_the_refusal_says_why_in_the_persons_language(limited):
    client = limited.test_client()
    for _ in range(3):
        attempt(client, "x@example.org")
    response = client.post("/login?lang=pt", data={"email": "x@example.org", "password": "x"})
    assert response.status_code == 429
    assert "Muitas tentativas" in response.get_data(as_text=True)


def test_counters_are_rows_in_the_database(limited):
    client = limited.test_client()
    attempt(client, "x@example.org")
    rows = db.session.scalars(sa.select(LoginThrottle)).all()
    # pair, account and address, each with one window: what every worker reads.
    assert sorted(row.count for row in rows) == [1, 1, 1]
    assert all("x@example.org" not in row.key for row in rows)  # stored hashed


def test_limits_are_read_as_people_write_them():
    windows = parse_limits("5 per minute; 20 per hour")
    assert [(w.amount, w.seconds) for w in windows] == [(5, 60), (20, 3600)]


def test_sign_in_failure_and_sign_out_are_audited_with_the_address_never_the_password(
    client, focal_br, caplog, monkeypatch
):
    # Alembic's env.py (run by the migration tests) calls fileConfig, which disables the
    # loggers that exist at that moment; in production it runs in its own process.
    monkeypatch.setattr(logging.getLogger("kmportal.auth"), "disabled", False)
    caplog.set_level(logging.INFO, logger="kmportal.auth")
    address = {"REMOTE_ADDR": "192.0.2.7"}
    client.post(
        "/login", data={"email": focal_br.email, "password": "s3cret-guess"}, environ_base=address
    )
    client.post(
        "/login",
        data={"email": "ghost@example.org", "password": "s3cret-guess"},
        environ_base=address,
    )
    client.post(
        "/login", data={"email": focal_br.email, "password": PASSWORD}, environ_base=address
    )
    client.post("/logout", environ_base=address)
    failed = events("user.login_failed")
    assert [e.entity_id for e in failed] == [focal_br.id, 0]
    assert failed[1].changes["email"] == [None, "ghost@example.org"]
    (signed_in,) = events("user.login")
    (signed_out,) = events("user.logout")
    assert signed_in.actor_id == signed_out.actor_id == focal_br.id
    for event in failed + [signed_in, signed_out]:
        assert event.changes["address"] == [None, "192.0.2.7"]
        assert "s3cret-guess" not in str(event.changes) and PASSWORD not in str(event.changes)
    assert "s3cret-guess" not in caplog.text and PASSWORD not in caplog.text
    assert caplog.text.count("failed sign-in") == 2
    assert "signed in: focal.br@example.org from 192.0.2.7" in caplog.text
    assert "signed out: focal.br@example.org" in caplog.text


@pytest.mark.parametrize(("hops", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_proxys_address_is_used_only_when_configured(tmp_path, template_database, hops, seen):
    app = limited_app(tmp_path, template_database, PROXY_FIX_X_FOR=hops, RATELIMIT_ENABLED=False)
    with app.app_context():
        app.test_client().post(
            "/login",
            data={"email": "a@example.org", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        (event,) = events("user.login_failed")
        assert event.changes["address"] == [None, seen]
        db.session.remove()
        db.engine.dispose()
