"""Attached documents: type checked from content, stored under instance/ with generated names."""


def init_app(app) -> None:
    from kmportal.attachments import models  # noqa: F401
