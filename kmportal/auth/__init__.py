"""People and roles: users, log-in, passwords, and who may do what."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from kmportal.auth import models  # noqa: F401
    from kmportal.auth.admin_views import bp as users_bp
    from kmportal.auth.cli import users_cli
    from kmportal.auth.views import bp
    from kmportal.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.register_blueprint(bp)
    app.register_blueprint(users_bp)
    app.cli.add_command(users_cli)


def load_user(user_id: str):
    """The signed-in user of a session: an active account, or nobody."""
    from kmportal.auth.models import User
    from kmportal.extensions import db

    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None
