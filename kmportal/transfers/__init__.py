"""Transfers of good practices between countries, their funding, the countries'
confirmations, follow-ups, and the focal points' trainings (Objective 3, results 1 and 2)."""

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
    app.context_processor(transfer_context)


def money(amount, currency: str) -> str:
    from flask_babel import format_currency

    return format_currency(amount, currency)


def number(value) -> str:
    from flask_babel import format_decimal

    return format_decimal(value)


@dataclass
class PracticePanel:
    """The practice page's transfer box: the practice's transfers and how this user can start
    one (ask for it, offer it, or record it)."""

    transfers: list
    can_request: bool
    can_offer: bool
    can_record: bool


def transfer_context() -> dict:
    """Helpers for templates of other capabilities (practice page, plan page). Each render
    gets its own cache, so a helper called several times costs its queries once."""
    cache: dict = {}

    def practice_panel(practice, user) -> PracticePanel:
        from kmportal.practices.enums import PracticeState
        from kmportal.transfers import queries
        from kmportal.transfers.models import Transfer
        from kmportal.transfers.permissions import can

        key = ("practice", practice.id)
        if key not in cache:
            published = practice.state is PracticeState.PUBLISHED
            country = getattr(user, "country_code", None)
            own = country is not None and country == practice.country_code
            # Probes: would the permission table let this user propose such a transfer?
            asked = Transfer(provider_code=practice.country_code, recipient_code=country)
            offered = Transfer(provider_code=practice.country_code, recipient_code=None)
            secretariat = bool(getattr(user, "is_secretariat", False))
            cache[key] = PracticePanel(
                transfers=queries.for_practice(practice.id),
                can_request=published
                and not own
                and not secretariat
                and can(user, "propose", asked),
                can_offer=published and own and can(user, "propose", offered),
                can_record=published and secretariat,
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
