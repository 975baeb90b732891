"""A worker that dies between its commit and its index write loses nothing: the change is in
the search journal, written in the same transaction, and the next writer (or the next start)
applies it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.search import journal, service
from kmportal.search.models import SearchJournalEntry
from tests.search.helpers import ANONYMOUS, found

CHILD = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {root!r})
    from kmportal import create_app
    from kmportal.extensions import db
    from kmportal.practices.models import Practice
    from kmportal.search import service

    def die(*args, **kwargs):
        os._exit(9)  # killed after the commit, before the index write

    app = create_app({config!r})
    with app.app_context():
        service.apply_changes = die
        practice = db.session.get(Practice, {practice_id})
        practice.title = "Huertos escolares renombrados tras la caída"
        db.session.commit()
    """
)


def _die_after_commit(app, practice_id: int) -> int:
    from pathlib import Path

    config = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SEARCH_VECTORS_FILE")
    }
    config.update(TESTING=True, SECRET_KEY="test-secret", SEARCH_SEMANTIC=False)
    db.session.commit()
    db.engine.dispose()  # the child writes the SQLite file; let go of ours
    root = str(Path(__file__).resolve().parents[2])
    code = CHILD.format(root=root, config=config, practice_id=practice_id)
    return subprocess.run([sys.executable, "-c", code], timeout=120).returncode


def test_a_commit_whose_worker_dies_reaches_the_index_with_the_next_write(app, practice, index):
    shown = practice("CO", title="Huertos escolares", language="es")
    assert _die_after_commit(app, shown.id) == 9
    db.session.expire_all()
    assert found(ANONYMOUS, "renombrados") == []  # the index is behind the database...
    assert service.check().stale == [shown.id]
    assert [pid for _, pid in journal.outstanding()] == [shown.id]  # ...and the journal knows
    practice("PE", title="Otra práctica", language="es")  # any later write replays it
    assert found(ANONYMOUS, "renombrados") == [shown.id]
    assert journal.outstanding() == []
    assert service.check().in_step


def test_the_start_up_replays_the_journal(app, practice, index, runner):
    shown = practice("CO", title="Huertos escolares", language="es")
    assert _die_after_commit(app, shown.id) == 9
    result = runner.invoke(args=["search", "reindex", "--if-missing"])
    assert "Replayed 1 practice changes" in result.output
    assert found(ANONYMOUS, "renombrados") == [shown.id]


def test_a_rolled_back_change_leaves_no_journal_row(app, practice, index):
    shown = practice("CO", title="Huertos escolares", language="es")
    shown.title = "Cambio que no se guarda"
    db.session.flush()
    db.session.rollback()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(SearchJournalEntry))
    assert count == 0


def test_a_written_change_leaves_no_journal_row(app, practice, index):
    practice("CO", title="Huertos escolares", language="es")
    assert journal.outstanding() == []
