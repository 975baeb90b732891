"""Progress toward the Objective 3 targets: the dashboard, the country summaries, the
exports and the printable report (the counting rule itself is transfers/counting.py)."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.progress.views import bp

    app.register_blueprint(bp)
    app.context_processor(progress_context)


def progress_context() -> dict:
    """`country_progress(country)` behind the panel progress/_country_transfers.html on the
    country page (the panel contract: kmportal/templates/README.md). Each render gets its own
    cache: however often the template asks, the queries run once."""
    cache: dict = {}

    def country_progress(country):
        from flask_login import current_user

        from kmportal.progress import queries

        if country.code not in cache:
            cache[country.code] = queries.country_summary(current_user, country.code)
        return cache[country.code]

    return {"country_progress": country_progress}
