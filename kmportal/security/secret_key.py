"""The secret key that signs sessions and remember-me cookies: generated once per instance,
shared by every worker, and refused outside debug and testing when it is weak."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

MIN_SECRET_KEY_LENGTH = 32
# Values people copy from examples and tutorials; a key anyone can guess forges any session.
KNOWN_SECRET_KEYS = frozenset(
    {
        "",
        "dev",
        "development",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "mysecret",
        "my-secret-key",
        "your-secret-key",
        "supersecret",
        "super-secret",
        "test",
        "test-secret",
        "testing",
        "password",
        "kmportal",
        "demo-kmportal-2015",
        "replace-me-with-a-long-random-string",
    }
)
HOW_TO_SET = (
    "Set KMPORTAL_SECRET_KEY to a random text of at least 32 characters, for example the "
    'output of: python -c "import secrets; print(secrets.token_hex(32))" (or leave it unset '
    "and the portal generates one into instance/secret_key)."
)


class InsecureSecretKey(RuntimeError):
    """The portal refuses to start: anyone could forge a session with this key."""


def check_secret_key(app: Flask) -> None:
    """Outside debug and testing, the secret key is text, at least 32 characters, not a
    well-known example and not a run of a few characters repeated."""
    if app.debug or app.testing:
        return
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise InsecureSecretKey(f"kmportal will not start: the secret key {problem}. {HOW_TO_SET}")


def secret_key_problem(key) -> str | None:
    if key is None or key == "":
        return "is missing"
    if not isinstance(key, str):
        return f"must be text, not {type(key).__name__}"
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return "is a well-known example value"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(key)) < 8:
        return "repeats too few different characters"
    return None


def instance_secret(instance: Path) -> str:
    """The key in instance/secret_key, created on first use with mode 0600.

    Several workers may start at once: each writes a complete key to a private temporary file
    and hard-links it into place, which succeeds for exactly one of them (the others find the
    file, already whole, and read it), so they all sign with the same key.
    """
    path = instance / "secret_key"
    if not path.exists():
        temporary = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(8)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, secrets.token_hex(32).encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race; its key is the one
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()
