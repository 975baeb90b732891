from datetime import date

import pytest

from kmportal.errors import InvalidTransition, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import confirmations, service
from kmportal.transfers.enums import Side


def test_each_country_confirms_through_its_focal_point(transfers, focal_br, focal_co):
    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer, note="Misión técnica realizada.")
    assert not transfer.is_confirmed_by_both
    confirmations.confirm(focal_co, transfer, on=date(2016, 4, 2))
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
    confirmations.confirm(focal_co, transfer, on=date(2016, 5, 10))
    assert transfer.fully_confirmed_on is None  # what the counting rule reads
    confirmations.confirm(focal_br, transfer, on=date(2016, 4, 20))
    assert transfer.fully_confirmed_on == date(2016, 5, 10)


def test_secretariat_confirms_on_behalf_of_a_country_with_a_note(transfers, secretariat):
    transfer = transfers.make("transferred", confirmed=False)
    with pytest.raises(ValidationError) as error:
        confirmations.confirm(secretariat, transfer, "recipient", note="")
    assert "note" in error.value.errors
    with pytest.raises(ValidationError) as error:
        confirmations.confirm(secretariat, transfer, None, note="Acta")
    assert "side" in error.value.errors
    confirmations.confirm(secretariat, transfer, "recipient", note="Acta de la reunión de junio.")
    confirmation = transfer.confirmation(Side.RECIPIENT)
    assert confirmation.on_behalf and confirmation.confirmed_by_id == secretariat.id


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_progress", "cancelled"])
def test_a_transfer_is_confirmed_only_once_the_exchange_took_place(transfers, focal_br, status):
    transfer = transfers.make(status)
    with pytest.raises(InvalidTransition):
        confirmations.confirm(focal_br, transfer)
    assert transfer.confirmations == []


def test_a_country_confirms_once(transfers, focal_br):
    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer)
    with pytest.raises(InvalidTransition):
        confirmations.confirm(focal_br, transfer)


def test_focal_point_confirms_for_its_own_country_only(transfers, focal_br, focal_mx):
    transfer = transfers.make("transferred", confirmed=False)
    with pytest.raises(PermissionDenied):
        confirmations.confirm(focal_br, transfer, "recipient")
    with pytest.raises(PermissionDenied):
        confirmations.confirm(focal_mx, transfer)
    assert transfer.confirmations == []


def test_confirmation_date_is_after_the_transfer_and_not_ahead(transfers, focal_br):
    transfer = transfers.make("transferred", confirmed=False)
    for bad in (date(2016, 1, 1), date(2099, 1, 1)):
        with pytest.raises(ValidationError) as error:
            confirmations.confirm(focal_br, transfer, on=bad)
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


def _other_result_id(transfer) -> int:
    import sqlalchemy as sa

    from kmportal.reference.models import Result

    return db.session.scalar(sa.select(Result.id).where(Result.id != transfer.result_id).limit(1))


@pytest.mark.parametrize(
    ("field", "value"),
    [("result_id", None), ("transferred_on", "2016-03-10"), ("adopted_on", "2016-06-02")],
)
def test_once_a_country_confirmed_only_the_secretariat_changes_what_counting_reads(
    transfers, focal_br, focal_co, secretariat, field, value
):
    """A focal point moved a confirmed transfer to another result: it stopped counting."""
    from kmportal.transfers import data

    transfer = transfers.make("adopted", confirmed=False)
    confirmations.confirm(focal_br, transfer, on=date(2016, 4, 1))
    value = value or str(_other_result_id(transfer))
    values = {**data.form_values(data.snapshot(transfer)), field: value}
    before = data.snapshot(transfer)[field]
    for party in (focal_co, focal_br):
        with pytest.raises(ValidationError) as error:
            service.update(party, transfer, values)
        db.session.rollback()
        assert set(error.value.errors) == {field}
        assert data.snapshot(transfer)[field] == before
    assert service.update(secretariat, transfer, values)
    assert str(data.snapshot(transfer)[field]) == value


def test_other_details_stay_editable_after_a_confirmation(transfers, focal_br, focal_co):
    from kmportal.transfers import data

    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer, on=date(2016, 4, 1))
    values = {**data.form_values(data.snapshot(transfer)), "lessons_learned": "Firmar antes."}
    assert service.update(focal_co, transfer, values)


def test_the_exchange_is_never_moved_after_a_confirmation(
    transfers, focal_br, focal_co, secretariat
):
    """Before the second confirmation, the transfer date cannot move past the first one."""
    from kmportal.transfers import data

    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer, on=date(2016, 4, 1))
    values = data.form_values(data.snapshot(transfer))
    for user in (focal_co, secretariat):
        with pytest.raises(ValidationError) as error:
            service.update(user, transfer, {**values, "transferred_on": "2016-04-10"})
        db.session.rollback()
        assert set(error.value.errors) == {"transferred_on"}
        assert transfer.transferred_on == date(2016, 3, 15)
    assert service.update(secretariat, transfer, {**values, "transferred_on": "2016-03-31"})
    confirmations.confirm(focal_co, transfer, on=date(2016, 4, 2))
    assert transfer.fully_confirmed_on == date(2016, 4, 2)


def test_who_may_still_confirm(transfers, focal_br, focal_co, focal_mx, secretariat):
    transfer = transfers.make("in_progress")
    assert confirmations.sides_to_confirm(focal_br, transfer) == []  # not taken place yet
    service.move(secretariat, transfer, "complete", on=date(2016, 3, 15))
    assert confirmations.sides_to_confirm(focal_br, transfer) == [Side.PROVIDER]
    assert confirmations.sides_to_confirm(focal_mx, transfer) == []
    assert confirmations.sides_to_confirm(secretariat, transfer) == [Side.PROVIDER, Side.RECIPIENT]
    confirmations.confirm(focal_br, transfer)
    assert confirmations.sides_to_confirm(focal_br, transfer) == []
    assert confirmations.sides_to_confirm(focal_co, transfer) == [Side.RECIPIENT]
    assert confirmations.sides_to_confirm(secretariat, transfer) == [Side.RECIPIENT]
