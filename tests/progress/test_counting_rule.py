"""counts_toward_target(): one rule, in Python and as a SQL filter; the two always agree."""

from datetime import date

import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.progress.queries import current_target
from kmportal.reference.models import Objective, Plan, Result, Target
from kmportal.transfers import confirmations
from kmportal.transfers.counting import counting_filter, counts_toward_target
from kmportal.transfers.models import Transfer
from tests.progress.bulk import add_transfers


def counted_by_sql(target) -> set[int]:
    return set(db.session.scalars(sa.select(Transfer.id).where(counting_filter(target))))


def test_a_transfer_confirmed_by_both_inside_the_period_counts(transfers):
    target = current_target()
    transfer = transfers.make("transferred")
    assert counts_toward_target(transfer, target)
    assert counted_by_sql(target) == {transfer.id}


@pytest.mark.parametrize("status", ["adopted", "institutionalised"])
def test_later_statuses_still_count(transfers, status):
    assert counts_toward_target(transfers.make(status), current_target())


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_progress", "cancelled"])
def test_a_transfer_that_has_not_taken_place_does_not_count(transfers, status):
    assert not counts_toward_target(transfers.make(status), current_target())


def test_one_confirmation_is_not_enough(transfers, focal_br):
    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer)
    target = current_target()
    assert not counts_toward_target(transfer, target)
    assert counted_by_sql(target) == set()


@pytest.mark.parametrize(
    ("transferred_on", "counts"),
    [
        (date(2015, 9, 30), False),
        (date(2015, 10, 1), True),
        (date(2016, 9, 30), True),
        (date(2016, 10, 1), False),
    ],
)
def test_the_transfer_date_must_lie_inside_the_targets_period(transfers, transferred_on, counts):
    transfer = transfers.make(
        "transferred",
        dates={
            "proposed_on": date(2015, 9, 1),
            "agree": date(2015, 9, 10),
            "start": date(2015, 9, 20),
            "complete": transferred_on,
        },
    )
    target = current_target()
    assert counts_toward_target(transfer, target) is counts
    assert (transfer.id in counted_by_sql(target)) is counts


def test_a_transfer_recorded_against_another_result_does_not_count(transfers):
    other = db.session.scalar(sa.select(Result).where(Result.text.like("Fortalecidas%")))
    transfer = transfers.make("transferred", result_id=str(other.id))
    assert not counts_toward_target(transfer, current_target())


def test_the_target_is_data_a_new_period_is_a_new_row(transfers):
    transfer = transfers.make("transferred")
    first = current_target()
    result = Result(number=1, text="Transferidas buenas prácticas entre países (2017–2018)")
    plan = Plan(
        code="2017-2018",
        title="Plan de trabajo 2017-2018",
        place_and_date="Lima, 2016",
        first_month=date(2017, 1, 1),
        last_month=date(2018, 12, 1),
        objectives=[Objective(number=3, name="Objetivo 3", description="", results=[result])],
    )
    later = Target(
        result=result,
        indicator=first.indicator,  # the same indicator, for the next plan's period
        description="Veinte (20) buenas prácticas transferidas entre países",
        quantity=20,
        period_start=date(2017, 1, 1),
        period_end=date(2018, 12, 31),
    )
    db.session.add_all([plan, later])
    db.session.commit()
    assert current_target() == later  # the new period's row is the target now
    assert counts_toward_target(transfer, first)
    assert not counts_toward_target(transfer, later)
    assert counted_by_sql(first) == {transfer.id}
    assert counted_by_sql(later) == set()


def test_python_rule_and_sql_filter_agree_on_every_kind_of_transfer(app, secretariat):
    # Every status, one or two confirmations, dates before, inside and after the period.
    add_transfers(300, seed=7)
    target = current_target()
    everything = db.session.scalars(sa.select(Transfer)).all()
    by_python = {t.id for t in everything if counts_toward_target(t, target)}
    assert by_python == counted_by_sql(target)
    assert 0 < len(by_python) < len(everything)
