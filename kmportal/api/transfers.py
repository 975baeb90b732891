"""Transfers: the list with the page's filters, one transfer as its page shows it to this
reader, and the writes of its pages (propose, edit, the workflow steps, confirmations,
follow-ups). Every rule is the transfers services' and visibility's (kmportal/transfers/),
called as the pages call them. The trainings are api/trainings.py."""

from __future__ import annotations

from datetime import date

from flask import get_template_attribute, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from kmportal.api import identity
from kmportal.api.paging import envelope, links, paged_list
from kmportal.api.schemas.common import PageArgs
from kmportal.api.schemas.transfers import (
    ConfirmationInput,
    FollowUpInput,
    FollowUpPage,
    FollowUpSchema,
    StepInput,
    TransferDetail,
    TransferInput,
    TransferListArgs,
    TransferPage,
    TransferUpdate,
    TransferUpdateResult,
)
from kmportal.api.shapes import country as country_ref
from kmportal.api.shapes import labelled
from kmportal.api.spec import READ_SECURITY, WRITE_SECURITY, Blueprint
from kmportal.errors import NotFound, ValidationError
from kmportal.reference import plan_text
from kmportal.reference import queries as reference
from kmportal.transfers import confirmations, followups, proposals, queries, service, visibility
from kmportal.transfers import data as transfer_data
from kmportal.transfers.counting import counts_toward_target
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.next_step import NextStep, is_theirs
from kmportal.transfers.permissions import can

blp = Blueprint(
    "Transfers",
    __name__,
    url_prefix="/api/v1",
    description="Transfers of practices between countries, their confirmations and follow-ups.",
)

# The timeline's entries that are follow-ups (recorded, or still due).
FOLLOW_UP_KINDS = ("follow_up", "due")


# Reading ---------------------------------------------------------------------------------


@blp.route("/transfers")
@blp.etag
@blp.arguments(TransferListArgs, location="query", as_kwargs=True)
@blp.response(200, TransferPage)
@blp.doc(security=READ_SECURITY)
def list_transfers(page: int, per_page: int, **args):
    """The transfers, with the list page's filters.

    The transfers with the list page's filters, the latest proposed first (then by id,
    descending). `actions` says what the list offers this reader."""
    user = identity.user()
    filters = queries.TransferFilters.from_args(MultiDict({k: str(v) for k, v in args.items()}))
    target = reference.current_target()
    found = queries.page(filters, target, page, per_page)  # the list page's own query
    shown = visibility.list_actions(user)
    body = envelope(
        [summary(user, transfer, target) for transfer in found.items],
        page,
        per_page,
        found.total or 0,
        actions={"follow_ups": shown.follow_ups, "record": shown.record},
    )
    return body, links(body)


@blp.route("/transfers/<int:transfer_id>")
@blp.etag
@blp.response(200, TransferDetail)
@blp.doc(security=READ_SECURITY)
def get_transfer(transfer_id: int):
    """One transfer, as its page shows it to this reader.

    One transfer as its page shows it to this reader: for everyone the record, its
    statuses, the confirmations' dates and who must do what next; for the Network (`full`)
    also the amounts, who confirmed and why, and the follow-ups."""
    user = identity.user()
    return detail(user, service.get_transfer(user, transfer_id))


@blp.route("/transfers/<int:transfer_id>/follow-ups")
@blp.etag
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, FollowUpPage)
@blp.doc(security=READ_SECURITY)
def list_follow_ups(page: int, per_page: int, transfer_id: int):
    """A transfer's follow-ups, recorded and due.

    The transfer's follow-ups, recorded and still due, in the order of its timeline (by
    date): for the Network only, as on the transfer's page."""
    user = identity.user()
    transfer = service.get_transfer(user, transfer_id, "read_full")
    today = date.today()
    view = visibility.transfer_view(user, transfer, reference.current_target(), today)
    items = [follow_up(entry.follow_up, today) for entry in _follow_up_entries(view)]
    rows, total = paged_list(items, page, per_page)
    body = envelope(rows, page, per_page, total)
    return body, links(body)


def _follow_up_entries(view: visibility.TransferView) -> list:
    return [entry for entry in view.timeline if entry.kind in FOLLOW_UP_KINDS]


