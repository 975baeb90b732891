"""Audit trail: who changed what and when, for every write that matters."""


def init_app(app) -> None:
    from kmportal.audit import models  # noqa: F401
