"""Many transfers at once, written straight to the tables (not through the services), for
the query-count tests and the dashboard benchmark. The data look like the real thing: every
status, funding mode and modality, confirmations, amounts, follow-ups and trainings, spread
over the member countries and the plan period."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from kmportal.auth.models import Role, User
from kmportal.extensions import db
from kmportal.practices.enums import PracticeState, Theme
from kmportal.practices.models import Practice
from kmportal.reference.models import Country, Target
from kmportal.transfers.enums import (
    EXCHANGED_STATUSES,
    FollowUpStage,
    Funder,
    FundingMode,
    Modality,
    Origin,
    Side,
    TrainingModality,
    TransferStatus,
)
from kmportal.transfers.models import (
    FollowUp,
    Training,
    TrainingParticipant,
    Transfer,
    TransferConfirmation,
    TransferContribution,
)

PERIOD_START = date(2015, 9, 1)  # a little before the target period, and after it too
PERIOD_DAYS = 500


def add_transfers(count: int, seed: int = 2016, countries: int | None = None) -> None:
    """Add `count` transfers (and a practice for every ten, at least one per country) between
    the first `countries` member countries (all when None), in a few bulk statements."""
    rng = random.Random(seed)
    codes = list(db.session.scalars(sa.select(Country.code).order_by(Country.code)))
    codes = codes[: countries or len(codes)]
    result_id = db.session.scalar(
        sa.select(Target.result_id).where(Target.indicator == "practices_transferred")
    )
    user_id = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    practice_ids = _add_practices(max(len(codes), count // 10), codes, rng)
    first_id = (db.session.scalar(sa.select(sa.func.max(Transfer.id))) or 0) + 1
    statuses = list(TransferStatus)
    transfers, confirmations, contributions, follow_ups = [], [], [], []
    live: set[tuple[int, str]] = set()  # one live transfer per practice and recipient
    for offset in range(count):
        transfer_id = first_id + offset
        provider, recipient = rng.sample(codes, 2)
        status = statuses[offset % len(statuses)]  # every status, whatever the size
        practice_id = rng.choice(practice_ids)
        if status is not TransferStatus.CANCELLED:
            if (practice_id, recipient) in live:
                practice_id = _add_practices(1, codes, rng)[0]
            live.add((practice_id, recipient))
        proposed = PERIOD_START + timedelta(days=rng.randrange(PERIOD_DAYS))
        row = {
            "id": transfer_id,
            "practice_id": practice_id,
            "provider_code": provider,
            "recipient_code": recipient,
            "origin": rng.choice(list(Origin)),
            "status": status,
            "purpose": "Adaptar la práctica.",
            "modality": rng.choice(list(Modality)),
            "partner_name": "",
            "funding_mode": rng.choice(list(FundingMode)),
            "third_party_name": "OIT",
            "result_id": result_id,
            "proposed_on": proposed,
            "agreed_on": proposed + timedelta(days=20)
            if status is not TransferStatus.PROPOSED
            else None,
            "start_on": proposed + timedelta(days=40),
            "end_on": proposed + timedelta(days=45),
            "transferred_on": None,
            "cancelled_on": None,
            "fully_confirmed_on": None,
            "cancel_reason": None,
            "lessons_learned": "",
            "is_demo": False,
            "created_by_id": user_id,
        }
        if status in EXCHANGED_STATUSES:
            row["transferred_on"] = proposed + timedelta(days=60)
            sides = list(Side) if rng.random() < 0.8 else [Side.PROVIDER]
            if len(sides) == 2:
                row["fully_confirmed_on"] = row["transferred_on"]
            for side in sides:
                confirmations.append(
                    {
                        "transfer_id": transfer_id,
                        "side": side,
                        "confirmed_on": row["transferred_on"],
                        "confirmed_by_id": user_id,
                        "on_behalf": True,
                        "note": "Acta",
                    }
                )
            for months in (6, 12, 24):
                done = rng.random() < 0.3
                follow_ups.append(
                    {
                        "transfer_id": transfer_id,
                        "due_on": row["transferred_on"] + timedelta(days=30 * months),
                        "scheduled_months": months,
                        "planned": "",
                        "summary": "Seguimiento" if done else "",
                        "next_step": "",
                        "done_on": row["transferred_on"] + timedelta(days=30 * months)
                        if done
                        else None,
                        "stage": rng.choice(list(FollowUpStage)) if done else None,
                    }
                )
        if status is TransferStatus.CANCELLED:
            row["cancelled_on"], row["cancel_reason"] = proposed + timedelta(days=30), "Sin fondos."
        if rng.random() < 0.5:
            contributions.append(
                {
                    "transfer_id": transfer_id,
                    "funder": rng.choice(list(Funder)),
                    "amount": Decimal(rng.randrange(1000, 50000)),
                    "currency": "USD",
                }
            )
        transfers.append(row)
    for model, rows in (
        (Transfer, transfers),
        (TransferConfirmation, confirmations),
        (TransferContribution, contributions),
        (FollowUp, follow_ups),
    ):
        if rows:
            db.session.execute(sa.insert(model), rows)
    db.session.commit()


def add_trainings(count: int, seed: int = 2016) -> None:
    """`count` trainings, each with a few focal points (created if there are none)."""
    rng = random.Random(seed)
    users = list(db.session.scalars(sa.select(User).where(User.role == Role.FOCAL_POINT)))
    for index in range(count):
        training = Training(
            title=f"Curso {index}",
            provider="OIT",
            modality=rng.choice(list(TrainingModality)),
            starts_on=date(2016, 1, 1) + timedelta(days=index),
            ends_on=date(2016, 2, 1) + timedelta(days=index),
            hours=Decimal(20),
            description="",
        )
        training.participants = [
            TrainingParticipant(user_id=user.id, country_code=user.country_code)
            for user in rng.sample(users, min(len(users), 3))
        ]
        db.session.add(training)
    db.session.commit()


def _add_practices(count: int, codes: list[str], rng: random.Random) -> list[int]:
    practices = [
        Practice(
            country_code=codes[index % len(codes)],  # every country has practices
            title=f"Práctica {index}",
            summary="Resumen.",
            description="Descripción.",
            theme=rng.choice(list(Theme)),
            state=PracticeState.PUBLISHED,
            language="es",
        )
        for index in range(count)
    ]
    db.session.add_all(practices)
    db.session.flush()
    return [p.id for p in practices]