def summary(user, transfer: Transfer, target, shown=None, counts=None) -> dict:
    shown = shown or queries.shown_practice(user, transfer.practice)
    result = transfer.result
    return {
        "id": transfer.id,
        "url": url_for("transfers.detail", transfer_id=transfer.id, _external=True),
        "practice": {
            "id": shown.id,
            "title": str(shown.title),
            "language": shown.language,
            "readable": shown.readable,
            "url": url_for("practices.detail", practice_id=shown.id, _external=True)
            if shown.readable
            else None,
        },
        "provider": country_ref(transfer.provider),
        "recipient": country_ref(transfer.recipient),
        "origin": labelled(transfer.origin),
        "status": labelled(transfer.status),
        "modality": labelled(transfer.modality),
        "partner_name": transfer.partner_name or "",
        "funding_mode": labelled(transfer.funding_mode),
        "third_party_name": transfer.third_party_name or "",
        "result": {
            "id": result.id,
            "code": result.code,
            "text": plan_text(result, "text", result.objective.plan).text,
        }
        if result is not None
        else None,
        **{name: getattr(transfer, name) for name in transfer_data.ALL_DATES},
        "fully_confirmed_on": transfer.fully_confirmed_on,
        "counts": counts_toward_target(transfer, target) if counts is None else counts,
        "is_demo": bool(transfer.is_demo),
        "updated_at": transfer.updated_at,
    }


def detail(user, transfer: Transfer) -> dict:
    today = date.today()
    target = reference.current_target()
    view = visibility.transfer_view(user, transfer, target, today)
    actions = view.actions
    return {
        **summary(user, transfer, target, view.practice, view.counts),
        "purpose": transfer.purpose or "",
        "cancel_reason": transfer.cancel_reason,
        "lessons_learned": transfer.lessons_learned or "",
        "full": can(user, "read_full", transfer),
        "amounts": [
            {
                "funder": c.funder.value,
                "label": str(c.funder.label),
                "amount": str(c.amount),
                "currency": c.currency,
            }
            for c in view.amounts
        ],
        "confirmations": [
            {
                "side": c.side.value,
                "label": str(c.side.label),
                "country": country_ref(c.country),
                "confirmed_on": c.confirmed_on,
                "by": c.by,
                "on_behalf": c.on_behalf,
                "note": c.note or "",
            }
            for c in view.confirmations
        ],
        "awaits_exchange": view.awaits_exchange,
        "follow_ups": [follow_up(entry.follow_up, today) for entry in _follow_up_entries(view)],
        "steps": list(actions.steps),
        "actions": {
            "edit": actions.edit,
            "confirm": actions.confirm,
            "follow_up": actions.follow_up,
            "confirm_with_complete": country_ref(actions.confirm_with_complete),
        },
        "next_step": next_step(user, view.next_step),
    }


def next_step(user, step: NextStep) -> dict:
    """The page's sentence (transfers/_macros.html), as text; `yours` by the service's
    rule (next_step.is_theirs)."""
    sentence = get_template_attribute("transfers/_macros.html", "next_step_sentence")
    return {
        "text": Markup(sentence(step)).striptags(),
        "yours": is_theirs(user, step),
        "kind": step.kind,
        "countries": [country_ref(country) for country in step.countries],
        "due_on": step.on,
    }


def follow_up(entry: FollowUp, today: date) -> dict:
    return {
        "id": entry.id,
        "kind": "due" if entry.is_pending else "follow_up",
        "due_on": entry.due_on,
        "overdue": entry.is_overdue(today),
        "scheduled_months": entry.scheduled_months,
        "planned": entry.planned or "",
        "done_on": entry.done_on,
        "stage": labelled(entry.stage),
        "summary": entry.summary or "",
        "next_step": entry.next_step or "",
        "next_due_on": entry.next_due_on,
        "recorded_by": entry.recorded_by.name if entry.recorded_by else None,
        "recorded_at": entry.recorded_at,
        "evidence": [
            {
                "id": file.id,
                "name": file.original_name,
                "size": file.size,
                "url": url_for("transfers.evidence", attachment_id=file.id, _external=True),
            }
            for file in entry.attachments
        ],
    }


# Writing ---------------------------------------------------------------------------------


def _location(transfer: Transfer) -> dict[str, str]:
    return {"Location": url_for(".get_transfer", transfer_id=transfer.id, _external=True)}


