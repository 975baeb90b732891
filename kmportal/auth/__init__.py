"""People and roles: users, log-in, passwords, and who may do what."""


def init_app(app) -> None:
    from kmportal.auth import models, sessions, throttle  # noqa: F401
    from kmportal.auth.admin_views import bp as users_bp
    from kmportal.auth.cli import users_cli
    from kmportal.auth.views import bp

    sessions.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(users_bp)
    app.cli.add_command(users_cli)
