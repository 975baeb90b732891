"""Request-wide protections: the secret key's strength, cookie flags, a reverse proxy's
headers, control characters refused before any view, no caching of signed-in pages, and
unique-constraint errors answered with 409."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kmportal.security import cookies, input_guard, integrity, proxy, secret_key

    secret_key.check_secret_key(app)
    cookies.init_app(app)
    proxy.init_app(app)
    input_guard.init_app(app)
    integrity.init_app(app)
