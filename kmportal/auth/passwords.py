"""Password hashing, and the dummy check that makes a sign-in with an unknown e-mail or an
inactive account cost the same hash computation as one with a wrong password."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    # Werkzeug's default is scrypt, a memory-hard KDF with a per-password salt.
    return generate_password_hash(password, method=hash_method())


def verify(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def verify_nothing(password: str) -> bool:
    """Spend one hash check, as verify() would on a real account; always False."""
    verify(_dummy_hash(hash_method()), password)
    return False


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    # Hashed with the accounts' own method and parameters, so the check costs the same.
    return generate_password_hash("no account has this password", method=method)
