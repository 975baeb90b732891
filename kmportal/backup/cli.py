"""`flask backup create` and `flask backup restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from kmportal.backup import service

backup_cli = AppGroup("backup", help="Back up and restore the database and the uploads.")


@backup_cli.command("create")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (.tar.gz); by default kmportal-backup-<UTC time>.tar.gz here.",
)
def create_command(output: Path | None):
    """Write the database, the uploads and a manifest into one archive."""
    if output is None:
        output = Path(f"kmportal-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")
    try:
        summary = service.create_backup(output)
    except service.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Backup written to {summary.path}: {summary.engine} database at revision "
        f"{summary.revision}, {summary.rows} rows in {summary.tables} tables, "
        f"{summary.uploads} uploaded files."
    )


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace a database or an uploads folder that is not empty."
)
def restore_command(archive: Path, force: bool):
    """Restore an archive into this instance (stop the portal first), then rebuild the
    search index."""
    try:
        summary = service.restore_backup(archive, force=force)
    except service.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Restored {summary.rows} rows in {summary.tables} tables and {summary.uploads} "
        f"uploaded files; the search index holds {summary.indexed} practices. The database "
        f"is at revision {summary.revision}: run `flask db upgrade` if this code is newer."
    )
