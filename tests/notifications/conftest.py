"""Fixtures for notifications: transfers, an outbox of their own, and readers of mail."""

from __future__ import annotations

import email
from pathlib import Path

import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.notifications.models import Notification
from tests.transfers.factories import TransferFactory


@pytest.fixture(autouse=True)
def outbox(app, tmp_path) -> Path:
    path = tmp_path / "outbox"
    app.config["MAIL_OUTBOX_DIR"] = str(path)
    app.config["MAIL_BACKEND"] = "kmportal.notifications.outbox"
    app.config["BASE_URL"] = "https://portal.example.org"
    return path


@pytest.fixture
def transfers(app, secretariat):
    return TransferFactory(secretariat)


def mails(outbox: Path) -> list[email.message.Message]:
    if not outbox.exists():
        return []
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def rows(**where) -> list[Notification]:
    query = sa.select(Notification).filter_by(**where).order_by(Notification.id)
    return list(db.session.scalars(query))
