"""API tokens: a person's named bearer tokens for the JSON API (/api/v1/), stored hashed,
read-only or read-write, with an expiry, a last use and a rate-limit window; created and
revoked on the account page (views.py) or with `flask tokens` (cli.py); service.py
authenticates a bearer value and spends a request of its window for the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
}


def init_app(app) -> None:
    from kmportal.audit import labels
    from kmportal.tokens import models  # noqa: F401
    from kmportal.tokens.cli import tokens_cli
    from kmportal.tokens.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(tokens_cli)
    labels.register(ACTION_LABELS)
