import click
from flask.cli import AppGroup

from kmportal.reference import loaders

reference_cli = AppGroup("reference", help="Reference data: countries and the work plan.")


@reference_cli.command("load")
def load_command():
    """Load member countries and the 2015–2016 plan. Safe to run again: it adds only what is
    missing and never overwrites the secretariat's edits."""
    countries = loaders.load_countries()
    plan = loaders.load_plan()
    click.echo(f"Countries: {countries.created} added, {countries.unchanged} already there.")
    click.echo(f"Plan rows: {plan.created} added, {plan.unchanged} already there.")
