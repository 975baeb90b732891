"""My work: for each signed-in person, everything that awaits them, oldest first (issue 14).

service.py computes it (the HTML page, the navigation's count and later the API call the
same function); views.py serves /work; /practices/mine and signing in lead there."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.mywork.views import bp, navigation_context

    app.register_blueprint(bp)
    app.context_processor(navigation_context)
