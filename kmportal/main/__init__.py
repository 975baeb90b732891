"""Home page, health check, language choice and error pages."""


def init_app(app) -> None:
    from kmportal.main.views import bp

    app.register_blueprint(bp)
