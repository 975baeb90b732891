"""Country needs: the needs page's list and filters, one need as its page shows it to this
reader, its suggestions, and the need form's writes and the interest a country expresses in
a suggestion (kmportal/needs/service.py holds every rule)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from kmportal.api import identity
from kmportal.api.paging import envelope, links, paged_list
from kmportal.api.schemas.needs import (
    InterestInput,
    InterestResult,
    NeedArgs,
    NeedDetail,
    NeedInput,
    NeedPage,
    NeedUpdateResult,
    SuggestionList,
)
from kmportal.api.shapes import country as country_ref
from kmportal.api.shapes import labelled
from kmportal.api.spec import READ_SECURITY, WRITE_SECURITY, Blueprint
from kmportal.needs import service as needs
from kmportal.needs.models import Need
from kmportal.needs.permissions import can
from kmportal.practices.enums import Sector, StrategicOutcome
from kmportal.transfers.models import Transfer
from kmportal.transfers.queries import shown_practice

blp = Blueprint(
    "Needs",
    __name__,
    url_prefix="/api/v1",
    description="What member countries are looking for, and the practices of other "
    "countries that may meet it.",
)

# The steps a reader may take on a need, in the page's order.
STEPS = ("edit", "express_interest")


# Reading ---------------------------------------------------------------------------------


@blp.route("/needs")
@blp.etag
@blp.arguments(NeedArgs, location="query", as_kwargs=True)
@blp.response(200, NeedPage)
@blp.doc(security=READ_SECURITY)
def list_needs(page: int, per_page: int, **filters):
    """The needs this reader may read.

    The needs this reader may read, with the needs page's filters; the most recently
    changed first (then by id, newest first)."""
    found = needs.list_needs(identity.user(), needs.NeedFilters.from_args(filters), limit=None)
    shown, total = paged_list(found, page, per_page)
    body = envelope([summary(need) for need in shown], page, per_page, total)
    return body, links(body)


@blp.route("/needs/<int:need_id>")
@blp.etag
@blp.response(200, NeedDetail)
@blp.doc(security=READ_SECURITY)
def get_need(need_id: int):
    """One need, as its page shows it to this reader.

    One need, as its page shows it to this reader: the transfers started from it and
    what this reader may do (a draft is found only by its country and the secretariat)."""
    user = identity.user()
    return detail(user, needs.get_need(user, need_id))


@blp.route("/needs/<int:need_id>/suggestions")
@blp.etag
@blp.response(200, SuggestionList)
@blp.doc(security=READ_SECURITY)
def get_suggestions(need_id: int):
    """Practices of other countries that may meet the need.

    Published practices of other countries that may meet the need, best first (at most
    ten), each with why it is suggested and the transfer it became, if any."""
    user = identity.user()
    need = needs.get_need(user, need_id)
    return {
        "items": [_suggestion(s) for s in needs.suggestions(user, need)],
        "may_express_interest": can(user, "express_interest", need),
    }


def summary(need: Need) -> dict:
    return {
        "id": need.id,
        "url": url_for("needs.detail", need_id=need.id, _external=True),
        "title": need.title,
        "description": need.description,
        "language": need.language,
        "country": country_ref(need.country),
        "theme": labelled(need.theme),
        "sectors": [labelled(Sector(value)) for value in need.sectors],
        "population": need.population or "",
        "outcome": labelled(StrategicOutcome(need.outcome)) if need.outcome else None,
        "urgency": labelled(need.urgency),
        "funding_mode": labelled(need.funding_mode),
        "status": labelled(need.status),
        "is_demo": bool(need.is_demo),
        "created_at": need.created_at,
        "updated_at": need.updated_at,
    }


def detail(user, need: Need) -> dict:
    return {
        **summary(need),
        "transfers": [
            _need_transfer(user, transfer) for transfer in needs.transfers_of_need(need).values()
        ],
        "steps": [step for step in STEPS if can(user, step, need)],
    }


def _transfer_ref(transfer: Transfer) -> dict:
    return {
        "id": transfer.id,
        "url": url_for("transfers.detail", transfer_id=transfer.id, _external=True),
        "status": labelled(transfer.status),
    }


def _need_transfer(user, transfer: Transfer) -> dict:
    shown = shown_practice(user, transfer.practice)
    return {
        **_transfer_ref(transfer),
        "practice": {"id": shown.id, "title": str(shown.title), "readable": shown.readable},
        "provider": country_ref(transfer.provider),
    }


def _suggestion(suggestion) -> dict:
    practice = suggestion.practice
    reasons = []
    if suggestion.concepts:
        reasons.append(
            _("Concepts in common: %(concepts)s", concepts=" · ".join(suggestion.concepts))
        )
    reasons.extend(str(reason) for reason in suggestion.facets)
    reasons.extend(str(reason) for reason in suggestion.criteria)
    if not suggestion.concepts and not suggestion.facets:
        reasons.append(_("Close in meaning to the need's text"))
    return {
        "practice": {
            "id": practice.id,
            "url": url_for("practices.detail", practice_id=practice.id, _external=True),
            "title": practice.title,
            "summary": practice.summary,
            "language": practice.language,
            "country": country_ref(practice.country),
        },
        "score": round(float(suggestion.score), 6),
        "concepts": [str(concept) for concept in suggestion.concepts],
        "reasons": reasons,
        "transfer": _transfer_ref(suggestion.transfer) if suggestion.transfer else None,
    }


# Writing ---------------------------------------------------------------------------------


@blp.route("/needs", methods=["POST"])
@blp.arguments(NeedInput)
@blp.response(201, NeedDetail)
@blp.doc(security=WRITE_SECURITY)
def create_need(values: dict):
    """Record a country's need.

    Record a need: of the focal point's own country, or of any for the secretariat. The
    country and the language default to the caller's, as on the form."""
    user = identity.user()
    defaults = {"country_code": user.country_code or "", "language": user.language}
    need = needs.create_need(user, {**defaults, **values})
    location = url_for(".get_need", need_id=need.id, _external=True)
    return detail(user, need), {"Location": location}


