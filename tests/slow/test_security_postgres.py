"""The log-in throttle's counting and the request guard on PostgreSQL."""

import threading

import pytest
from flask_migrate import upgrade

from kmportal.auth import throttle
from kmportal.extensions import db
from tests.conftest import FreshGlobalsClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_concurrent_attempts_never_pass_the_limit_on_postgres(postgres_app):
    upgrade()
    postgres_app.config.update(
        RATELIMIT_ENABLED=True,
        LOGIN_LIMIT_PER_ACCOUNT="5 per hour",
        LOGIN_LIMIT_PER_ADDRESS="1000 per hour",
    )
    attempts, allowed = 12, []
    start = threading.Barrier(attempts)

    def attempt(n):
        with postgres_app.app_context():
            start.wait(timeout=30)
            allowed.append(throttle.reserve("target@example.org", f"10.0.0.{n}"))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert allowed.count(True) == 5 and len(allowed) == attempts
    # The refused attempts left no count: a success giving one back allows exactly one more.
    throttle.release("target@example.org", "10.0.0.1")
    assert throttle.reserve("target@example.org", "10.0.0.2") is True
    assert throttle.reserve("target@example.org", "10.0.0.3") is False


def test_nul_in_any_parameter_is_a_400_not_a_500_on_postgres(postgres_app):
    upgrade()
    postgres_app.test_client_class = FreshGlobalsClient
    client = postgres_app.test_client()
    for path in ("/practices/?country=%00A", "/countries/%00A"):
        assert client.get(path).status_code == 400
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    db.session.rollback()


def test_a_unique_violation_is_a_409_on_postgres(postgres_app):
    from kmportal.auth.models import Role, User

    upgrade()

    def duplicate():
        for _ in range(2):
            db.session.add(
                User(email="twin@example.org", name="T", password_hash="x", role=Role.ADMIN)
            )
        db.session.commit()
        return "saved"

    postgres_app.add_url_rule("/test-duplicate", view_func=duplicate)
    postgres_app.test_client_class = FreshGlobalsClient
    response = postgres_app.test_client().get("/test-duplicate?lang=en")
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
