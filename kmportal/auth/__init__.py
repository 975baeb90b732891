"""People and roles: users, log-in, passwords, and who may do what."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from kmportal.auth import models, sessions, throttle  # noqa: F401
    from kmportal.auth.admin_views import bp as users_bp
    from kmportal.auth.cli import users_cli
    from kmportal.auth.views import bp
    from kmportal.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    sessions.init_app(app)  # the user loader: by session token (sessions.py)
    from kmportal.auth.service import may_manage_accounts

    app.jinja_env.globals["may_manage_accounts"] = may_manage_accounts
    app.register_blueprint(bp)
    app.register_blueprint(users_bp)
    app.cli.add_command(users_cli)
