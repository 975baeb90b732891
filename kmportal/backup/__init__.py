"""Backups: `flask backup create` writes the database, the uploads and a manifest into one
archive; `flask backup restore` verifies and restores it. Rules in service.py."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.backup.cli import backup_cli

    app.config.setdefault("PG_BIN_DIR", None)
    app.cli.add_command(backup_cli)
