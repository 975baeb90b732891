"""Reference data: member countries, the work plan, its results, activities and targets."""


def init_app(app) -> None:
    from kmportal.reference import models  # noqa: F401
    from kmportal.reference.cli import plan_cli, reference_cli
    from kmportal.reference.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reference_cli)
    app.cli.add_command(plan_cli)
    # A global rather than context: macros imported without context can call it too.
    app.jinja_env.globals["country_name"] = country_name


def country_name(country) -> str:
    """A country's name in the reader's language ("" for none)."""
    from flask_babel import get_locale

    return country.name(str(get_locale())) if country else ""
