"""The import commits once: the search index gets its practices then, and never a dry run's."""

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.practices.models import Practice
from kmportal.search import service
from tests.factories import practice_values
from tests.importing.helpers import SCORES, csv_bytes, row, run
from tests.search.helpers import ANONYMOUS, found


def test_published_rows_reach_the_index_at_the_commit_and_a_dry_run_never(secretariat):
    service.reindex()
    run(secretariat, csv_bytes([row(title="Huertos escolares", **SCORES)]), dry_run=True)
    assert found(ANONYMOUS, "huertos") == []
    run(secretariat, csv_bytes([row(title="Huertos escolares", **SCORES)]))
    assert found(ANONYMOUS, "huertos") == [db.session.scalar(sa.select(Practice.id))]
    assert service.check().in_step


def test_batch_defers_the_commit_to_its_caller(focal_br):
    with practices.batch():
        practices.create_practice(focal_br, practice_values())
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0
    practices.create_practice(focal_br, practice_values())
    db.session.rollback()  # outside a batch, the action committed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 1