@blp.route("/transfers", methods=["POST"])
@blp.arguments(TransferInput)
@blp.response(201, TransferDetail)
@blp.doc(security=WRITE_SECURITY)
def propose_transfer(values: dict):
    """Propose a transfer of a published practice.

    Propose a transfer of a published practice: a focal point offers its country's
    practice or asks for another country's for its own; the secretariat records one between
    any two member countries. One live transfer of a practice to a country (422 on
    `recipient_code` for a second)."""
    user = identity.user()
    practice = proposals.practice_to_transfer(user, values.pop("practice_id", None))
    transfer = service.propose(user, practice, values)
    return detail(user, transfer), _location(transfer)


@blp.route("/transfers/<int:transfer_id>", methods=["PATCH"])
@blp.arguments(TransferUpdate)
@blp.response(200, TransferUpdateResult)
@blp.doc(security=WRITE_SECURITY)
def update_transfer(values: dict, transfer_id: int):
    """Change some details of a transfer.

    Change some of the exchange's details (the others stay): modality, dates, funding,
    amounts, result. To remove an amount, send it and its currency as null. Once a country
    has confirmed, only the secretariat corrects what the counting rule reads; the same
    values change nothing (`unchanged`)."""
    user = identity.user()
    transfer = service.get_transfer(user, transfer_id, "edit")
    current = transfer_data.form_values(transfer_data.snapshot(transfer))
    changed = service.update(user, transfer, {**current, **values})
    return {"outcome": "applied" if changed else "unchanged", "transfer": detail(user, transfer)}


@blp.route("/transfers/<int:transfer_id>/steps", methods=["POST"])
@blp.arguments(StepInput)
@blp.response(200, TransferDetail)
@blp.doc(security=WRITE_SECURITY)
def take_step(values: dict, transfer_id: int):
    """Move a transfer one step along its workflow.

    Move the transfer one step along the workflow (agree, start, complete, adopt,
    institutionalise, cancel), on the date it happened. A step the transfer's status does
    not allow, such as the same step a second time, is 409 and changes nothing."""
    user = identity.user()
    step = values["step"]
    transfer = service.get_transfer(user, transfer_id, step)
    service.move(
        user,
        transfer,
        step,
        on=values.get("on"),
        note=values["note"],
        reason=values["reason"],
        lessons=values["lessons"],
        confirm=values["confirm"],
    )
    return detail(user, transfer)


@blp.route("/transfers/<int:transfer_id>/confirmations", methods=["POST"])
@blp.arguments(ConfirmationInput)
@blp.response(201, TransferDetail)
@blp.doc(security=WRITE_SECURITY)
def confirm_transfer(values: dict, transfer_id: int):
    """Confirm that the exchange took place.

    A country confirms that the exchange took place: its focal point for it, or the
    secretariat on its behalf (`side` and a `note`). A country confirms once (409 after)."""
    user = identity.user()
    transfer = service.get_transfer(user, transfer_id, "confirm")
    confirmations.confirm(
        user, transfer, values.get("side") or None, values["note"], values.get("on")
    )
    return detail(user, transfer), _location(transfer)


@blp.route("/transfers/<int:transfer_id>/follow-ups", methods=["POST"])
@blp.arguments(FollowUpInput)
@blp.response(201, FollowUpSchema)
@blp.doc(security=WRITE_SECURITY)
def record_follow_up(values: dict, transfer_id: int):
    """Record a follow-up of a transfer.

    Record a follow-up once the exchange has started: it answers the due follow-up named
    by `due_id`, else the earliest one due; a next step with its due date becomes the next
    follow-up due. Send `due_id` (from the transfer's `follow_ups`) or an Idempotency-Key:
    a repeated request is then refused or replayed, where without either a second one
    answers the next follow-up due. Evidence files are attached on the transfer's page."""
    user = identity.user()
    transfer = service.get_transfer(user, transfer_id, "follow_up")
    followups.refuse_unless_followable(transfer)
    due_id = values.pop("due_id", None)
    pending = _due(user, transfer, due_id) if due_id is not None else None
    recorded = followups.record(user, transfer, values, pending)
    location = url_for(".list_follow_ups", transfer_id=transfer.id, _external=True)
    return follow_up(recorded, date.today()), {"Location": location}


def _due(user, transfer: Transfer, due_id: int) -> FollowUp:
    """The due follow-up a request names: a field of its body, so an unknown one is refused
    on that field rather than as a missing address."""
    try:
        return followups.get_follow_up(user, transfer, due_id)
    except NotFound as error:
        raise ValidationError({"due_id": error.message}) from None
