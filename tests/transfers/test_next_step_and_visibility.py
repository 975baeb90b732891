"""Who must do what next on a transfer (one sentence on its page), what each reader may see
of it and do with it (view objects, not template rules), the "transferred" step that confirms
in the same action, and follow-ups offered once there is something to follow."""

from datetime import date

import pytest

from kmportal.audit import service as audit
from kmportal.errors import Conflict, InvalidTransition, ValidationError
from kmportal.extensions import db
from kmportal.transfers import confirmations, followups, service, visibility
from kmportal.transfers.next_step import next_step
from tests.once import behind_the_back, fresh
from tests.transfers.factories import DATES
from tests.transfers.test_follow_ups import follow_up_values

LATER = date(2030, 1, 1)  # every scheduled follow-up is overdue by then


def codes(step):
    return [country.code for country in step.countries]


@pytest.mark.parametrize(
    ("author", "agreeing"),
    [("focal_co", ["BR"]), ("focal_br", ["CO"]), ("secretariat", ["BR", "CO"])],
)
def test_who_agrees_follows_who_started_it(transfers, request, author, agreeing):
    transfer = transfers.make("proposed", author=request.getfixturevalue(author))
    step = next_step(transfer, LATER)
    assert (step.kind, codes(step)) == ("agree", agreeing)


@pytest.mark.parametrize(
    ("status", "kind", "countries"),
    [
        ("agreed", "start", ["BR", "CO"]),
        ("in_progress", "complete", ["BR", "CO"]),
        ("cancelled", "cancelled", []),
    ],
)
def test_next_step_before_the_exchange(transfers, status, kind, countries):
    step = next_step(transfers.make(status), LATER)
    assert (step.kind, codes(step)) == (kind, countries)


def test_after_the_exchange_the_countries_that_have_not_confirmed(transfers, secretariat):
    transfer = transfers.make("transferred", confirmed=False)
    assert codes(next_step(transfer, LATER)) == ["BR", "CO"]
    confirmations.confirm(secretariat, transfer, "provider", "Acta.", DATES["complete"])
    step = next_step(transfer, LATER)
    assert (step.kind, codes(step)) == ("confirm", ["CO"])


def test_then_the_earliest_follow_up_due_or_overdue(transfers):
    transfer = transfers.make("transferred")
    first = min(f.due_on for f in transfer.follow_ups)
    overdue = next_step(transfer, LATER)
    assert (overdue.kind, overdue.on, codes(overdue)) == ("follow_up_overdue", first, ["BR", "CO"])
    assert next_step(transfer, date(2016, 3, 16)).kind == "follow_up_due"


def test_then_adoption_then_nothing(transfers, secretariat):
    transfer = transfers.make("adopted")
    for pending in list(transfer.follow_ups):
        followups.record(secretariat, transfer, follow_up_values(done_on="2016-09-20"), pending)
    step = next_step(transfer, LATER)
    assert (step.kind, codes(step)) == ("institutionalise", ["CO"])
    service.move(secretariat, transfer, "institutionalise", on=date(2016, 10, 1))
    assert next_step(transfer, LATER).kind == "done"


def test_the_page_says_whose_turn_it_is(client, transfers, focal_co):
    transfer = transfers.make("proposed", author=focal_co)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Waiting for Brazil to agree to the transfer." in page
    confirmed_by_one = transfers.make("transferred", recipient="MX", confirmed=False)
    confirmations.confirm(
        transfers.secretariat, confirmed_by_one, "provider", "Acta.", DATES["complete"]
    )
    page = client.get(f"/transfers/{confirmed_by_one.id}").get_data(as_text=True)
    assert "Waiting for Mexico to confirm the transfer." in page


def test_what_each_reader_may_see(app, transfers, focal_co, focal_mx, secretariat):
    from flask_login import AnonymousUserMixin

    transfer = transfers.make("transferred", amount_provider="1500", currency_provider="BRL")
    today = date(2016, 4, 1)
    anonymous = visibility.transfer_view(AnonymousUserMixin(), transfer, None, today)
    assert anonymous.amounts == () and anonymous.history == []
    assert all(c.confirmed_on and c.by is None and not c.note for c in anonymous.confirmations)
    assert {e.kind for e in anonymous.timeline}.isdisjoint({"follow_up", "due"})
    assert not anonymous.actions.any and not anonymous.actions.confirm
    other = visibility.transfer_view(focal_mx, transfer, None, today)
    assert other.amounts and other.history and any(e.kind == "due" for e in other.timeline)
    assert all(c.by == "secretariat" and c.note for c in other.confirmations)
    assert other.actions == visibility.TransferActions((), False, False, False, None)
    own = visibility.transfer_view(focal_co, transfer, None, today)
    assert own.actions.steps == ("adopt",) and own.actions.edit and own.actions.follow_up
    assert visibility.transfer_view(secretariat, transfer, None, today).actions.steps == ("adopt",)


def test_the_list_offers_follow_ups_and_recording_by_role(app, focal_co, secretariat):
    from flask_login import AnonymousUserMixin

    assert visibility.list_actions(AnonymousUserMixin()) == visibility.ListActions(False, False)
    assert visibility.list_actions(focal_co) == visibility.ListActions(True, False)
    assert visibility.list_actions(secretariat) == visibility.ListActions(True, True)


