import io
from datetime import date

import pytest

from kmportal.attachments.models import Attachment
from kmportal.audit import service as audit
from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import followups, service
from kmportal.transfers.models import FollowUp

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def follow_up_values(**overrides) -> dict:
    values = {
        "done_on": "2016-09-20",
        "stage": "piloting",
        "summary": "Piloto en dos municipios con 120 familias.",
        "next_step": "",
        "next_due_on": "",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2016, 3, 15), 6, date(2016, 9, 15)),
        (date(2016, 8, 31), 6, date(2017, 2, 28)),
        (date(2015, 12, 10), 24, date(2017, 12, 10)),
        (date(2016, 2, 29), 12, date(2017, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_the_end_of_the_month(day, months, expected):
    assert followups.add_months(day, months) == expected


def test_reaching_transferred_schedules_the_follow_ups(transfers):
    transfer = transfers.make("transferred")
    assert [(f.scheduled_months, f.due_on) for f in transfer.follow_ups] == [
        (6, date(2016, 9, 15)),
        (12, date(2017, 3, 15)),
        (24, date(2018, 3, 15)),
    ]
    assert all(f.is_pending for f in transfer.follow_ups)


def test_follow_up_intervals_are_a_setting(app, transfers):
    app.config["FOLLOW_UP_MONTHS"] = (3, 9)
    transfer = transfers.make("transferred")
    assert [f.scheduled_months for f in transfer.follow_ups] == [3, 9]


def test_correcting_the_transfer_date_moves_the_pending_follow_ups(transfers, secretariat):
    from kmportal.transfers import data

    transfer = transfers.make("transferred", confirmed=False)
    values = data.form_values(data.snapshot(transfer))
    service.update(secretariat, transfer, {**values, "transferred_on": "2016-04-15"})
    assert [f.due_on for f in transfer.follow_ups][0] == date(2016, 10, 15)


def test_recording_a_due_follow_up_with_evidence_and_a_next_step(transfers, focal_co):
    transfer = transfers.make("transferred")
    due = transfer.follow_ups[0]
    recorded = followups.record(
        focal_co,
        transfer,
        follow_up_values(next_step="Evaluación del piloto.", next_due_on="2016-12-15"),
        pending=due,
        files=[(io.BytesIO(PDF), "informe-piloto.pdf")],
    )
    assert recorded is due and not due.is_pending
    assert due.stage.value == "piloting" and due.recorded_by_id == focal_co.id
    assert [a.original_name for a in due.attachments] == ["informe-piloto.pdf"]
    pending = [f for f in transfer.follow_ups if f.is_pending]
    assert [(f.due_on, f.planned) for f in pending][0] == (
        date(2016, 12, 15),
        "Evaluación del piloto.",
    )
    event = audit.history("transfer", transfer.id)[0]
    assert event.action == "transfer.follow_up"
    assert event.changes["evidence"] == [None, ["informe-piloto.pdf"]]


def test_an_unscheduled_follow_up_is_a_new_dated_entry(transfers, focal_br):
    transfer = transfers.make("in_progress")
    entry = followups.record(focal_br, transfer, follow_up_values(done_on="2016-02-01"))
    assert entry.due_on is None and entry.done_on == date(2016, 2, 1)
    assert transfer.follow_ups == [entry]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"stage": "teleported"}, "stage"),
        ({"done_on": "2099-01-01"}, "done_on"),
        ({"done_on": "2010-01-01"}, "done_on"),
        ({"next_step": "Visita", "next_due_on": ""}, "next_due_on"),
        ({"next_step": "", "next_due_on": "2017-01-01"}, "next_step"),
        ({"next_step": "Visita", "next_due_on": "2016-09-01"}, "next_due_on"),
    ],
)
def test_bad_follow_up_is_refused_and_nothing_changes(transfers, focal_co, values, field):
    transfer = transfers.make("transferred")
    count = db.session.query(FollowUp).count()
    with pytest.raises(ValidationError) as error:
        followups.record(focal_co, transfer, follow_up_values(**values), transfer.follow_ups[0])
    db.session.rollback()
    assert field in error.value.errors
    assert db.session.query(FollowUp).count() == count
    assert all(f.is_pending for f in transfer.follow_ups)


def test_bad_evidence_file_is_refused_before_anything_changes(transfers, focal_co):
    transfer = transfers.make("transferred")
    with pytest.raises(ValidationError):
        followups.record(
            focal_co,
            transfer,
            follow_up_values(),
            transfer.follow_ups[0],
            files=[(io.BytesIO(b"just text"), "informe.pdf")],
        )
    db.session.rollback()
    assert transfer.follow_ups[0].is_pending
    assert db.session.query(Attachment).count() == 0


def test_focal_point_of_another_country_cannot_follow_up(transfers, focal_mx):
    transfer = transfers.make("transferred")
    with pytest.raises(PermissionDenied):
        followups.record(focal_mx, transfer, follow_up_values())


def test_due_lists_per_country_and_for_the_secretariat(transfers, focal_co, focal_mx, secretariat):
    br_co = transfers.make("transferred")
    transfers.make("transferred", provider="MX", recipient="PE")
    cancelled = transfers.make("in_progress", provider="BR", recipient="PE")
    followups.record(
        secretariat,
        cancelled,
        follow_up_values(done_on="2016-02-01", next_step="Reunión", next_due_on="2016-03-01"),
    )
    service.move(secretariat, cancelled, "cancel", reason="Sin fondos.")
    colombia = followups.due_list(focal_co, 1, 50).items
    assert {f.transfer_id for f in colombia} == {br_co.id}
    everything = followups.due_list(secretariat, 1, 50).items
    assert len(everything) == 6  # three each; the cancelled transfer's follow-up is dropped
    assert [f.due_on for f in everything] == sorted(f.due_on for f in everything)
    counts = followups.due_counts("CO", today=date(2017, 1, 1))
    assert counts == {"overdue": 1, "soon": 0, "later": 2}
    counts = followups.due_counts(None, today=date(2017, 1, 1))
    assert counts["overdue"] == 2


def test_evidence_is_for_the_network_only(client, auth, transfers, focal_co, focal_mx):
    transfer = transfers.make("transferred")
    followups.record(
        focal_co,
        transfer,
        follow_up_values(),
        transfer.follow_ups[0],
        files=[(io.BytesIO(PDF), "acta.pdf")],
    )
    attachment = transfer.follow_ups[0].attachments[0]
    assert client.get(f"/transfers/evidence/{attachment.id}").status_code == 404
    auth.login(focal_mx)
    response = client.get(f"/transfers/evidence/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A follow-up's evidence is not reachable as a practice document.
    assert client.get(f"/practices/attachments/{attachment.id}").status_code == 404
