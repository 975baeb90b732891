"""Every transfer step happens once: a worker that read the transfer before another one moved
it is refused (409) and changes nothing (no second set of follow-ups, no second transfer of a
practice to a country); the two countries' confirmations, however they interleave, leave the
transfer marked "confirmed by both"."""

from datetime import date

import pytest

from kmportal.errors import Conflict, InvalidTransition, NotFound, ValidationError
from kmportal.extensions import db
from kmportal.transfers import confirmations, followups, once, service, trainings
from kmportal.transfers.enums import Side
from tests.once import behind_the_back, fresh
from tests.transfers.factories import DATES, transfer_values
from tests.transfers.test_follow_ups import follow_up_values
from tests.transfers.test_trainings import training_values


def read(transfer):
    """What a request has read before it writes: the transfer and its rows."""
    db.session.refresh(transfer)
    list(transfer.follow_ups)
    list(transfer.confirmations)
    return transfer


def follow_ups_of(transfer) -> int:
    return fresh("SELECT count(*) FROM follow_up WHERE transfer_id = :id", id=transfer.id)


def events(action: str, entity_id: int) -> int:
    return fresh(
        "SELECT count(*) FROM audit_event WHERE action = :action AND entity_id = :id",
        action=action,
        id=entity_id,
    )


def test_completing_a_transfer_completed_meanwhile_schedules_nothing_more(transfers, app):
    transfer = read(transfers.make("in_progress"))
    behind_the_back(
        "UPDATE transfer SET status = 'transferred', transferred_on = :on WHERE id = :id",
        on=DATES["complete"],
        id=transfer.id,
    )
    with pytest.raises(Conflict):
        service.move(transfers.secretariat, transfer, "complete", on=DATES["complete"])
    assert follow_ups_of(transfer) == 0
    assert events("transfer.complete", transfer.id) == 0


def test_a_second_click_on_complete_is_refused(transfers, app):
    transfer = transfers.make("in_progress")
    service.move(transfers.secretariat, transfer, "complete", on=DATES["complete"])
    with pytest.raises(InvalidTransition):
        service.move(transfers.secretariat, transfer, "complete", on=DATES["complete"])
    assert follow_ups_of(transfer) == len(app.config["FOLLOW_UP_MONTHS"])


@pytest.mark.parametrize("step", ["agree", "start", "cancel"])
def test_every_step_happens_once(transfers, step):
    status = {"agree": "proposed", "start": "agreed", "cancel": "agreed"}[step]
    transfer = read(transfers.make(status))
    behind_the_back("UPDATE transfer SET status = 'cancelled' WHERE id = :id", id=transfer.id)
    with pytest.raises(Conflict):
        service.move(transfers.secretariat, transfer, step, on=DATES[step], reason="Otro.")
    assert events(f"transfer.{step}", transfer.id) == 0


def test_an_edit_racing_a_step_is_refused(transfers):
    transfer = read(transfers.make("proposed"))
    behind_the_back("UPDATE transfer SET status = 'agreed' WHERE id = :id", id=transfer.id)
    with pytest.raises(Conflict):
        service.update(transfers.secretariat, transfer, transfer_values(recipient_code="MX"))
    assert fresh("SELECT recipient_code FROM transfer WHERE id = :id", id=transfer.id) == "CO"


def test_two_proposals_racing_leave_one_live_transfer(transfers, monkeypatch):
    practice = transfers.practice("BR")
    first = transfers.make("proposed", practice=practice)
    # The second request checked for a duplicate before the first one was committed.
    monkeypatch.setattr(once, "refuse_duplicate", lambda *args: None)
    with pytest.raises(ValidationError) as error:
        service.propose(transfers.secretariat, practice, transfer_values())
    assert f"#{first.id}" in str(error.value.errors["recipient_code"])
    assert fresh("SELECT count(*) FROM transfer WHERE practice_id = :id", id=practice.id) == 1


def test_a_cancelled_transfer_does_not_block_a_new_one(transfers):
    practice = transfers.practice("BR")
    transfers.make("cancelled", practice=practice)
    assert service.propose(transfers.secretariat, practice, transfer_values()).id


def test_confirmations_arriving_together_mark_the_transfer_confirmed_by_both(transfers, focal_br):
    transfer = read(transfers.make("transferred", confirmed=False))
    # The recipient's confirmation lands after this request read the transfer (no rows yet).
    behind_the_back(
        "INSERT INTO transfer_confirmation (transfer_id, side, confirmed_on, confirmed_at, "
        "on_behalf, note) VALUES (:id, 'recipient', :on, CURRENT_TIMESTAMP, 0, '')",
        id=transfer.id,
        on=date(2016, 5, 10),
    )
    confirmations.confirm(focal_br, transfer, on=date(2016, 4, 20))
    assert (
        fresh("SELECT fully_confirmed_on FROM transfer WHERE id = :id", id=transfer.id)
        == "2016-05-10"
    )
    assert transfer.is_confirmed_by_both


def test_the_same_side_confirming_twice_together_is_refused(transfers, focal_br):
    transfer = read(transfers.make("transferred", confirmed=False))
    behind_the_back(
        "INSERT INTO transfer_confirmation (transfer_id, side, confirmed_on, confirmed_at, "
        "on_behalf, note) VALUES (:id, 'provider', :on, CURRENT_TIMESTAMP, 0, '')",
        id=transfer.id,
        on=date(2016, 4, 20),
    )
    with pytest.raises(Conflict):
        confirmations.confirm(focal_br, transfer, on=date(2016, 4, 20))
    assert events("transfer.confirm", transfer.id) == 0
    assert transfer.confirmation(Side.RECIPIENT) is None


def test_a_follow_up_is_recorded_once(transfers):
    transfer = transfers.make("transferred")
    pending = read(transfer).follow_ups[0]
    behind_the_back(
        "UPDATE follow_up SET done_on = :on WHERE id = :id", on="2016-09-01", id=pending.id
    )
    values = follow_up_values(next_step="Evaluar.", next_due_on="2017-01-10")
    with pytest.raises(Conflict):
        followups.record(transfers.secretariat, transfer, values, pending)
    assert follow_ups_of(transfer) == 3  # no next step added by the loser
    assert events("transfer.follow_up", transfer.id) == 0


def test_a_participation_is_recorded_once(focal_br):
    training = trainings.create(focal_br, training_values())
    db.session.refresh(training)
    list(training.participants)
    behind_the_back(
        "INSERT INTO training_participant (training_id, user_id, country_code, recorded_at) "
        "VALUES (:training, :user, 'BR', CURRENT_TIMESTAMP)",
        training=training.id,
        user=focal_br.id,
    )
    with pytest.raises(Conflict):
        trainings.join(focal_br, training)
    assert events("training.join", training.id) == 0


def test_a_participation_is_removed_once(focal_br):
    training = trainings.create(focal_br, training_values())
    trainings.join(focal_br, training)
    db.session.refresh(training)
    list(training.participants)
    behind_the_back("DELETE FROM training_participant WHERE training_id = :id", id=training.id)
    with pytest.raises(NotFound):
        trainings.leave(focal_br, training, focal_br.id)
    assert events("training.leave", training.id) == 0
