import click
from flask.cli import AppGroup

from kmportal.auth import service
from kmportal.auth.models import Role
from kmportal.errors import ValidationError
from kmportal.languages import LANGUAGES

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(Role.values()), default=Role.FOCAL_POINT.value)
@click.option("--country", "country_code", help="ISO code of a focal point's country.")
@click.option("--language", default="es", type=click.Choice(LANGUAGES))
def create_user_command(email, name, role, country_code, language):
    """Create an account. The password is asked for, never taken from the command line."""
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = service.create_user(email, name, password, Role(role), country_code, language)
    except ValidationError as error:
        for field, message in error.errors.items():
            click.echo(f"{field or 'error'}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created {user.email} ({user.role.value}).")
