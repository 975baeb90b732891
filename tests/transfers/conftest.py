"""Fixtures for transfers: a factory of transfers in any status, and a focal point of a
third country (Mexico), which is on neither side of the usual BR → CO transfer."""

from __future__ import annotations

import pytest

from kmportal.auth.models import Role
from tests.conftest import make_user
from tests.slow.conftest import postgres_app, postgres_url  # noqa: F401 (test_odd_input)
from tests.transfers.factories import TransferFactory


@pytest.fixture
def transfers(app, secretariat):
    return TransferFactory(secretariat)


@pytest.fixture
def focal_mx(app):
    return make_user("focal.mx@example.org", Role.FOCAL_POINT, "MX", "es")


@pytest.fixture(autouse=True)
def english(app, client):
    """Messages read as written (the English msgids), whatever the catalogues translate, so
    that tests can look for their words; pages are requested in English too."""
    from flask_babel import refresh

    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    with client.session_transaction() as session:
        session["lang"] = "en"
