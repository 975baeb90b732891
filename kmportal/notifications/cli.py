"""`flask notify send`: what is due by mail (immediate notices, weekly digests, follow-ups
coming due). Safe to run from cron every few minutes, twice at once, or twice in a row."""

from __future__ import annotations

import click
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="Notifications by mail.")


@notify_cli.command("send")
def send_command() -> None:
    """Write the notices of follow-ups coming due, then send every mail that is due."""
    from kmportal.notifications import followups_due, mail

    notices = followups_due.write_notices()
    counts = mail.send_due()
    click.echo(
        f"follow-up notices: {notices}; sent: {counts['sent']}; digests: {counts['digests']}; "
        f"not sent (will retry): {counts['failed']}; not mailed (preference): {counts['skipped']}"
    )
