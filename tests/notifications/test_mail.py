"""`flask notify send`: once per row, digests, follow-ups coming due, SMTP and its failures."""

from __future__ import annotations

import socket
import threading
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from kmportal.audit.models import utcnow
from kmportal.extensions import db
from kmportal.notifications import followups_due, mail, service
from kmportal.notifications.models import FAILED, PENDING, SENT, SKIPPED
from kmportal.practices import service as practice_service
from tests.factories import practice_values
from tests.notifications.conftest import body, mails, rows


def returned(practices, secretariat, focal_br):
    practice = practices.make(focal_br, "submitted")
    practice_service.return_to_author(secretariat, practice, "Falta evidencia.")
    # Only the return's notice to focal_br, not the submission's to the secretariat.
    for notice in rows(kind="practice_submitted"):
        db.session.delete(notice)
    db.session.commit()
    return practice


def test_by_default_each_mail_is_an_eml_file_in_the_outbox(
    app, runner, outbox, practices, secretariat, focal_br
):
    practice = returned(practices, secretariat, focal_br)
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    (message,) = mails(outbox)
    assert message["To"] == focal_br.email
    assert f"https://portal.example.org/practices/{practice.id}" in body(message)
    assert "devolvida" in body(message)  # focal_br reads Portuguese
    assert rows(kind="practice_returned")[0].mail_state == SENT


def test_run_twice_sends_once(app, runner, outbox, practices, secretariat, focal_br):
    returned(practices, secretariat, focal_br)
    runner.invoke(args=["notify", "send"])
    second = runner.invoke(args=["notify", "send"])
    assert "sent: 0" in second.output
    assert len(mails(outbox)) == 1


def test_two_runs_at_once_send_each_row_once(app, outbox, practices, secretariat, focal_br):
    for _ in range(3):
        returned(practices, secretariat, focal_br)
    ids = [n.id for n in rows()]
    # A second run claims what the first has not claimed yet: never the same row.
    assert len(mail._claim(ids)) == 3
    assert mail._claim(ids) == []


def test_none_is_never_mailed_but_listed(app, outbox, practices, secretariat, focal_br):
    service.set_preferences(focal_br, {"practice_returned": "none"})
    returned(practices, secretariat, focal_br)
    counts = mail.send_due()
    assert counts["skipped"] == 1 and mails(outbox) == []
    assert rows()[0].mail_state == SKIPPED
    assert service.unread_count(focal_br) == 1


def test_weekly_digest_once_per_person_and_week(app, outbox, practices, secretariat, focal_br):
    service.set_preferences(focal_br, {"practice_returned": "weekly"})
    for _ in range(2):
        returned(practices, secretariat, focal_br)
    now = utcnow()
    assert mail.send_due(now)["digests"] == 0  # the week has not ended
    next_week = mail.week_start(now) + timedelta(days=7, hours=1)
    assert mail.send_due(next_week)["digests"] == 1
    assert mail.send_due(next_week)["digests"] == 0
    (digest,) = mails(outbox)
    assert body(digest).count("/practices/") == 2
    assert {n.mail_state for n in rows()} == {SENT}


def test_follow_ups_coming_due_are_noticed_once(app, runner, outbox, transfers, focal_br, focal_co):
    transfer = transfers.make("transferred")
    first_due = min(f.due_on for f in transfer.follow_ups)
    today = first_due - timedelta(days=3)
    assert followups_due.write_notices(today) == 2  # both countries' focal points
    assert followups_due.write_notices(today) == 0
    notices = rows(kind="follow_up_due")
    assert {n.recipient_id for n in notices} == {focal_br.id, focal_co.id}
    assert first_due.isoformat() == notices[0].params["due_on"]


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    app.config["MAIL_TIMEOUT"] = 2
    return app.config


