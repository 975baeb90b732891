"""Fixtures of the plan tests: the transfers factory of the transfer tests."""

from tests.transfers.conftest import english, transfers  # noqa: F401