@blp.route("/needs/<int:need_id>", methods=["PATCH"])
@blp.arguments(NeedInput)
@blp.response(200, NeedUpdateResult)
@blp.doc(security=WRITE_SECURITY)
def update_need(values: dict, need_id: int):
    """Change some fields of a need.

    Change some fields (the others stay); the same values change nothing (`unchanged`).
    A focal point cannot move a need to another country."""
    user = identity.user()
    need = needs.get_need(user, need_id, "edit")
    changed = needs.update_need(user, need, {**needs.values_to_edit(need), **values})
    return {"outcome": "applied" if changed else "unchanged", "need": detail(user, need)}


@blp.route("/needs/<int:need_id>/interests", methods=["POST"])
@blp.arguments(InterestInput)
@blp.response(201, InterestResult, description="A transfer is proposed, linked to the need.")
@blp.alt_response(
    200,
    schema=InterestResult,
    description="The country had already asked for this practice: the transfer already "
    "there (`created` false), nothing written.",
)
@blp.doc(security=WRITE_SECURITY)
def express_interest(values: dict, need_id: int):
    """Ask for a suggested practice: a proposed transfer.

    The need's country asks for a suggested practice: a proposed transfer to the country
    with the experience, linked to the need. Asking again is idempotent (200, the same
    transfer); a practice no longer published, or of the need's own country, is refused
    (422)."""
    user = identity.user()
    need = needs.get_need(user, need_id, "express_interest")
    done = needs.express_interest(user, need, values["practice_id"])
    body = {"created": done.created, "transfer": _transfer_ref(done.transfer)}
    if not done.created:
        return body, 200
    return body, 201, {"Location": _transfer_ref(done.transfer)["url"]}
