"""Practices: the catalogue's search (ranking, filters, facet counts), one practice as its
page shows it to this reader, and the form's writes (create, update, submit, validate)."""

from __future__ import annotations

from contextlib import contextmanager

from flask import url_for
from werkzeug.datastructures import MultiDict

from kmportal.api import identity
from kmportal.api.paging import envelope, links
from kmportal.api.schemas.practices import (
    PracticeDetail,
    PracticeInput,
    PracticePage,
    SearchArgs,
    UpdateResult,
    ValidationInput,
)
from kmportal.api.shapes import country as country_ref
from kmportal.api.shapes import labelled
from kmportal.api.spec import READ_SECURITY, WRITE_SECURITY, Blueprint
from kmportal.errors import ValidationError
from kmportal.practices import reading
from kmportal.practices import service as practices
from kmportal.practices.enums import Actor, Criterion, Sector, StrategicOutcome
from kmportal.practices.models import Practice
from kmportal.reference import plan_text
from kmportal.search import service as search
from kmportal.search.facets import SearchRequest
from kmportal.search.schema import FACETS

blp = Blueprint(
    "Practices",
    __name__,
    url_prefix="/api/v1/practices",
    description="Good practices: search, read, and the country's and secretariat's writes.",
)


# Reading ---------------------------------------------------------------------------------


@blp.route("")
@blp.etag
@blp.arguments(SearchArgs, location="query", as_kwargs=True)
@blp.response(200, PracticePage)
@blp.doc(security=READ_SECURITY)
def search_practices(page: int, per_page: int, **args):
    """Search the practices this reader may read.

    The portal's ranking, filters and facet counts. Without `q`, the newest first. The
    order of a search is its ranking (relevance, then the newest); `facets` count the
    matches per value of each filter."""
    request = SearchRequest.from_args(_search_args(page, args))
    results = search.search(identity.user(), request, per_page=per_page)
    # The search page shows its last page for a page past the end; a list answers it empty,
    # so that a client reading page after page stops there.
    past_the_end = results.page is not None and results.page.page < page
    items = [] if past_the_end else [summary(hit.practice) for hit in results.hits]
    body = envelope(
        items,
        page,
        per_page,
        results.total,
        facets=[
            {
                "name": group.name,
                "values": [
                    {"value": str(v.value), "count": v.count, "selected": v.selected}
                    for v in group.values
                ],
            }
            for group in results.facets
        ],
        suggestion=results.suggestion,
        notices=list(results.notices),
    )
    return body, links(body)


def _search_args(page: int, args: dict) -> MultiDict:
    pairs = [("page", str(page)), ("q", args.get("q") or "")]
    if args.get("sort"):
        pairs.append(("sort", args["sort"]))
    if args.get("expand") is False:
        pairs.append(("expand", "0"))
    for facet in FACETS:
        pairs.extend((facet, str(value)) for value in args.get(facet) or [])
    return MultiDict(pairs)


@blp.route("/<int:practice_id>")
@blp.etag
@blp.response(200, PracticeDetail)
@blp.doc(security=READ_SECURITY)
def get_practice(practice_id: int):
    """One practice, as its page shows it to this reader.

    Scores, return comment, pending change and next steps only where the page shows them."""
    user = identity.user()
    practice = practices.get_practice(user, practice_id)
    return detail(reading.practice_view(user, practice, with_history=False))


def summary(practice: Practice) -> dict:
    return {
        "id": practice.id,
        "url": url_for("practices.detail", practice_id=practice.id, _external=True),
        "title": practice.title,
        "summary": practice.summary,
        "language": practice.language,
        "country": country_ref(practice.country),
        "theme": labelled(practice.theme),
        "state": labelled(practice.state),
        "label": labelled(practice.label),
        "sectors": [labelled(Sector(v)) for v in practice.sectors],
        "outcomes": [labelled(StrategicOutcome(v)) for v in practice.outcomes],
        "actors": [labelled(Actor(v)) for v in practice.actors],
        "languages": list(practice.languages),
        "tags": list(practice.tags),
        "sdg_87": bool(practice.sdg_87),
        "period_start": practice.period_start,
        "period_end": practice.period_end,
        "institution": practice.institution or "",
        "is_demo": bool(practice.is_demo),
        "published_at": practice.published_at,
        "updated_at": practice.updated_at,
    }


