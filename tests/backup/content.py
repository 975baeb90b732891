"""A small instance with every kind of record a backup must carry, and an inventory of it
that a restored instance must match (file bytes included)."""

from __future__ import annotations

import hashlib
import io

import sqlalchemy as sa

from kmportal.attachments import service as attachments
from kmportal.attachments.models import Attachment
from kmportal.audit.models import AuditEvent
from kmportal.auth.models import User
from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.practices.models import Practice
from kmportal.transfers import followups
from kmportal.transfers.models import FollowUp, Transfer
from tests.transfers.factories import TransferFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 32


def populate(secretariat) -> None:
    """Published and draft practices (one with a document), a transferred transfer with its
    scheduled follow-ups, one recorded with evidence, and a proposed transfer."""
    factory = TransferFactory(secretariat)
    transfer = factory.make("transferred", provider="BR", recipient="CO")
    factory.make("proposed", provider="BR", recipient="MX")
    practice = factory.practice("BR")
    practices.add_attachment(secretariat, practice, io.BytesIO(PDF), "informe final.pdf")
    practices.create_practice(secretariat, _draft_values())
    pending = transfer.follow_ups[0]
    followups.record(
        secretariat,
        transfer,
        {
            "done_on": "2016-09-20",
            "stage": "piloting",
            "summary": "Piloto en dos municipios con 120 familias.",
            "next_step": "",
            "next_due_on": "",
        },
        pending,
        files=[(io.BytesIO(PNG), "foto del taller.png")],
    )


def _draft_values() -> dict:
    from tests.factories import practice_values

    return practice_values(country_code="CO", title="Escuelas rurales sin trabajo infantil")


def inventory() -> dict:
    """Everything a restore must bring back, read from the database and the uploads."""
    return {
        "practices": _rows(Practice.id, Practice.title, Practice.state),
        "transfers": _rows(Transfer.id, Transfer.status, Transfer.practice_id),
        "follow_ups": _rows(FollowUp.id, FollowUp.transfer_id, FollowUp.due_on),
        "audit": _rows(AuditEvent.id, AuditEvent.action, AuditEvent.entity_id),
        "users": _rows(User.id, User.email, User.password_hash),
        "attachments": sorted(
            (a.id, a.original_name, hashlib.sha256(attachments.path_of(a).read_bytes()).digest())
            for a in db.session.scalars(sa.select(Attachment))
        ),
    }


def _rows(*columns) -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(sa.select(*columns)).all())
