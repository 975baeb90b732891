"""Reference data: member countries, the work plan, its results, activities and targets."""


def init_app(app) -> None:
    from kmportal.reference import models  # noqa: F401
    from kmportal.reference.cli import reference_cli
    from kmportal.reference.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reference_cli)
