"""The bulk import on PostgreSQL (savepoints per row, one commit), and its benchmark runs."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal.auth import service as accounts
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.practices.importing.models import PracticeExternalId
from kmportal.practices.models import Practice
from kmportal.reference import loaders
from tests.importing.helpers import SCORES, csv_bytes, row, run

pytestmark = pytest.mark.slow
BENCH = Path(__file__).resolve().parents[2] / "bench"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.postgres
def test_import_all_or_nothing_and_skip_bad_rows_on_postgres(postgres_app):
    upgrade()
    loaders.load_countries()
    secretariat = accounts.create_user("s@example.org", "S", "long enough pass", Role.SECRETARIAT)
    bad = row(external_id="bad", **{**SCORES, "score_effective": "9"})
    rows = [row(**SCORES), bad, row(external_id="c", country="Perú")]
    refused = run(secretariat, csv_bytes(rows))
    assert refused.refused == 1 and not refused.committed and count(Practice) == 0
    kept = run(secretariat, csv_bytes(rows), skip_bad_rows=True)
    assert kept.committed and kept.counts["created"] == 2, kept.to_dict()
    assert count(Practice) == 2 and count(PracticeExternalId) == 2
    again = run(secretariat, csv_bytes([row(title="Outro título", **SCORES)]))
    assert again.counts["updated"] == 1 and count(Practice) == 2


def test_import_benchmark_runs_and_prints_its_ratio(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH / "import.py"), "--rows", "20"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio" in result.stdout.lower()
