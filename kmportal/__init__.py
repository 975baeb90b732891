"""kmportal: good practices against child labour, their transfers between countries, and
progress toward the Objective 3 targets of the Regional Initiative's work plan."""

from __future__ import annotations

from flask import Flask

from kmportal.config import load_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, test_config)

    from kmportal import extensions, web

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=_migrations_dir(), render_as_batch=True, compare_type=True
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)

    from kmportal.main.views import select_locale

    extensions.babel.init_app(app, locale_selector=select_locale)
    _import_models()
    with app.app_context():
        web.configure_sqlite(extensions.db.engine)

    from kmportal.auth.views import bp as auth_bp
    from kmportal.main.views import bp as main_bp
    from kmportal.practices.views import bp as practices_bp
    from kmportal.reference.views import bp as reference_bp

    for blueprint in (main_bp, auth_bp, practices_bp, reference_bp):
        app.register_blueprint(blueprint)

    from kmportal.auth.cli import users_cli
    from kmportal.demo.cli import demo_cli
    from kmportal.reference.cli import reference_cli

    for group in (users_cli, reference_cli, demo_cli):
        app.cli.add_command(group)

    web.init_app(app)
    return app


def _import_models() -> None:
    """Every model module, so that the metadata (and Alembic) sees the whole schema."""
    from kmportal.attachments import models as _attachments  # noqa: F401
    from kmportal.audit import models as _audit  # noqa: F401
    from kmportal.auth import models as _auth  # noqa: F401
    from kmportal.practices import models as _practices  # noqa: F401
    from kmportal.reference import models as _reference  # noqa: F401


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
