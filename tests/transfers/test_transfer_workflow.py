from datetime import date

import pytest

from kmportal.audit import service as audit
from kmportal.auth.models import Role
from kmportal.errors import InvalidTransition, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import service
from kmportal.transfers.enums import Origin, TransferStatus
from kmportal.transfers.models import Transfer
from kmportal.transfers.permissions import can
from kmportal.transfers.workflow import STEPS, allowed_steps, next_status
from tests.transfers.factories import DATES


@pytest.mark.parametrize(
    ("status", "step", "allowed"),
    [(status, step, status in STEPS[step].sources) for status in TransferStatus for step in STEPS],
)
def test_transition_table_allows_and_refuses(status, step, allowed):
    if allowed:
        assert next_status(status, step) is STEPS[step].target
        assert step in allowed_steps(status)
    else:
        with pytest.raises(InvalidTransition):
            next_status(status, step)
        assert step not in allowed_steps(status)


def test_the_workflow_goes_from_proposed_to_institutionalised(transfers, secretariat):
    transfer = transfers.make("institutionalised")
    assert transfer.status is TransferStatus.INSTITUTIONALISED
    assert transfer.agreed_on == DATES["agree"]
    assert transfer.transferred_on == DATES["complete"]
    assert transfer.institutionalised_on == DATES["institutionalise"]
    actions = [e.action for e in reversed(audit.history("transfer", transfer.id))]
    assert actions == [
        "transfer.propose",
        "transfer.agree",
        "transfer.start",
        "transfer.complete",
        "transfer.adopt",
        "transfer.institutionalise",
        "transfer.confirm",
        "transfer.confirm",
    ]


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_progress"])
def test_open_transfer_can_be_cancelled_with_a_reason_and_lessons(transfers, secretariat, status):
    transfer = transfers.make(status)
    service.move(
        secretariat,
        transfer,
        "cancel",
        on=date(2016, 7, 1),
        reason="Sin financiamiento de contrapartida.",
        lessons="Asegurar el financiamiento antes de acordar.",
    )
    assert transfer.status is TransferStatus.CANCELLED
    assert transfer.cancel_reason == "Sin financiamiento de contrapartida."
    assert transfer.lessons_learned == "Asegurar el financiamiento antes de acordar."
    event = audit.history("transfer", transfer.id)[0]
    assert event.action == "transfer.cancel"
    assert event.changes["status"] == [status, "cancelled"]


@pytest.mark.parametrize("status", ["transferred", "adopted", "institutionalised", "cancelled"])
def test_transfer_that_took_place_or_was_cancelled_cannot_be_cancelled(
    transfers, secretariat, status
):
    transfer = transfers.make(status)
    with pytest.raises(InvalidTransition):
        service.move(secretariat, transfer, "cancel", reason="Otra razón.")
    assert transfer.status is TransferStatus(status)


def test_cancelling_needs_a_reason_and_changes_nothing_without_one(transfers, secretariat):
    transfer = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.move(secretariat, transfer, "cancel", reason="  ")
    db.session.rollback()
    assert set(error.value.errors) == {"reason"}
    assert transfer.status is TransferStatus.AGREED
    assert [e.action for e in audit.history("transfer", transfer.id)][0] == "transfer.agree"


def test_refused_transition_changes_nothing(transfers, secretariat):
    transfer = transfers.make("proposed")
    with pytest.raises(InvalidTransition):
        service.move(secretariat, transfer, "complete", on=date(2016, 3, 1))
    assert transfer.status is TransferStatus.PROPOSED
    assert transfer.transferred_on is None
    assert transfer.follow_ups == []
    assert [e.action for e in audit.history("transfer", transfer.id)] == ["transfer.propose"]


def test_agreeing_needs_the_funding_mode(transfers, secretariat):
    transfer = transfers.make("proposed", funding_mode="")
    with pytest.raises(ValidationError) as error:
        service.move(secretariat, transfer, "agree", on=date(2015, 11, 1))
    db.session.rollback()
    assert "funded" in str(error.value.errors[""])
    assert transfer.status is TransferStatus.PROPOSED


def test_a_step_date_cannot_be_in_the_future_or_before_the_previous_one(transfers, secretariat):
    transfer = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.move(secretariat, transfer, "start", on=date(2099, 1, 1))
    assert "future" in str(error.value.errors["on"])
    with pytest.raises(ValidationError) as error:
        service.move(secretariat, transfer, "start", on=date(2015, 11, 1))  # before agreed_on
    assert "Agreed on" in str(error.value.errors["on"])
    db.session.rollback()
    assert transfer.status is TransferStatus.AGREED and transfer.start_on is None


def test_a_step_date_that_is_not_a_date_is_refused(transfers, secretariat):
    transfer = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.move(secretariat, transfer, "start", on="31/02/2016")
    assert "on" in error.value.errors
    assert transfer.status is TransferStatus.AGREED


def test_origin_records_who_started_the_transfer(transfers, focal_br, focal_co, secretariat):
    practice = transfers.practice("BR")
    offered = service.propose(focal_br, practice, {"recipient_code": "PE", "modality": "bilateral"})
    asked = service.propose(focal_co, practice, {"modality": "bilateral"})
    recorded = service.propose(
        secretariat, practice, {"provider_code": "BR", "recipient_code": "MX"}
    )
    assert (offered.origin, offered.provider_code, offered.recipient_code) == (
        Origin.OFFER,
        "BR",
        "PE",
    )
    assert (asked.origin, asked.provider_code, asked.recipient_code) == (
        Origin.REQUEST,
        "BR",
        "CO",
    )
    assert recorded.origin is Origin.RECORD
    assert recorded.result.code == "3.1"  # the result of the "practices_transferred" target


