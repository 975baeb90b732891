"""Bad input: a clear message on the field, and nothing changed."""

import pytest

from kmportal.audit import service as audit
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.transfers import service
from kmportal.transfers.enums import Funder
from kmportal.transfers.models import Transfer
from tests.transfers.factories import transfer_values


def transfer_count() -> int:
    return db.session.query(Transfer).count()


def refused(secretariat, practice, **values) -> dict:
    before = transfer_count()
    with pytest.raises(ValidationError) as error:
        service.propose(secretariat, practice, transfer_values(**values))
    db.session.rollback()
    assert transfer_count() == before
    return error.value.errors


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"recipient_code": "BR"}, "recipient_code", "differ"),
        ({"recipient_code": "XX"}, "recipient_code", "member country"),
        ({"start_on": "2016-05-01", "end_on": "2016-04-01"}, "end_on", "Exchange starts"),
        ({"proposed_on": "2099-01-01"}, "proposed_on", "future"),
        ({"proposed_on": "not a date"}, "proposed_on", "year-month-day"),
        ({"amount_provider": "-10", "currency_provider": "USD"}, "amount_provider", "negative"),
        ({"amount_provider": "diez", "currency_provider": "USD"}, "amount_provider", "amount"),
        ({"amount_provider": "10.555", "currency_provider": "USD"}, "amount_provider", "decimals"),
        (
            {"amount_recipient": "1500", "currency_recipient": "ABC"},
            "currency_recipient",
            "ISO 4217",
        ),
        (
            {"amount_recipient": "1500", "currency_recipient": "XXX"},
            "currency_recipient",
            "ISO 4217",
        ),
        ({"amount_recipient": "1500", "currency_recipient": ""}, "currency_recipient", "currency"),
        ({"currency_recipient": "USD"}, "amount_recipient", "amount"),
        ({"modality": "triangular", "partner_name": ""}, "partner_name", "partner"),
        ({"modality": "carrier pigeon"}, "modality", "list"),
        (
            {"funding_mode": "third_party", "third_party_name": ""},
            "third_party_name",
            "third party",
        ),
        ({"funding_mode": "lottery"}, "funding_mode", "list"),
        ({"result_id": "999999"}, "result_id", "list"),
    ],
)
def test_bad_proposal_is_refused_with_a_message_on_the_field(
    transfers, secretariat, values, field, words
):
    errors = refused(secretariat, transfers.practice("BR"), **values)
    assert field in errors
    assert words.lower() in str(errors[field]).lower()


def test_amounts_in_known_currencies_are_kept(transfers, secretariat):
    transfer = service.propose(
        secretariat,
        transfers.practice("BR"),
        transfer_values(
            amount_provider="12000,50",
            currency_provider="brl",
            amount_third_party="5000",
            currency_third_party="USD",
            third_party_name="OIT",
        ),
    )
    provider = transfer.contribution(Funder.PROVIDER)
    assert (str(provider.amount), provider.currency) == ("12000.50", "BRL")
    assert transfer.contribution(Funder.THIRD_PARTY).currency == "USD"
    assert transfer.contribution(Funder.RECIPIENT) is None


def test_bad_edit_changes_nothing(transfers, secretariat):
    transfer = transfers.make("agreed", amount_provider="100", currency_provider="USD")
    history = len(audit.history("transfer", transfer.id))
    with pytest.raises(ValidationError) as error:
        service.update(
            secretariat,
            transfer,
            transfer_values(
                agreed_on="2015-11-10",
                amount_provider="-5",
                currency_provider="USD",
                purpose="Nuevo propósito",
            ),
        )
    db.session.rollback()
    assert "amount_provider" in error.value.errors
    assert transfer.purpose != "Nuevo propósito"
    assert str(transfer.contribution(Funder.PROVIDER).amount) == "100.00"
    assert len(audit.history("transfer", transfer.id)) == history


def test_a_step_date_cannot_be_cleared_or_set_by_hand(transfers, secretariat):
    transfer = transfers.make("agreed")
    with pytest.raises(ValidationError) as error:
        service.update(secretariat, transfer, transfer_values(agreed_on=""))
    assert "agreed_on" in error.value.errors
    db.session.rollback()
    proposed = transfers.make("proposed", recipient="PE")
    service.update(
        secretariat, proposed, transfer_values(recipient_code="PE", agreed_on="2015-11-01")
    )
    assert proposed.agreed_on is None


def test_edit_is_audited_with_old_and_new_values(transfers, focal_co):
    transfer = transfers.make("agreed")
    changed = service.update(
        focal_co,
        transfer,
        transfer_values(agreed_on="2015-11-10", amount_recipient="2500", currency_recipient="COP"),
    )
    assert changed
    event = audit.history("transfer", transfer.id)[0]
    assert event.action == "transfer.update"
    assert event.changes["amount_recipient"] == [None, "2500.00 COP"]
    assert event.actor_id == focal_co.id
    assert not service.update(
        focal_co,
        transfer,
        transfer_values(agreed_on="2015-11-10", amount_recipient="2500", currency_recipient="COP"),
    )
