"""Trainings of the focal points (Objective 3, result 2): courses and events, and who took
part. A focal point records its own participation; the secretariat anyone's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.auth.models import Role, User
from kmportal.concurrency import unique_or
from kmportal.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.transfers.data import parse_date
from kmportal.transfers.enums import TrainingModality
from kmportal.transfers.models import Training, TrainingParticipant
from kmportal.transfers.permissions import can_training
from kmportal.validation import clean_texts

ENTITY = "training"
TEXT_LIMITS = {"title": 300, "provider": 200, "description": 10000}
MAX_HOURS = Decimal("10000")


def authorize(user, action: str, training: Training | None = None) -> None:
    if not can_training(user, action, training):
        raise PermissionDenied(_l("You are not allowed to do this."))


def get_training(user, training_id: Any, action: str = "read") -> Training:
    training_id = optional_id(training_id)
    training = db.session.get(Training, training_id) if training_id else None
    if training is None:
        raise NotFound(_l("There is no such training."))
    authorize(user, action, training)
    return training


def trainings() -> list[Training]:
    """Every training, the latest first (participants are loaded with them)."""
    return list(
        db.session.scalars(sa.select(Training).order_by(Training.starts_on.desc(), Training.id))
    )


def create(user, values: dict[str, Any], is_demo: bool = False) -> Training:
    """Record a training; any member of the Network may, so that it can record taking part."""
    authorize(user, "create")
    cleaned = clean(values)
    training = Training(created_by_id=user.id, is_demo=is_demo, **cleaned)
    db.session.add(training)
    db.session.flush()
    audit.record(user, "training.create", ENTITY, training.id, audit.diff({}, _audit(cleaned)))
    db.session.commit()
    return training


def update(user, training: Training, values: dict[str, Any]) -> bool:
    """Correct a training: its author or the secretariat."""
    authorize(user, "edit", training)
    cleaned = clean(values)
    changes = audit.diff(_audit(snapshot(training)), _audit(cleaned))
    if not changes:
        return False
    for field, value in cleaned.items():
        setattr(training, field, value)
    audit.record(user, "training.update", ENTITY, training.id, changes)
    db.session.commit()
    return True


def join(
    user, training: Training, participant_id: Any = None, today: date | None = None
) -> TrainingParticipant:
    """Record that a focal point took part: itself (no participant given), or anyone when
    the secretariat does it; once the training has started. A participant that cannot be an
    id is refused, not read as "oneself"."""
    authorize(user, "join", training)
    if training.starts_on > (today or date.today()):
        raise InvalidTransition(_l("Taking part is recorded once the training has started."))
    participant = user
    if participant_id not in (None, ""):
        parsed = optional_id(participant_id)
        if parsed is None:
            raise ValidationError({"user_id": _l("Choose a focal point.")})
        participant_id = parsed
    else:
        participant_id = None
    if participant_id is not None and participant_id != user.id:
        authorize(user, "manage_participants", training)
        participant = db.session.get(User, participant_id)
        if participant is None or participant.role is not Role.FOCAL_POINT:
            raise ValidationError({"user_id": _l("Choose a focal point.")})
    if participant.country_code is None:
        raise ValidationError({"user_id": _l("Only focal points of a country are counted.")})
    if training.participant(participant) is not None:
        raise InvalidTransition(_l("This participation is already recorded."))
    row = TrainingParticipant(
        user_id=participant.id, country_code=participant.country_code, recorded_by_id=user.id
    )
    with unique_or(Conflict(_l("This participation is already recorded."))):
        training.participants.append(row)
    audit.record(
        user, "training.join", ENTITY, training.id, {"participant": [None, participant.email]}
    )
    db.session.commit()
    return row


def leave(user, training: Training, participant_id: int) -> None:
    """Remove a participation recorded by mistake: one's own, or anyone's by the secretariat."""
    row = next((p for p in training.participants if p.user_id == participant_id), None)
    if row is None:
        raise NotFound(_l("This person is not recorded as a participant."))
    if participant_id != getattr(user, "id", None):
        authorize(user, "manage_participants", training)
    email = row.user.email
    removed = db.session.execute(
        sa.delete(TrainingParticipant)
        .where(
            TrainingParticipant.training_id == training.id,
            TrainingParticipant.user_id == participant_id,
        )
        .execution_options(synchronize_session=False)
    )
    if removed.rowcount != 1:  # removed meanwhile: a second click or a racing worker
        db.session.rollback()
        raise NotFound(_l("This person is not recorded as a participant."))
    db.session.expire(training, ["participants"])
    audit.record(user, "training.leave", ENTITY, training.id, {"participant": [email, None]})
    db.session.commit()


def focal_points() -> list[User]:
    """Active focal points, by country, for the secretariat's participant picker."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.FOCAL_POINT, User.active)
            .order_by(User.country_code, User.name)
        )
    )


def clean(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, object] = {}
    out: dict[str, Any] = clean_texts(values, TEXT_LIMITS, errors)
    for field in ("title", "provider"):
        if not out[field]:
            errors[field] = _l("This field is required.")
    modality = values.get("modality")
    if modality not in TrainingModality.values():
        errors["modality"] = _l("Choose from the list.")
    else:
        out["modality"] = TrainingModality(modality)
    out["starts_on"] = parse_date(values.get("starts_on"), "starts_on", errors)
    out["ends_on"] = parse_date(values.get("ends_on"), "ends_on", errors) or out["starts_on"]
    if out["starts_on"] is None and "starts_on" not in errors:
        errors["starts_on"] = _l("This field is required.")
    elif out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        errors["ends_on"] = _l("The training cannot end before it starts.")
    out["hours"] = _clean_hours(values.get("hours"), errors)
    if errors:
        raise ValidationError(errors)
    return out


def _clean_hours(raw, errors: dict) -> Decimal | None:
    raw = str(raw if raw is not None else "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or not 0 <= hours <= MAX_HOURS:
        errors["hours"] = _l("Enter the number of hours, such as 40 or 1.5.")
        return None
    return hours.quantize(Decimal("0.1"))


def _audit(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit trail stores them (JSON): hours as text."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def snapshot(training: Training) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(training, field) or "" for field in TEXT_LIMITS}
    values.update(
        modality=training.modality,
        starts_on=training.starts_on,
        ends_on=training.ends_on,
        hours=training.hours,
    )
    return values
