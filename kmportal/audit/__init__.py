"""Audit trail: who changed what and when, for every write that matters."""


def init_app(app) -> None:
    from kmportal.audit import models  # noqa: F401
    from kmportal.audit.labels import action_label

    # Globals rather than context: macros imported without context can call them too.
    app.jinja_env.globals["action_label"] = action_label