def test_transferred_and_confirmed_in_one_action_once(client, auth, transfers, focal_br, app):
    transfer = transfers.make("in_progress")
    auth.login(focal_br)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "and confirm for Brazil that the exchange took place" in page
    url = f"/transfers/{transfer.id}/steps/complete"
    form = {"on": "2016-03-15", "confirm": "y"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 409  # the double submit
    assert fresh("SELECT status FROM transfer WHERE id = :id", id=transfer.id) == "transferred"
    assert (
        fresh("SELECT count(*) FROM transfer_confirmation WHERE transfer_id = :id", id=transfer.id)
        == 1
    )
    assert fresh("SELECT count(*) FROM follow_up WHERE transfer_id = :id", id=transfer.id) == len(
        app.config["FOLLOW_UP_MONTHS"]
    )
    actions = [e.action for e in audit.history("transfer", transfer.id)]
    assert actions.count("transfer.complete") == actions.count("transfer.confirm") == 1


def test_a_racing_second_click_confirms_nothing_more(transfers, focal_br):
    transfer = transfers.make("in_progress")
    db.session.refresh(transfer)
    behind_the_back(
        "UPDATE transfer SET status = 'transferred', transferred_on = :on WHERE id = :id",
        on=DATES["complete"],
        id=transfer.id,
    )
    with pytest.raises(Conflict):
        service.move(focal_br, transfer, "complete", on=DATES["complete"], confirm=True)
    assert (
        fresh("SELECT count(*) FROM transfer_confirmation WHERE transfer_id = :id", id=transfer.id)
        == 0
    )


def test_the_secretariat_confirms_on_its_own_page(transfers, secretariat):
    transfer = transfers.make("in_progress")
    with pytest.raises(ValidationError) as refused:
        service.move(secretariat, transfer, "complete", on=DATES["complete"], confirm=True)
    assert "confirm" in refused.value.errors
    db.session.rollback()
    assert fresh("SELECT status FROM transfer WHERE id = :id", id=transfer.id) == "in_progress"


def test_the_step_page_offers_the_confirmation_and_bad_input_is_no_500(
    client, auth, transfers, focal_br, secretariat
):
    transfer = transfers.make("in_progress")
    auth.login(focal_br)
    page = client.get(f"/transfers/{transfer.id}/steps/complete")
    assert "and confirm for Brazil" in page.get_data(as_text=True)
    bad = client.post(
        f"/transfers/{transfer.id}/steps/complete", data={"on": "yesterday", "confirm": "y"}
    )
    assert bad.status_code == 422
    assert fresh("SELECT status FROM transfer WHERE id = :id", id=transfer.id) == "in_progress"
    auth.logout()
    auth.login(secretariat)
    page = client.get(f"/transfers/{transfer.id}/steps/complete").get_data(as_text=True)
    assert "and confirm for" not in page
    refused = client.post(
        f"/transfers/{transfer.id}/steps/complete", data={"on": "2016-03-15", "confirm": "y"}
    )
    assert refused.status_code == 422
    assert "confirm on its own page" in refused.get_data(as_text=True)


def test_follow_up_is_offered_once_there_is_something_to_follow(client, auth, transfers, focal_br):
    proposed = transfers.make("proposed")
    started = transfers.make("in_progress", recipient="MX")
    auth.login(focal_br)
    assert "Record a follow-up" not in client.get(f"/transfers/{proposed.id}").get_data(
        as_text=True
    )
    assert client.get(f"/transfers/{proposed.id}/follow-ups/new").status_code == 409
    with pytest.raises(InvalidTransition):
        followups.record(focal_br, proposed, follow_up_values(done_on="2016-01-01"))
    assert "Record a follow-up" in client.get(f"/transfers/{started.id}").get_data(as_text=True)


def test_a_recorded_follow_up_closes_the_earliest_due_one(client, auth, transfers, focal_co):
    transfer = transfers.make("transferred")
    earliest = min(transfer.follow_ups, key=lambda f: f.due_on)
    auth.login(focal_co)
    response = client.post(
        f"/transfers/{transfer.id}/follow-ups/new",
        data={"done_on": "2016-09-20", "stage": "piloting", "summary": "Piloto en Huila."},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert earliest.done_on == date(2016, 9, 20) and earliest.summary == "Piloto en Huila."
    assert sum(f.is_pending for f in transfer.follow_ups) == len(transfer.follow_ups) - 1
    event = audit.history("transfer", transfer.id)[0]
    assert event.changes["follow_up_due_on"][0] == earliest.due_on.isoformat()


def test_the_chosen_due_follow_up_is_the_one_closed(transfers, focal_co):
    transfer = transfers.make("transferred")
    latest = max(transfer.follow_ups, key=lambda f: f.due_on)
    followups.record(focal_co, transfer, follow_up_values(done_on="2016-09-20"), latest)
    assert not latest.is_pending
    assert [f.is_pending for f in transfer.follow_ups].count(True) == len(transfer.follow_ups) - 1
