"""API fixtures: bearer tokens for a user, and a JSON client that sends them."""

from __future__ import annotations

import pytest


@pytest.fixture
def bearer(app):
    """bearer(user, scope="write") -> the Authorization header of a new token of theirs."""

    def make(user, scope: str = "write") -> dict[str, str]:
        from kmportal.tokens import service as tokens

        _token, raw = tokens.create_token(user, f"test {scope}", scope)
        return {"Authorization": f"Bearer {raw}"}

    return make
