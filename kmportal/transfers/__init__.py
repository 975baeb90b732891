"""Transfers of good practices between countries, their funding, the countries'
confirmations, follow-ups, and the focal points' trainings (Objective 3, results 1 and 2).

Why the trainings live here rather than in a package of their own: result 3.2 (the focal
points' capacities strengthened to exchange practices) is the other half of Objective 3
with the transfers of result 3.1. The country page, the dashboard and the report show them
side by side from the same aggregate queries (progress/queries.py); they share the
transfers' models, enums, forms, audit labels and permission module (a table of their own
beside the transfers', in transfers/permissions.py). They keep their own modules
(trainings.py, the service; training_views.py, a blueprint "trainings" of its own, so their
addresses /trainings/... stand apart from /transfers/...); if trainings grow rules of their
own, those two modules and their templates move to a package unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


def init_app(app) -> None:
    from kmportal.audit import labels
    from kmportal.transfers import models  # noqa: F401
    from kmportal.transfers.labels import ACTION_LABELS
    from kmportal.transfers.training_views import bp as trainings_bp
    from kmportal.transfers.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(trainings_bp)
    labels.register(ACTION_LABELS)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    # A global rather than context: the macros (imported without context) call it too.
    app.jinja_env.globals["shown_practice"] = shown_practice
    app.context_processor(transfer_context)


def money(amount, currency: str) -> str:
    from flask_babel import format_currency

    return format_currency(amount, currency)


def number(value) -> str:
    from flask_babel import format_decimal

    return format_decimal(value)


def shown_practice(practice):
    """A transfer's practice as the signed-in reader may see it (transfers.queries)."""
    from flask_login import current_user

    from kmportal.transfers.queries import shown_practice

    return shown_practice(current_user, practice)


@dataclass
class PracticePanel:
    """The practice page's transfer box: the practice's transfers and how this user can start
    one (ask for it, offer it, or record it)."""

    transfers: list
    can_request: bool
    can_offer: bool
    can_record: bool
    asking_country: object = None  # the country a request is for (the user's own)


def transfer_context() -> dict:
    """The helpers behind the transfers' panels on other capabilities' pages (practice page,
    plan page; the panel contract is in kmportal/templates/README.md). Each render gets its
    own cache, so a helper called several times costs its queries once."""
    cache: dict = {}

    def practice_panel(practice, user) -> PracticePanel:
        from kmportal.transfers import proposals, queries
        from kmportal.transfers.enums import Origin

        key = ("practice", practice.id)
        if key not in cache:
            origin = proposals.proposal_origin(user, practice)
            cache[key] = PracticePanel(
                transfers=queries.for_practice(practice.id),
                can_request=origin is Origin.REQUEST,
                can_offer=origin is Origin.OFFER,
                can_record=origin is Origin.RECORD,
                asking_country=proposals.asking_country(user, practice),
            )
        return cache[key]

    def result_transfers(result) -> list:
        from kmportal.transfers import queries

        if "results" not in cache:
            plan = result.objective.plan
            ids = [r.id for objective in plan.objectives for r in objective.results]
            cache["results"] = queries.by_result(ids)
        return cache["results"].get(result.id) or queries.ResultTransfers()

    return {"transfer_practice_panel": practice_panel, "transfers_of_result": result_transfers}
