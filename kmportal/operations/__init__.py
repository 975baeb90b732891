"""Running the portal: the page shown while the database is unreachable, the health check's
service, and static files under content-hashed names."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.operations import assets, outage

    outage.init_app(app)
    assets.init_app(app)
