"""The index follows the database: after each commit, never for a rolled-back change."""

import logging

import pytest

from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.practices.data import snapshot
from kmportal.practices.enums import PracticeState
from kmportal.search import documents, service
from tests.factories import GOOD_SCORES
from tests.search.helpers import ANONYMOUS, found


def edit(user, practice, **changes):
    return practices.update_practice(user, practice, {**snapshot(practice), **changes})


def test_published_practice_is_searchable_right_after_its_commit(index, practice, secretariat):
    draft = practice("CO", "submitted", title="Huertos escolares", language="es")
    assert found(ANONYMOUS, "huertos") == []
    practices.publish(secretariat, draft, GOOD_SCORES)
    assert found(ANONYMOUS, "huertos") == [draft.id]
    assert service.check().in_step


def test_an_edit_reaches_the_index_at_its_commit(index, practice, secretariat):
    shown = practice("CO", title="Huertos escolares", language="es")
    edit(secretariat, shown, title="Comedores escolares")
    assert found(ANONYMOUS, "comedores") == [shown.id]
    assert found(ANONYMOUS, "huertos") == []


def test_rolled_back_change_leaves_index_untouched(index, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    shown.title = "Comedores escolares"
    db.session.flush()  # the change reached the database transaction...
    db.session.rollback()  # ...which is then rolled back
    assert found(ANONYMOUS, "comedores") == []
    assert found(ANONYMOUS, "huertos") == [shown.id]
    db.session.commit()  # a later, empty commit does not replay the rolled-back change
    assert found(ANONYMOUS, "comedores") == []
    assert service.check().in_step


def test_savepoint_release_is_not_a_commit(index, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    with db.session.begin_nested():
        shown.title = "Comedores escolares"
    assert found(ANONYMOUS, "comedores") == []  # released, but the transaction is open
    db.session.rollback()
    assert found(ANONYMOUS, "comedores") == []


def test_change_kept_after_a_rolled_back_savepoint_is_indexed(index, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    shown.title = "Comedores escolares"
    db.session.flush()
    savepoint = db.session.begin_nested()
    shown.summary = "Descartado."
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert found(ANONYMOUS, "comedores") == [shown.id]
    assert service.check().in_step


def test_archived_practice_leaves_the_index(index, practice, secretariat):
    shown = practice("CO", title="Huertos escolares", language="es")
    practices.archive(secretariat, shown)
    assert found(secretariat, "huertos") == []
    assert service.check().in_step


def test_deleted_practice_leaves_the_index(index, practice, secretariat):
    shown = practice("CO", title="Huertos escolares", language="es")
    db.session.delete(shown)
    db.session.commit()
    assert found(secretariat, "huertos") == []
    assert service.check().in_step


def test_facet_only_change_reaches_the_index(index, practice, secretariat):
    shown = practice("CO", title="Huertos escolares", language="es", sectors=["agriculture"])
    edit(secretariat, shown, sectors=["fishing"])
    assert found(ANONYMOUS, sector="fishing") == [shown.id]
    assert found(ANONYMOUS, sector="agriculture") == []


def test_held_edit_keeps_the_published_text_in_the_index(index, practice, focal):
    shown = practice("CO", title="Huertos escolares", language="es")
    held = edit(focal("CO"), shown, title="Comedores escolares")
    assert held.edit is not None  # waiting for the secretariat
    assert found(ANONYMOUS, "comedores") == []
    assert found(ANONYMOUS, "huertos") == [shown.id]


def test_a_failing_index_never_breaks_the_saved_change(
    index, practice, secretariat, monkeypatch, caplog
):
    shown = practice("CO", title="Huertos escolares", language="es")

    def broken(ids):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "load_documents", broken)
    with caplog.at_level(logging.ERROR):
        edit(secretariat, shown, title="Comedores escolares")
    assert db.session.get(type(shown), shown.id).title == "Comedores escolares"
    assert "Could not update the search index" in caplog.text
    monkeypatch.undo()
    assert service.check().stale == [shown.id]  # drift is reported...
    index.flush_journal(documents.load_documents)  # ...and the journalled change applied
    assert service.check().in_step


def test_busy_index_journals_the_change_for_the_next_writer(index, practice, secretariat, app):
    shown = practice("CO", title="Huertos escolares", language="es")
    index.lock_timeout = 0.2
    lock = index._open().lock("WRITELOCK")
    assert lock.acquire()
    try:
        edit(secretariat, shown, title="Comedores escolares")  # cannot write: journalled
        assert index.pending_ids() == {shown.id}
    finally:
        lock.release()
    assert found(ANONYMOUS, "comedores") == []
    other = practice("PE", title="Escuela abierta", language="es")  # the next writer...
    assert found(ANONYMOUS, "comedores") == [shown.id]  # ...applies the journal too
    assert found(ANONYMOUS, "escuela") == [other.id]
    assert index.pending_ids() == set()


def test_changes_made_before_the_index_exists_are_in_it_when_built(practice, app):
    shown = practice("CO", title="Huertos escolares", language="es")
    assert not service.current_index().exists()
    assert found(ANONYMOUS, "huertos") == [shown.id]  # built from the database on demand
    assert shown.state is PracticeState.PUBLISHED


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "published"])
def test_every_workflow_step_keeps_the_index_in_step(index, practice, state):
    practice("CO", state, title="Huertos escolares", language="es")
    assert service.check().in_step
