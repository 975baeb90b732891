"""The demo set loads through the services and shows every part of Objective 3."""

import sqlalchemy as sa

from kmportal.auth.models import User
from kmportal.demo import loader
from kmportal.extensions import db
from kmportal.progress import queries
from kmportal.transfers.enums import FundingMode, TransferStatus
from kmportal.transfers.models import Training, Transfer


def test_demo_transfers_cover_every_status_funding_mode_and_follow_up(app):
    report = loader.load()
    assert report.transfers == 20 and report.trainings == 4
    transfers = db.session.scalars(sa.select(Transfer)).all()
    assert {t.status for t in transfers} == set(TransferStatus)
    assert {t.funding_mode for t in transfers if t.funding_mode} == set(FundingMode)
    assert len({t.provider_code for t in transfers} | {t.recipient_code for t in transfers}) > 15
    assert all(t.is_demo for t in transfers)
    cancelled = [t for t in transfers if t.status is TransferStatus.CANCELLED]
    assert any(t.lessons_learned for t in cancelled)
    secretariat = db.session.scalar(sa.select(User).where(User.email == loader.SECRETARIAT_EMAIL))
    board = queries.dashboard(secretariat)
    assert board.counted == 8  # inside October 2015 – September 2016, confirmed by both
    assert board.follow_ups["overdue"] > 0
    assert sum(board.training_totals.values()) == db.session.scalar(
        sa.select(sa.func.count()).select_from(Training).join(Training.participants)
    )
