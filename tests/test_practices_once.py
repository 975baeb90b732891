"""Every practice step happens once: a worker that read the practice before another one moved
it is refused (409) and changes nothing; a second click is refused by the workflow table."""

import pytest
import sqlalchemy as sa

from kmportal.errors import Conflict, InvalidTransition
from kmportal.extensions import db
from kmportal.practices import service
from kmportal.practices.enums import EditStatus, PracticeState
from kmportal.practices.models import PendingEdit
from tests.factories import GOOD_SCORES, practice_values
from tests.once import behind_the_back, fresh


def events(action: str, practice) -> int:
    return fresh(
        "SELECT count(*) FROM audit_event WHERE action = :action AND entity_id = :id",
        action=action,
        id=practice.id,
    )


def read(practice):
    """What a request has read before it writes: the practice and its pending changes."""
    db.session.refresh(practice)
    list(practice.edits)
    return practice


def moved_meanwhile(practice, state: str) -> None:
    behind_the_back(
        "UPDATE practice SET state = :state WHERE id = :id", state=state, id=practice.id
    )


@pytest.mark.parametrize("state", ["draft", "returned"])
def test_submit_and_resubmit_happen_once(practices, focal_br, state):
    practice = read(practices.make(focal_br, state))
    moved_meanwhile(practice, "submitted")
    with pytest.raises(Conflict):
        service.submit(focal_br, practice)
    assert events("practice.submit", practice) == (1 if state == "returned" else 0)


def test_publish_racing_another_publish_writes_no_second_set_of_scores(
    practices, focal_br, secretariat
):
    practice = read(practices.make(focal_br, "submitted"))
    moved_meanwhile(practice, "published")
    with pytest.raises(Conflict):
        service.publish(secretariat, practice, GOOD_SCORES)
    assert (
        fresh(
            "SELECT count(*) FROM criterion_assessment "
            "WHERE practice_id = :id AND score IS NOT NULL",
            id=practice.id,
        )
        == 0
    )
    assert events("practice.publish", practice) == 0


def test_a_second_click_on_publish_is_refused(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    service.publish(secretariat, practice, GOOD_SCORES)
    with pytest.raises(InvalidTransition):
        service.publish(secretariat, practice, {**GOOD_SCORES, "innovative": 0})
    assert events("practice.publish", practice) == 1


def test_return_racing_a_publish_is_refused(practices, focal_br, secretariat):
    practice = read(practices.make(focal_br, "submitted"))
    moved_meanwhile(practice, "published")
    with pytest.raises(Conflict):
        service.return_to_author(secretariat, practice, "Falta evidencia.")
    assert fresh("SELECT state FROM practice WHERE id = :id", id=practice.id) == "published"
    assert events("practice.return", practice) == 0


def test_archive_happens_once(practices, focal_br, secretariat):
    practice = read(practices.make(focal_br, "published"))
    moved_meanwhile(practice, "archived")
    with pytest.raises(Conflict):
        service.archive(secretariat, practice)
    assert events("practice.archive", practice) == 0


def test_an_edit_racing_a_step_is_refused(practices, focal_br, secretariat):
    practice = read(practices.make(focal_br, "draft"))
    moved_meanwhile(practice, "submitted")
    with pytest.raises(Conflict):
        service.update_practice(focal_br, practice, practice_values(title="Otro título"))
    assert events("practice.update", practice) == 0


def test_two_changes_sent_together_leave_one_waiting_for_review(practices, focal_br):
    practice = read(practices.make(focal_br, "published"))
    behind_the_back(
        "INSERT INTO pending_edit (practice_id, author_id, created_at, data, status) "
        "VALUES (:id, :author, CURRENT_TIMESTAMP, '{}', 'pending')",
        id=practice.id,
        author=focal_br.id,
    )
    with pytest.raises(Conflict):
        service.update_practice(focal_br, practice, practice_values(title="Título novo"))
    assert fresh("SELECT count(*) FROM pending_edit WHERE practice_id = :id", id=practice.id) == 1
    assert events("practice.propose_edit", practice) == 0


def test_the_same_change_sent_twice_is_recorded_once(practices, focal_br):
    practice = practices.make(focal_br, "published")
    first = service.update_practice(focal_br, practice, practice_values(title="Título novo")).edit
    second = service.update_practice(focal_br, practice, practice_values(title="Título novo")).edit
    assert second.id == first.id
    assert events("practice.propose_edit", practice) == 1


def test_refining_a_change_decided_meanwhile_is_refused(practices, focal_br):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Novo")).edit
    read(practice)
    behind_the_back("UPDATE pending_edit SET status = 'rejected' WHERE id = :id", id=edit.id)
    with pytest.raises(Conflict):
        service.update_practice(focal_br, practice, practice_values(title="Mais novo"))
    assert "Mais novo" not in fresh("SELECT data FROM pending_edit WHERE id = :id", id=edit.id)
    assert events("practice.propose_edit", practice) == 1


@pytest.mark.parametrize("accept", [True, False])
def test_a_change_is_decided_once(practices, focal_br, secretariat, accept):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Novo")).edit
    read(practice)
    db.session.refresh(edit)
    behind_the_back("UPDATE pending_edit SET status = 'accepted' WHERE id = :id", id=edit.id)
    with pytest.raises(Conflict):
        service.decide_edit(secretariat, edit, accept=accept, comment="Sin fuente.")
    assert fresh("SELECT title FROM practice WHERE id = :id", id=practice.id) != "Novo"
    assert events("practice.accept_edit", practice) + events("practice.reject_edit", practice) == 0


def test_a_second_decision_is_refused(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Novo")).edit
    service.decide_edit(secretariat, edit, accept=True)
    with pytest.raises(Conflict):
        service.decide_edit(secretariat, edit, accept=False, comment="No.")
    assert edit.status is EditStatus.ACCEPTED


def test_the_database_refuses_a_second_change_waiting_for_review(practices, focal_br):
    practice = practices.make(focal_br, "published")
    for _ in range(2):
        db.session.add(PendingEdit(practice_id=practice.id, data={}, status=EditStatus.PENDING))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert practice.state is PracticeState.PUBLISHED
