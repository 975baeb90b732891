"""kmportal: good practices against child labour, their transfers between countries, and
progress toward the Objective 3 targets of the Regional Initiative's work plan."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from kmportal.config import load_config

# One package per capability; each has init_app(app) that imports its models and registers
# its blueprint, CLI commands, hooks and its own web pieces (auth the user loader, main the
# locale selector, each its template globals). Order matters only for the shared pieces first.
CAPABILITIES = (
    "kmportal.audit",
    "kmportal.attachments",
    "kmportal.reference",
    "kmportal.auth",
    "kmportal.tokens",
    "kmportal.main",
    "kmportal.practices",
    "kmportal.search",
    "kmportal.transfers",
    "kmportal.mywork",
    "kmportal.notifications",
    "kmportal.needs",
    "kmportal.progress",
    "kmportal.demo",
    "kmportal.operations",
    "kmportal.backup",
    "kmportal.opendata",
    "kmportal.pagecache",
    "kmportal.api",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path())
    load_config(app, test_config)

    from kmportal import extensions, security, web

    security.init_app(app)  # first: refuses a weak secret key before anything else starts

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=_migrations_dir(), render_as_batch=True, compare_type=True
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.limiter.init_app(app)

    app.url_map.converters["int"] = web.DatabaseIdConverter
    for name in CAPABILITIES:
        importlib.import_module(name).init_app(app)
    with app.app_context():
        web.configure_sqlite(extensions.db.engine)
    web.init_app(app)
    return app


def _instance_path() -> str | None:
    """KMPORTAL_INSTANCE_PATH, when set: where the database, uploads, index and secret live
    (Flask's default is instance/ beside the package)."""
    configured = os.environ.get("KMPORTAL_INSTANCE_PATH")
    return os.path.abspath(os.path.expanduser(configured)) if configured else None


def _migrations_dir() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")
