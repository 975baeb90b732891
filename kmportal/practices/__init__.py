"""Good practices: the record, its workflow, the ILO criteria, revisions and pending edits."""


def init_app(app) -> None:
    from kmportal.practices import models  # noqa: F401
    from kmportal.practices.views import bp

    app.register_blueprint(bp)
