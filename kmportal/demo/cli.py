import click
from flask.cli import AppGroup

from kmportal.demo import loader

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has practices.")
def load_command(if_empty: bool):
    """Load the demo practices and accounts (labelled "Demo data" on every page)."""
    if if_empty and not loader.database_is_empty():
        click.echo("The database already has practices: demo data not loaded.")
        return
    report = loader.load()
    click.echo(
        f"Demo data: {report.practices} practices, {report.transfers} transfers, "
        f"{report.trainings} trainings, {report.needs} needs, {len(report.users)} new accounts."
    )


@demo_cli.command("accounts")
def accounts_command():
    """Print the demo log-ins."""
    click.echo(f"  secretariat:  {loader.SECRETARIAT_EMAIL}")
    click.echo(
        f"  focal points: {loader.FOCAL_POINT_EMAIL.format(code='<country>')}"
        "  (e.g. br, co, pe, mx, jm, ht)"
    )
    click.echo(f"  password (all demo accounts): {loader.DEMO_PASSWORD}")