def detail(view: reading.PracticeView) -> dict:
    practice = view.practice
    pending = view.pending_edit
    return {
        **summary(practice),
        **{
            name: getattr(practice, name) or ""
            for name in ("description", "population", "results", "replication", "cost_notes")
        },
        "contact": practice.contact or "",
        "activities": [
            {"code": a.code, "label": plan_text(a, "text", a.result.objective.plan).text}
            for a in sorted(practice.activities, key=lambda a: a.id)
        ],
        "criteria": [
            {
                "criterion": line.criterion.value,
                "label": str(line.criterion.label),
                "argument": line.argument,
                "score": line.score,
            }
            for line in view.criteria
        ],
        "scores_shown": view.show_scores,
        "return_comment": view.return_comment,
        "pending_edit": {"id": pending.id, "created_at": pending.created_at} if pending else None,
        "steps": list(view.steps),
        "next_step": {"text": view.next_step.text, "yours": view.next_step.yours}
        if view.next_step
        else None,
    }


# Writing ---------------------------------------------------------------------------------

# The form's field names for the criteria, as the API names them.
_FIELD_NAMES = {
    **{f"argument_{c.value}": f"arguments.{c.value}" for c in Criterion},
    **{f"score_{c.value}": f"scores.{c.value}" for c in Criterion},
}


@contextmanager
def api_field_names():
    """A service's refusal keyed by the request's field names (arguments.relevance)."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError(
            {_FIELD_NAMES.get(key, key): message for key, message in error.errors.items()}
        ) from error


def _current(practice: Practice) -> dict:
    user = identity.user()
    return detail(reading.practice_view(user, practice, with_history=False))


@blp.route("", methods=["POST"])
@blp.arguments(PracticeInput)
@blp.response(201, PracticeDetail)
@blp.doc(security=WRITE_SECURITY)
def create_practice(values: dict):
    """Create a draft practice.

    A new draft: of the focal point's own country, or of any for the secretariat."""
    user = identity.user()
    with api_field_names():
        practice = practices.create_practice(user, values)
    location = url_for(".get_practice", practice_id=practice.id, _external=True)
    return _current(practice), {"Location": location}


@blp.route("/<int:practice_id>", methods=["PATCH"])
@blp.arguments(PracticeInput)
@blp.response(200, UpdateResult)
@blp.doc(security=WRITE_SECURITY)
def update_practice(values: dict, practice_id: int):
    """Change some fields of a practice.

    Change some fields (the others stay). A focal point's change to a published practice
    is held for the secretariat's review (`held_for_review`); the same values change nothing
    (`unchanged`)."""
    user = identity.user()
    practice = practices.get_practice(user, practice_id, "edit")
    base = practices.values_to_edit(user, practice)
    merged = {**base, **values}
    merged["arguments"] = {**(base.get("arguments") or {}), **(values.get("arguments") or {})}
    with api_field_names():
        update = practices.update_practice(user, practice, merged)
    edit = update.edit
    return {
        "outcome": update.outcome.value,
        "pending_edit": {"id": edit.id, "created_at": edit.created_at} if edit else None,
        "practice": _current(practice),
    }


@blp.route("/<int:practice_id>/submit", methods=["POST"])
@blp.response(200, PracticeDetail)
@blp.doc(security=WRITE_SECURITY)
def submit_practice(practice_id: int):
    """Send a practice to the secretariat for validation.

    Send a draft or returned practice to the secretariat (422 names what is missing;
    a second submit is 409 and changes nothing)."""
    user = identity.user()
    practice = practices.get_practice(user, practice_id, "submit")
    with api_field_names():
        practices.submit(user, practice)
    return _current(practice)


@blp.route("/<int:practice_id>/validation", methods=["POST"])
@blp.arguments(ValidationInput)
@blp.response(200, PracticeDetail)
@blp.doc(security=WRITE_SECURITY)
def validate_practice(decision: dict, practice_id: int):
    """Publish a submitted practice, or return it to its author.

    The secretariat publishes a submitted practice (every criterion scored 0–3) or
    returns it to its author with a comment (and the scores given so far)."""
    user = identity.user()
    scores = {key: value for key, value in decision["scores"].items() if value is not None}
    comment = decision["comment"]
    if decision["decision"] == "publish":
        practice = practices.get_practice(user, practice_id, "publish")
        with api_field_names():
            practices.publish(user, practice, scores, comment.strip() or None)
    else:
        practice = practices.get_practice(user, practice_id, "return")
        with api_field_names():
            practices.return_to_author(user, practice, comment, scores)
    return _current(practice)
