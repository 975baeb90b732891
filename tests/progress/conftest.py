"""Fixtures for progress: the transfer factory and helpers of tests/transfers, and a bulk
generator for data sizes that services would take too long to build."""

from tests.transfers.conftest import english, focal_mx, transfers  # noqa: F401
