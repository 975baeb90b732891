"""Country needs and matchmaking: a country says what it needs in its own words, and the
portal suggests the practices of other countries that may meet it, across languages
(matching.py), turns an interest into a proposed transfer (service.py), tells when a newly
published practice matches an open need (alerts.py) and shows the secretariat where demand
has no practice (matrix.py)."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.audit import labels
    from kmportal.audit import service as audit
    from kmportal.needs import alerts, models  # noqa: F401
    from kmportal.needs.labels import ACTION_LABELS
    from kmportal.needs.views import bp

    app.register_blueprint(bp)
    labels.register(ACTION_LABELS)
    audit.recorded.connect(alerts.on_recorded)
    app.context_processor(needs_context)


def needs_context() -> dict:
    """The helpers behind the needs' panels on other pages (practice page, country page),
    cached per render."""
    cache: dict = {}

    def practice_needs(practice) -> list:
        from kmportal.needs import alerts

        key = ("practice", practice.id)
        if key not in cache:
            cache[key] = alerts.matching_needs(practice)
        return cache[key]

    def country_needs(country, user) -> list:
        from kmportal.needs import service

        key = ("country", country.code)
        if key not in cache:
            cache[key] = service.country_needs(user, country.code)
        return cache[key]

    return {"needs_of_practice": practice_needs, "needs_of_country": country_needs}
