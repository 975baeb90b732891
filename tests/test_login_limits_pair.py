"""The log-in limits per (account, address) pair, per account and per address, together: one
person does not lock out an office, and guessing is stopped from one or many addresses."""

import pytest

from kmportal.auth.models import Role
from kmportal.extensions import db
from tests.conftest import PASSWORD, FreshGlobalsClient, make_user
from tests.test_login_security import attempt, limited_app

OFFICE = "198.51.100.20"  # a ministry behind one connection


@pytest.fixture
def limits(tmp_path, template_database):
    app = limited_app(
        tmp_path,
        template_database,
        LOGIN_LIMIT_PER_PAIR="2 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="4 per minute",
        LOGIN_LIMIT_PER_ADDRESS="6 per minute",
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_one_person_mistyping_in_an_office_locks_out_only_themselves_there(limits):
    person = make_user("mistypes@example.org", Role.FOCAL_POINT, "BR")
    colleague = make_user("colleague@example.org", Role.FOCAL_POINT, "BR")
    client = limits.test_client()
    assert [attempt(client, person.email, address=OFFICE) for _ in range(3)] == [422, 422, 429]
    # The pair is over its limit: not even the right password is tried from there...
    assert attempt(client, person.email, PASSWORD, address=OFFICE) == 429
    # ...but the colleague in the same office signs in,
    assert attempt(client, colleague.email, PASSWORD, address=OFFICE) == 302
    client.post("/logout")
    # and the person can still sign in from elsewhere (the account is under its wider limit).
    assert attempt(client, person.email, PASSWORD, address="203.0.113.5") == 302


def test_a_whole_office_mistyping_is_stopped_only_at_the_address_limit(limits):
    client = limits.test_client()
    statuses = [attempt(client, f"person{n}@example.org", address=OFFICE) for n in range(7)]
    assert statuses == [422] * 6 + [429]
    # Another address is not touched.
    assert attempt(client, "person9@example.org", address="203.0.113.5") == 422


def test_guessing_one_account_from_many_addresses_is_stopped_by_the_account_limit(limits):
    target = make_user("target@example.org", Role.SECRETARIAT)
    client = limits.test_client()
    statuses = [attempt(client, target.email, address=f"10.1.0.{n}") for n in range(5)]
    assert statuses == [422] * 4 + [429]
    assert attempt(client, target.email, PASSWORD, address="10.1.0.99") == 429


def test_guessing_one_account_from_one_address_is_stopped_by_the_pair_limit(limits):
    target = make_user("target@example.org", Role.SECRETARIAT)
    client = limits.test_client()
    statuses = [attempt(client, target.email, address="10.2.0.1") for _ in range(4)]
    assert statuses == [422, 422, 429, 429]


def test_a_successful_sign_in_clears_its_pairs_failures(limits):
    user = make_user("back@example.org", Role.SECRETARIAT)
    client = limits.test_client()
    assert attempt(client, user.email, address=OFFICE) == 422
    assert attempt(client, user.email, PASSWORD, address=OFFICE) == 302
    client.post("/logout")
    # Two more failures are allowed there again (had the pair kept its count, the second
    # would be refused).
    assert [attempt(client, user.email, address=OFFICE) for _ in range(3)] == [422, 422, 429]


def test_without_a_pair_limit_the_account_and_address_limits_still_hold(
    tmp_path, template_database
):
    app = limited_app(tmp_path, template_database, LOGIN_LIMIT_PER_PAIR="")
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        client = app.test_client()
        statuses = [attempt(client, "x@example.org") for _ in range(4)]
        assert statuses == [422, 422, 422, 429]  # LOGIN_LIMIT_PER_ACCOUNT, 3 per minute
        db.session.remove()
        db.engine.dispose()
