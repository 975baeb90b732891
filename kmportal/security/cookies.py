"""Cookie flags and caching: Secure outside debug and testing unless configured, SameSite=Lax,
a remember-me cookie of at most 30 days, and `no-store` on every response to a signed-in
user, so that a shared computer's back button or a proxy never shows a signed-in page."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request, session

MAX_REMEMBER = timedelta(days=30)


def init_app(app: Flask) -> None:
    production = not (app.debug or app.testing)
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = production
    app.config["REMEMBER_COOKIE_DURATION"] = remember_duration(
        app.config.get("REMEMBER_COOKIE_DURATION")
    )
    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")

    @app.after_request
    def no_store_for_signed_in(response):
        if request.path.startswith("/static/"):
            return response
        if "_user_id" in session or remember_cookie in request.cookies:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def remember_duration(value) -> timedelta:
    """The configured duration (a timedelta or seconds), never more than 30 days."""
    if value is None:
        return MAX_REMEMBER
    if not isinstance(value, timedelta):
        value = timedelta(seconds=int(value))
    return min(value, MAX_REMEMBER)
