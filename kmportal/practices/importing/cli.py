"""`flask practices import FILE`: the bulk import from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from kmportal.auth.models import User
from kmportal.errors import DomainError
from kmportal.extensions import db
from kmportal.practices.enums import PracticeState
from kmportal.practices.importing import readers
from kmportal.practices.importing.report import (
    CREATED,
    HELD,
    REFUSED,
    UNCHANGED,
    UPDATED,
    ImportReport,
    RowResult,
)
from kmportal.practices.importing.service import ImportOptions, import_practices

practices_cli = AppGroup("practices", help="Practices: bulk import.")


@practices_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The account the rows are imported as.")
@click.option("--dry-run", is_flag=True, help="Report what would be done; write nothing.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows, refuse the others.")
@click.option("--format", "fmt", type=click.Choice(readers.FORMATS), help="Else from the name.")
@click.option("--encoding", default="utf-8", show_default=True, help="Of a CSV file.")
@click.option("--source", default="import", show_default=True, help="Whose external ids.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="List only the refused rows.")
def import_command(file, email, dry_run, skip_bad_rows, fmt, encoding, source, as_json, quiet):
    """Import practices from a CSV, XLSX or JSON file (see the README and docs/import/)."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
    if user is None:
        raise click.ClickException(f"There is no account {email}.")
    options = ImportOptions(
        format=fmt,
        filename=file.name,
        encoding=encoding,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        source=source,
    )
    with force_locale(user.language), file.open("rb") as stream:
        printer = None if as_json else _RowPrinter(quiet)
        try:
            report = import_practices(user, stream, options, printer)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            _summary(report)
    if report.error or (report.refused and not skip_bad_rows):
        raise SystemExit(1)


class _RowPrinter:
    def __init__(self, quiet: bool):
        self.quiet = quiet

    def __call__(self, result: RowResult) -> None:
        if result.outcome == REFUSED:
            click.echo(_("Row %(row)d: refused", row=result.row), err=True)
            for column, message in result.errors.items():
                click.echo(f"    {column or '*'}: {message}", err=True)
        elif not self.quiet:
            state = PracticeState(result.state).label if result.state else ""
            click.echo(_line(result.outcome, row=result.row, state=state, title=result.title))


def _line(outcome: str, **values) -> str:
    if outcome == CREATED:
        return _("Row %(row)d: created (%(state)s): %(title)s", **values)
    if outcome == UPDATED:
        return _("Row %(row)d: updated (%(state)s): %(title)s", **values)
    if outcome == UNCHANGED:
        return _("Row %(row)d: unchanged (%(state)s): %(title)s", **values)
    return _("Row %(row)d: change held for review: %(title)s", **values)


def _summary(report: ImportReport) -> None:
    if report.error:
        click.echo(report.error, err=True)
    counts = report.counts
    click.echo(
        _(
            "Created: %(created)d; updated: %(updated)d; unchanged: %(unchanged)d; held for"
            " review: %(held)d; refused: %(refused)d.",
            created=counts[CREATED],
            updated=counts[UPDATED],
            unchanged=counts[UNCHANGED],
            held=counts[HELD],
            refused=counts[REFUSED],
        )
    )
    if report.committed:
        click.echo(_("Imported: the changes are saved."))
    elif report.dry_run and not report.error:
        click.echo(_("Dry run: nothing was saved."))
    else:
        click.echo(_("Nothing was saved."), err=True)
