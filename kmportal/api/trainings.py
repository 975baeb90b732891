"""The focal points' trainings (result 2 of Objective 3: stronger capacities), as the
training pages show them: who took part for the Network only."""

from __future__ import annotations

from flask import url_for

from kmportal.api import identity
from kmportal.api.paging import envelope, links, paged_list
from kmportal.api.schemas.common import PageArgs
from kmportal.api.schemas.trainings import TrainingDetail, TrainingPage
from kmportal.api.shapes import country as country_ref
from kmportal.api.shapes import labelled
from kmportal.api.spec import READ_SECURITY, Blueprint
from kmportal.transfers import trainings as training_service
from kmportal.transfers.models import Training
from kmportal.transfers.permissions import can_training

blp = Blueprint(
    "Trainings",
    __name__,
    url_prefix="/api/v1",
    description="The focal points' trainings.",
)


@blp.route("/trainings")
@blp.etag
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, TrainingPage)
@blp.doc(security=READ_SECURITY)
def list_trainings(page: int, per_page: int):
    """The focal points' trainings, the latest first (then by id)."""
    user = identity.user()
    rows, total = paged_list(training_service.trainings(), page, per_page)
    body = envelope(
        [training_summary(training) for training in rows],
        page,
        per_page,
        total,
        can_create=can_training(user, "create"),
    )
    return body, links(body)


@blp.route("/trainings/<int:training_id>")
@blp.etag
@blp.response(200, TrainingDetail)
@blp.doc(security=READ_SECURITY)
def get_training(training_id: int):
    """One training; who took part for the Network only (null otherwise), as on its page."""
    user = identity.user()
    training = training_service.get_training(user, training_id)
    participants = None
    if can_training(user, "read_participants", training):
        participants = [
            {"name": p.user.name, "country": country_ref(p.country)} for p in training.participants
        ]
    return {
        **training_summary(training),
        "description": training.description or "",
        "participants": participants,
        "actions": {
            action: can_training(user, action, training)
            for action in ("edit", "join_self", "manage_participants")
        },
    }


def training_summary(training: Training) -> dict:
    return {
        "id": training.id,
        "url": url_for("trainings.detail", training_id=training.id, _external=True),
        "title": training.title,
        "provider": training.provider,
        "modality": labelled(training.modality),
        "starts_on": training.starts_on,
        "ends_on": training.ends_on,
        "hours": float(training.hours) if training.hours is not None else None,
        "participant_count": len(training.participants),
        "is_demo": bool(training.is_demo),
    }