def test_focal_point_asking_for_another_recipient_is_refused_not_rewritten(transfers, focal_co):
    practice = transfers.practice("BR")
    with pytest.raises(ValidationError) as error:
        service.propose(focal_co, practice, {"provider_code": "BR", "recipient_code": "AR"})
    db.session.rollback()
    assert set(error.value.errors) == {"recipient_code"}
    assert "your own country" in str(error.value.errors["recipient_code"])
    assert db.session.query(Transfer).count() == 0
    # Naming itself, or leaving the recipient out, is asking for its own country.
    transfer = service.propose(focal_co, practice, {"provider_code": "BR", "recipient_code": "CO"})
    assert (transfer.provider_code, transfer.recipient_code) == ("BR", "CO")


@pytest.mark.parametrize(("who", "provider", "recipient"), [("co", "CO", "AR"), ("br", "MX", "PE")])
def test_focal_point_proposes_with_the_practices_country_as_provider(
    transfers, focal_br, focal_co, who, provider, recipient
):
    """A CO focal point made a transfer of a Brazilian practice CO → AR: Brazil never took
    part. The provider is the practice's country for focal points."""
    user = {"br": focal_br, "co": focal_co}[who]
    practice = transfers.practice("BR")
    with pytest.raises(ValidationError) as error:
        service.propose(user, practice, {"provider_code": provider, "recipient_code": recipient})
    db.session.rollback()
    assert "provider_code" in error.value.errors
    assert db.session.query(Transfer).count() == 0


def test_only_the_secretariat_records_a_provider_other_than_the_practices_country(
    transfers, secretariat
):
    practice = transfers.practice("BR")
    transfer = service.propose(
        secretariat,
        practice,
        {
            "provider_code": "MX",
            "recipient_code": "PE",
            "modality": "triangular",
            "partner_name": "OIT",
        },
    )
    assert (transfer.provider_code, transfer.origin) == ("MX", Origin.RECORD)
    assert service.propose(secretariat, practice, {"recipient_code": "CO"}).provider_code == "BR"


def test_a_focal_point_cannot_turn_a_request_around_and_agree_to_it(transfers, focal_co):
    """Colombia asked Brazil (BR → CO, Brazil agrees); editing it into CO → BR kept the origin
    "request", so Colombia became the provider that agrees to its own request."""
    from tests.transfers.factories import transfer_values

    transfer = transfers.make("proposed", author=focal_co)
    assert transfer.origin is Origin.REQUEST
    with pytest.raises(PermissionDenied):
        service.update(focal_co, transfer, transfer_values(provider_code="CO", recipient_code="BR"))
    db.session.rollback()
    assert (transfer.provider_code, transfer.recipient_code) == ("BR", "CO")
    assert not can(focal_co, "agree", transfer)
    with pytest.raises(PermissionDenied):
        service.move(focal_co, transfer, "agree", on=date(2015, 11, 1))


@pytest.mark.parametrize(
    ("provider", "recipient", "origin", "agrees"),
    [
        ("CO", "BR", Origin.OFFER, "BR"),  # turned around: Colombia now offers, Brazil agrees
        ("MX", "CO", Origin.REQUEST, "MX"),  # Colombia still asks, the new provider agrees
        ("BR", "PE", Origin.RECORD, "BR PE"),  # Colombia is out: the secretariat's record
    ],
)
def test_secretariat_changing_the_countries_derives_who_agrees_again(
    transfers, secretariat, focal_co, focal_br, provider, recipient, origin, agrees
):
    from tests.conftest import make_user
    from tests.transfers.factories import transfer_values

    transfer = transfers.make("proposed", author=focal_co)
    service.update(
        secretariat, transfer, transfer_values(provider_code=provider, recipient_code=recipient)
    )
    assert (transfer.provider_code, transfer.recipient_code) == (provider, recipient)
    assert transfer.origin is origin
    changes = audit.history("transfer", transfer.id)[0].changes
    assert changes.get("origin", ["request", "request"]) == ["request", origin.value]
    people = {"BR": focal_br, "CO": focal_co}
    for code in {provider, recipient}:
        person = people.get(code) or make_user(
            f"focal.{code.lower()}@example.org", Role.FOCAL_POINT, code
        )
        assert can(person, "agree", transfer) is (code in agrees.split()), code


def test_only_published_practices_are_transferred(practices, focal_br, secretariat):
    draft = practices.make(focal_br, "draft")
    with pytest.raises(ValidationError) as error:
        service.propose(secretariat, draft, {"recipient_code": "CO"})
    assert "practice_id" in error.value.errors


def test_a_practice_is_not_transferred_twice_to_the_same_country(transfers, secretariat):
    first = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.propose(secretariat, first.practice, {"recipient_code": "CO"})
    assert "recipient_code" in error.value.errors
    service.move(secretariat, first, "cancel", reason="Se reemplaza.")
    again = service.propose(secretariat, first.practice, {"recipient_code": "CO"})
    assert again.id != first.id


def test_countries_of_an_agreed_transfer_cannot_change(transfers, secretariat):
    from tests.transfers.factories import transfer_values

    transfer = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.update(
            secretariat, transfer, transfer_values(recipient_code="PE", agreed_on="2015-11-10")
        )
    db.session.rollback()
    assert "recipient_code" in error.value.errors
    assert transfer.recipient_code == "CO"
