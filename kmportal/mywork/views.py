"""My work's page, and its count in the navigation."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required

from kmportal.mywork import service

bp = Blueprint("mywork", __name__, template_folder="templates")


@bp.route("/work")
@login_required
def index():
    return render_template(
        "mywork/index.html",
        items=_items(),
        today=date.today(),
        country=service.owner_country(current_user),
    )


def _items() -> list[service.WorkItem]:
    """The person's work, computed once per request (the page and the navigation share it)."""
    if "my_work" not in g:
        g.my_work = service.my_work(current_user)
    return g.my_work


def navigation_context() -> dict:
    """my_work_count(): how many things await the signed-in person (base.html's navigation);
    a function, so pages that never render the navigation never compute it."""
    return {"my_work_count": lambda: len(_items()) if current_user.is_authenticated else 0}
