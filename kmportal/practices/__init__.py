"""Good practices: the record, its workflow, the ILO criteria, revisions and pending edits."""


def init_app(app) -> None:
    from kmportal.practices import importing, models  # noqa: F401
    from kmportal.practices.views import bp

    app.register_blueprint(bp)
    importing.init_app(app)
    # A global rather than context: macros imported without context can call it too.
    app.jinja_env.globals["enum_label"] = enum_label


def enum_label(kind: str, value: str):
    """The translated label of a stored enum value, for the facets kept as plain strings."""
    from kmportal.languages import LANGUAGE_NAMES
    from kmportal.practices.enums import Actor, Sector, StrategicOutcome

    if kind == "language":
        return LANGUAGE_NAMES.get(value, value)
    enum_cls = {"sector": Sector, "outcome": StrategicOutcome, "actor": Actor}[kind]
    try:
        return enum_cls(value).label
    except ValueError:
        return value