def test_a_real_smtp_server_on_loopback_receives_the_mail(
    app, smtp, practices, secretariat, focal_br
):
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp["MAIL_PORT"])
    controller.start()
    try:
        returned(practices, secretariat, focal_br)
        assert mail.send_due()["sent"] == 1
    finally:
        controller.stop()
    (envelope,) = handler.messages
    assert envelope.rcpt_tos == [focal_br.email]
    assert b"/practices/" in envelope.content


def test_a_refused_connection_leaves_it_queued_then_retried(
    app, smtp, practices, secretariat, focal_br, caplog
):
    returned(practices, secretariat, focal_br)
    counts = mail.send_due()  # nothing listens on the port
    assert counts == {"sent": 0, "digests": 0, "failed": 1, "skipped": 0}
    (row,) = rows()
    assert row.mail_state == PENDING and row.mail_attempts == 1
    assert row.next_attempt_at > utcnow()
    assert "not sent" in caplog.text
    assert mail.send_due()["failed"] == 0  # not yet due again
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp["MAIL_PORT"])
    controller.start()
    try:
        assert mail.send_due(row.next_attempt_at + timedelta(seconds=1))["sent"] == 1
    finally:
        controller.stop()
    assert len(handler.messages) == 1 and rows()[0].mail_state == SENT


def test_a_server_that_never_answers_times_out_and_stays_queued(
    app, smtp, practices, secretariat, focal_br
):
    smtp["MAIL_TIMEOUT"] = 0.5
    listener = socket.socket()
    listener.bind(("127.0.0.1", smtp["MAIL_PORT"]))
    listener.listen(1)  # accepts the connection, never greets
    try:
        returned(practices, secretariat, focal_br)
        assert mail.send_due()["failed"] == 1
    finally:
        listener.close()
    (row,) = rows()
    assert row.mail_state == PENDING and "timed out" in row.mail_error.lower()


def test_after_the_last_attempt_a_row_is_given_up(app, smtp, practices, secretariat, focal_br):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    returned(practices, secretariat, focal_br)
    mail.send_due()
    assert rows()[0].mail_state == FAILED


def test_the_background_sender_after_a_requests_commit(
    app, client, auth, outbox, practices, secretariat, focal_br, monkeypatch
):
    from kmportal.notifications import sending

    app.config["NOTIFY_SEND_IN_BACKGROUND"] = True
    started = []
    original = sending.send_soon

    def spy(ids):
        started.append(original(ids))
        return started[-1]

    monkeypatch.setattr(sending, "send_soon", spy)
    practice = practices.make(focal_br, "draft")
    assert started == []  # no thread outside a request (a command ends before it)
    auth.login(focal_br)
    client.post(f"/practices/{practice.id}/submit")
    threads = [t for t in started if isinstance(t, threading.Thread)]
    for thread in threads:
        thread.join(10)
    assert len(threads) == 1
    assert [m["To"] for m in mails(outbox)] == [secretariat.email]
    db.session.expire_all()
    assert rows(kind="practice_submitted")[0].mail_state == SENT


def test_week_start_is_monday():
    assert mail.week_start(datetime(2026, 12, 3, 15)) == datetime(2026, 11, 30)
    assert date(2026, 11, 30).weekday() == 0


def test_the_command_with_the_server_down_says_so_without_a_traceback(
    app, runner, smtp, practices, secretariat, focal_br
):
    returned(practices, secretariat, focal_br)
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0 and result.exception is None
    assert "not sent (will retry): 1" in result.output
    assert "Traceback" not in result.output


def test_notices_about_demo_records_are_listed_never_mailed(app, outbox, secretariat, focal_br):
    practice = practice_service.create_practice(focal_br, practice_values(), is_demo=True)
    practice_service.submit(focal_br, practice)
    (notice,) = rows(kind="practice_submitted")
    assert notice.mail_state == SKIPPED
    assert mail.send_due()["sent"] == 0 and mails(outbox) == []
    assert service.unread_count(secretariat) == 1
