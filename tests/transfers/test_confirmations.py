from datetime import date

import pytest

from kmportal.errors import InvalidTransition, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import service
from kmportal.transfers.enums import Side


def test_each_country_confirms_through_its_focal_point(transfers, focal_br, focal_co):
    transfer = transfers.make("transferred", confirmed=False)
    service.confirm(focal_br, transfer, note="Misión técnica realizada.")
    assert not transfer.is_confirmed_by_both
    service.confirm(focal_co, transfer, on=date(2016, 4, 2))
    assert transfer.is_confirmed_by_both
    provider, recipient = (
        transfer.confirmation(Side.PROVIDER),
        transfer.confirmation(Side.RECIPIENT),
    )
    assert (provider.confirmed_by_id, provider.on_behalf) == (focal_br.id, False)
    assert provider.note == "Misión técnica realizada."
    assert recipient.confirmed_on == date(2016, 4, 2)


def test_the_second_confirmation_dates_the_full_confirmation(transfers, focal_br, focal_co):
    transfer = transfers.make("transferred", confirmed=False)
    service.confirm(focal_co, transfer, on=date(2016, 5, 10))
    assert transfer.fully_confirmed_on is None  # what the counting rule reads
    service.confirm(focal_br, transfer, on=date(2016, 4, 20))
    assert transfer.fully_confirmed_on == date(2016, 5, 10)


def test_secretariat_confirms_on_behalf_of_a_country_with_a_note(transfers, secretariat):
    transfer = transfers.make("transferred", confirmed=False)
    with pytest.raises(ValidationError) as error:
        service.confirm(secretariat, transfer, "recipient", note="")
    assert "note" in error.value.errors
    with pytest.raises(ValidationError) as error:
        service.confirm(secretariat, transfer, None, note="Acta")
    assert "side" in error.value.errors
    service.confirm(secretariat, transfer, "recipient", note="Acta de la reunión de junio.")
    confirmation = transfer.confirmation(Side.RECIPIENT)
    assert confirmation.on_behalf and confirmation.confirmed_by_id == secretariat.id


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_progress", "cancelled"])
def test_a_transfer_is_confirmed_only_once_the_exchange_took_place(transfers, focal_br, status):
    transfer = transfers.make(status)
    with pytest.raises(InvalidTransition):
        service.confirm(focal_br, transfer)
    assert transfer.confirmations == []


def test_a_country_confirms_once(transfers, focal_br):
    transfer = transfers.make("transferred", confirmed=False)
    service.confirm(focal_br, transfer)
    with pytest.raises(InvalidTransition):
        service.confirm(focal_br, transfer)


def test_focal_point_confirms_for_its_own_country_only(transfers, focal_br, focal_mx):
    transfer = transfers.make("transferred", confirmed=False)
    with pytest.raises(PermissionDenied):
        service.confirm(focal_br, transfer, "recipient")
    with pytest.raises(PermissionDenied):
        service.confirm(focal_mx, transfer)
    assert transfer.confirmations == []


def test_confirmation_date_is_after_the_transfer_and_not_ahead(transfers, focal_br):
    transfer = transfers.make("transferred", confirmed=False)
    for bad in (date(2016, 1, 1), date(2099, 1, 1)):
        with pytest.raises(ValidationError) as error:
            service.confirm(focal_br, transfer, on=bad)
        assert "on" in error.value.errors
    db.session.rollback()
    assert transfer.confirmations == []


def test_once_confirmed_only_the_secretariat_corrects_the_transfer_date(
    transfers, focal_co, secretariat
):
    from kmportal.transfers import data

    transfer = transfers.make("transferred")
    values = data.form_values(data.snapshot(transfer))
    with pytest.raises(ValidationError) as error:
        service.update(focal_co, transfer, {**values, "transferred_on": "2016-03-20"})
    assert "transferred_on" in error.value.errors
    db.session.rollback()
    assert service.update(secretariat, transfer, {**values, "transferred_on": "2016-03-20"})
    assert transfer.transferred_on == date(2016, 3, 20)
