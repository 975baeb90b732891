"""`flask tokens`: API tokens from the command line, for administrators and scripts. `create`
prints only the raw token on standard output, so that `$(flask tokens create …)` captures it."""

from __future__ import annotations

from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from kmportal.auth.models import User
from kmportal.errors import DomainError, ValidationError
from kmportal.extensions import db
from kmportal.tokens import service
from kmportal.tokens.models import Scope

tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _user(email: str) -> User:
    wanted = email.strip().lower()
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == wanted))
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email!r}.")
    return user


def _refusal(error: DomainError) -> click.ClickException:
    db.session.rollback()
    if isinstance(error, ValidationError):
        return click.ClickException(
            "; ".join(f"{field or 'error'}: {message}" for field, message in error.errors.items())
        )
    return click.ClickException(str(error.message))


@tokens_cli.command("create")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option("--scope", required=True, type=click.Choice(Scope.values()))
@click.option("--name", default="command line", show_default=True)
@click.option(
    "--days",
    type=int,
    default=service.DEFAULT_DAYS,
    show_default=True,
    help=f"Days until it expires (at most {service.MAX_DAYS}).",
)
def create_command(email, scope, name, days):
    """Create a token and print it (only it, once: it is stored hashed)."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"The account {user.email} is disabled.")
    today = service.today_utc()
    try:
        _token, raw = service.create_token(user, name, scope, today + timedelta(days=days), today)
    except DomainError as error:
        raise _refusal(error) from None
    click.echo(raw)


@tokens_cli.command("list")
@click.option("--email", required=True)
def list_command(email):
    """The account's tokens, newest first: id, state, scope, prefix, expiry, last use, name."""
    for token in service.list_tokens(_user(email)):
        last_used = (
            token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
        )
        click.echo(
            "\t".join(
                [
                    str(token.id),
                    token.state.value,
                    token.scope.value,
                    f"{token.prefix}…",
                    token.expires_at.date().isoformat(),
                    last_used,
                    token.name,
                ]
            )
        )


@tokens_cli.command("revoke")
@click.option("--email", required=True, help="The account the token belongs to.")
@click.argument("token_id")
def revoke_command(email, token_id):
    """Revoke one of the account's tokens by its id (see `flask tokens list`)."""
    try:
        token = service.revoke_token(_user(email), token_id)
    except DomainError as error:
        raise _refusal(error) from None
    click.echo(f"Revoked token {token.id} ({token.name}).")
