"""Notifications are written in the cause's transaction, to the right people, never the actor."""

from __future__ import annotations

from flask_babel import force_locale

from kmportal.audit import service as audit
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.notifications import service
from kmportal.notifications.kinds import KINDS, RULES
from kmportal.practices import service as practice_service
from kmportal.transfers import service as transfer_service
from tests.conftest import make_user
from tests.factories import practice_values
from tests.notifications.conftest import rows


def test_every_rule_names_a_kind_and_a_resolver():
    from kmportal.notifications.recipients import RESOLVERS

    for action, rule in RULES.items():
        assert rule.kind in KINDS, action
        assert rule.recipients in RESOLVERS, action


def test_a_request_tells_the_other_country_not_the_actor(app, transfers, focal_br, focal_co):
    practice = transfers.practice("BR")
    transfer_service.propose(
        focal_co, practice, {"provider_code": "BR", "recipient_code": "CO", "purpose": "x"}
    )
    (notice,) = rows(kind="transfer_proposed")
    assert notice.recipient_id == focal_br.id
    assert notice.link == f"/transfers/{notice.entity_id}"
    assert not rows(recipient_id=focal_co.id)


def test_the_secretariat_acting_tells_both_countries(app, transfers, focal_br, focal_co):
    transfers.make("agreed")
    recipients = {n.recipient_id for n in rows(kind="transfer_agreed")}
    assert recipients == {focal_br.id, focal_co.id}


def test_a_return_reaches_the_countrys_focal_points_in_their_language(
    app, practices, secretariat, focal_br, focal_co
):
    other_br = make_user("other.br@example.org", Role.FOCAL_POINT, "BR", "fr")
    practice = practices.make(focal_br, "submitted")
    practice_service.return_to_author(secretariat, practice, "Falta evidencia.")
    notices = rows(kind="practice_returned")
    assert {n.recipient_id for n in notices} == {focal_br.id, other_br.id}
    with force_locale("pt"):
        assert "devolvida" in service.text(notices[0])
    with force_locale("fr"):
        assert "renvoyée" in service.text(notices[0])


def test_submission_tells_the_secretariat_not_the_author(app, secretariat, focal_br):
    practice = practice_service.create_practice(focal_br, practice_values())
    practice_service.submit(focal_br, practice)
    (notice,) = rows(kind="practice_submitted")
    assert notice.recipient_id == secretariat.id


def test_publication_and_an_edit_decision(app, practices, secretariat, focal_br):
    practice = practices.make(focal_br, "published")
    assert [n.recipient_id for n in rows(kind="practice_published")] == [focal_br.id]
    values = practice_service.values_to_edit(focal_br, practice)
    held = practice_service.update_practice(focal_br, practice, {**values, "title": "Otro título"})
    practice_service.decide_edit(secretariat, held.edit, accept=False, comment="No.")
    (decided,) = rows(kind="edit_decided")
    assert decided.recipient_id == focal_br.id
    with force_locale("en"):
        assert "rejected" in service.text(decided)


def test_rows_roll_back_with_their_cause(app, practices, secretariat, focal_br):
    practice = practices.make(focal_br, "submitted")
    audit.record(secretariat, "practice.return", "practice", practice.id, {})
    db.session.rollback()
    assert rows(kind="practice_returned") == []


def test_rows_commit_with_their_cause(app, practices, secretariat, focal_br):
    practice = practices.make(focal_br, "submitted")
    audit.record(secretariat, "practice.return", "practice", practice.id, {})
    db.session.commit()
    assert [n.recipient_id for n in rows(kind="practice_returned")] == [focal_br.id]


def test_a_need_match_tells_the_needs_country(app, secretariat, focal_co):
    # The needs part records need.matched; its model may not exist here: the country is
    # then read from the event's changes.
    audit.record(secretariat, "need.matched", "need", 7, {"country_code": [None, "CO"]})
    db.session.commit()
    (notice,) = rows(kind="need_matched")
    assert notice.recipient_id == focal_co.id


def test_actions_without_a_rule_write_nothing(app, focal_br):
    audit.record(focal_br, "user.login", "user", focal_br.id, {})
    db.session.commit()
    assert rows() == []
