"""Bulk import of practices from CSV, XLSX or JSON (`flask practices import`): see service.py."""


def init_app(app) -> None:
    from kmportal.practices.importing import models  # noqa: F401
    from kmportal.practices.importing.cli import practices_cli

    app.cli.add_command(practices_cli)
