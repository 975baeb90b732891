import click
from flask.cli import AppGroup

from kmportal.errors import DomainError
from kmportal.reference import loaders, planfile, plans, queries

reference_cli = AppGroup("reference", help="Reference data: countries and the work plan.")
plan_cli = AppGroup("plan", help="Work plans as data files (YAML or JSON).")


@reference_cli.command("load")
def load_command():
    """Load member countries and the shipped work plans (kmportal/reference/data). Safe to run
    again: it adds only what is missing and never overwrites the secretariat's edits."""
    countries = loaders.load_countries()
    plan = loaders.load_plan()
    click.echo(f"Countries: {countries.created} added, {countries.unchanged} already there.")
    click.echo(
        f"Plan rows: {plan.created} added, {plan.updated} given missing translations,"
        f" {plan.unchanged} already there."
    )


@plan_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_command(file):
    """Import a work plan file: create its period or update it by code. Checked whole first:
    on any problem nothing is changed and every problem is listed with its line."""
    try:
        report = plans.import_file(file)
    except planfile.PlanFileError as error:
        for where, message in error.problems:
            click.echo(f"{file}: {where}: {message}", err=True)
        raise click.exceptions.Exit(1) from None
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(
        f"Plan {report.plan.code}: {len(report.created)} added, {len(report.updated)} updated,"
        f" {report.unchanged} unchanged."
    )


@plan_cli.command("export")
@click.option("--period", "code", help="The plan period's code (default: the current one).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export_command(code, fmt, output):
    """Write a work plan in the import format (to standard output unless --output)."""
    plan = queries.plan_by_code(code) if code else queries.current_plan()
    if plan is None:
        raise click.ClickException(f"There is no plan period {code!r}." if code else "No plan.")
    output.write(planfile.dump(plans.export_data(plan), fmt))
