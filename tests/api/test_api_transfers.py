"""The transfers API: each reader sees of a transfer what its page shows them, the list
pages in a fixed order with the page's filters, and the pages' writes (propose, edit, steps,
confirmations, follow-ups) work with a write token only, are refused by field with nothing
changed, and happen once. The trainings read like their pages."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kmportal.audit.models import AuditEvent
from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.transfers import confirmations
from kmportal.transfers import trainings as training_service
from kmportal.transfers.models import FollowUp, Transfer, TransferConfirmation
from tests.conftest import make_user
from tests.querycount import count_queries
from tests.transfers.factories import DATES, TransferFactory, transfer_values
from tests.transfers.test_trainings import training_values

EN = {"Accept-Language": "en"}
API = "/api/v1"


@pytest.fixture
def transfers(app, secretariat):
    return TransferFactory(secretariat)


@pytest.fixture
def focal_mx(app):
    """A focal point of a third country, on neither side of the usual BR → CO transfer."""
    return make_user("focal.mx@example.org", Role.FOCAL_POINT, "MX", "es")


def rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def events() -> int:
    return rows(AuditEvent)


def get(client, path, headers=None, **kwargs):
    return client.get(f"{API}{path}", headers={**EN, **(headers or {})}, **kwargs)


def send(client, method, path, body, headers=None):
    return client.open(f"{API}{path}", method=method, json=body, headers={**EN, **(headers or {})})


def amounts_transfer(transfers, status="transferred", **kwargs):
    return transfers.make(status, amount_recipient="1500.50", currency_recipient="USD", **kwargs)


# Reading: what each reader is shown ---------------------------------------------------------


def test_anonymous_reader_sees_the_public_record_without_the_networks_details(client, transfers):
    transfer = amounts_transfer(transfers)
    response = get(client, f"/transfers/{transfer.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["status"]["code"], body["full"]) == (transfer.id, "transferred", False)
    assert (body["provider"]["code"], body["recipient"]["code"]) == ("BR", "CO")
    assert body["amounts"] == [] and body["follow_ups"] == []
    # Whether and when each country confirmed; by whom and why for the Network only.
    assert [c["side"] for c in body["confirmations"]] == ["provider", "recipient"]
    for shown in body["confirmations"]:
        assert shown["confirmed_on"] and shown["by"] is None and shown["note"] == ""
    assert body["steps"] == [] and not any(
        body["actions"][name] for name in ("edit", "confirm", "follow_up")
    )
    page = client.get(f"/transfers/{transfer.id}", headers=EN).get_data(as_text=True)
    assert "1,500.50" not in page  # the page hides the amounts from this reader too


def test_the_network_sees_amounts_confirmations_and_follow_ups(client, auth, transfers, focal_co):
    transfer = amounts_transfer(transfers)
    auth.login(focal_co)  # the browser's session reads the API too
    body = get(client, f"/transfers/{transfer.id}").get_json()
    assert body["full"] is True
    assert body["amounts"] == [
        {
            "funder": "recipient",
            "label": "Interested country",
            "amount": "1500.50",
            "currency": "USD",
        }
    ]
    assert {c["note"] for c in body["confirmations"]} == {"Acta de la reunión de la Red."}
    assert all(c["on_behalf"] and c["by"] == "secretariat" for c in body["confirmations"])
    assert [f["kind"] for f in body["follow_ups"]] == ["due", "due", "due"]
    assert [f["scheduled_months"] for f in body["follow_ups"]] == [6, 12, 24]
    # The recipient's focal point may mark the practice as adopted and follow it up.
    assert body["steps"] == ["adopt"]
    assert body["actions"]["follow_up"] is True and body["actions"]["edit"] is True


def test_steps_are_the_readers_own(client, bearer, transfers, focal_br, focal_mx, secretariat):
    transfer = transfers.make("proposed", author=focal_br)  # an offer: Colombia agrees
    path = f"/transfers/{transfer.id}"
    assert get(client, path, bearer(secretariat, "read")).get_json()["steps"] == ["agree", "cancel"]
    assert get(client, path, bearer(focal_br, "read")).get_json()["steps"] == ["cancel"]
    other = get(client, path, bearer(focal_mx, "read")).get_json()
    assert other["steps"] == [] and other["full"] is True and other["actions"]["edit"] is False


def test_next_step_is_the_pages_sentence_and_says_whose_turn(
    client, bearer, transfers, focal_br, focal_co
):
    transfer = transfers.make("proposed", author=focal_co)  # a request: Brazil agrees
    path = f"/transfers/{transfer.id}"
    step = get(client, path).get_json()["next_step"]
    assert step["text"] == "Waiting for Brazil to agree to the transfer."
    assert (step["kind"], [c["code"] for c in step["countries"]]) == ("agree", ["BR"])
    assert step["yours"] is False
    page = client.get(path, headers=EN).get_data(as_text=True)
    assert step["text"] in page
    assert get(client, path, bearer(focal_br, "read")).get_json()["next_step"]["yours"] is True
    assert get(client, path, bearer(focal_co, "read")).get_json()["next_step"]["yours"] is False


def test_the_reader_language_names_the_countries(client, transfers, focal_co):
    transfer = transfers.make("proposed", author=focal_co)
    body = client.get(
        f"{API}/transfers/{transfer.id}", headers={"Accept-Language": "pt"}
    ).get_json()
    assert body["next_step"]["text"] == "Aguardando que o Brasil aceite a transferência."
    assert body["status"] == {"code": "proposed", "label": "Proposta"}


def test_an_unknown_transfer_is_404_in_the_error_shape(client):
    response = get(client, "/transfers/999999")
    assert response.status_code == 404
    assert set(response.get_json()) == {"status", "error", "message", "errors"}


# Reading: the list ----------------------------------------------------------------------------

RECIPIENTS = ("CO", "MX", "AR", "CL", "PE")


def test_list_pages_do_not_overlap_and_keep_a_fixed_order(client, transfers):
    made = [transfers.make("proposed", recipient=code) for code in RECIPIENTS]
    first = get(client, "/transfers?per_page=2")
    second = get(client, "/transfers?per_page=2&page=2")
    third = get(client, "/transfers?per_page=2&page=3").get_json()
    assert first.status_code == second.status_code == 200
    pages = [first.get_json(), second.get_json(), third]
    ids = [item["id"] for body in pages for item in body["items"]]
    assert len(ids) == len(set(ids)) == len(made)
    # The same proposal date for all: the newest id first.
    assert ids == sorted((t.id for t in made), reverse=True)
    assert {(b["total"], b["pages"]) for b in pages} == {(5, 3)}
    assert pages[0]["items"][0]["updated_at"].endswith("+00:00")  # RFC 3339: with its offset
    link = first.headers["Link"]
    assert 'rel="next"' in link and "page=2" in link and 'rel="prev"' not in link
    assert 'rel="prev"' in second.headers["Link"]


def test_a_longer_page_costs_no_more_queries(client, auth, transfers, focal_co):
    for code in RECIPIENTS:
        transfers.make("transferred", recipient=code, practice=transfers.practice("BR", code))
    auth.login(focal_co)
    counts = []
    for per_page in (1, len(RECIPIENTS)):
        db.session.expunge_all()
        with count_queries() as counted:
            assert get(client, f"/transfers?per_page={per_page}").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1]


def test_list_filters_are_the_pages(client, auth, transfers, focal_co):
    transfers.make("proposed", recipient="MX")
    cancelled = transfers.make("cancelled", recipient="AR")
    counted = transfers.make("transferred", recipient="CO")
    body = get(client, "/transfers?status=cancelled").get_json()
    assert [item["id"] for item in body["items"]] == [cancelled.id]
    body = get(client, "/transfers?counted=yes").get_json()
    assert [(i["id"], i["counts"]) for i in body["items"]] == [(counted.id, True)]
    assert get(client, "/transfers?country=ar").get_json()["total"] == 1
    assert get(client, "/transfers?recipient=CO&provider=BR").get_json()["total"] == 1
    anonymous = get(client, "/transfers").get_json()["actions"]
    assert anonymous == {"follow_ups": False, "record": False}
    auth.login(focal_co)
    assert get(client, "/transfers").get_json()["actions"] == {"follow_ups": True, "record": False}


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=nope", "status"), ("per_page=0", "per_page"), ("country=Brazil", "country")],
)
def test_a_bad_filter_is_refused_by_its_name(client, query, field):
    response = get(client, f"/transfers?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_etag_and_if_none_match(client, transfers, secretariat):
    transfer = transfers.make("proposed")
    for path in (f"/transfers/{transfer.id}", "/transfers", "/trainings"):
        first = get(client, path)
        assert first.status_code == 200 and first.headers["ETag"]
        again = get(client, path, {"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
    etag = get(client, f"/transfers/{transfer.id}").headers["ETag"]
    from kmportal.transfers import service

    service.move(secretariat, transfer, "agree", on=DATES["agree"])
    changed = get(client, f"/transfers/{transfer.id}", {"If-None-Match": etag})
    assert changed.status_code == 200


# Writing: who may ---------------------------------------------------------------------------


def proposal(practice, **overrides) -> dict:
    values = transfer_values(recipient_code="CO", **overrides)
    values.pop("provider_code")
    return {"practice_id": practice.id, **values}


def test_a_focal_point_asks_for_a_practice_with_a_write_token(client, bearer, transfers, focal_co):
    practice = transfers.practice("BR")
    before = rows(Transfer)
    response = send(client, "POST", "/transfers", proposal(practice), bearer(focal_co))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/transfers/{body['id']}")
    assert (body["origin"]["code"], body["provider"]["code"], body["recipient"]["code"]) == (
        "request",
        "BR",
        "CO",
    )
    assert body["next_step"]["text"] == "Waiting for Brazil to agree to the transfer."
    assert rows(Transfer) == before + 1


@pytest.mark.parametrize(("scope", "status"), [(None, 401), ("read", 403)])
def test_writes_need_a_write_token(client, bearer, transfers, focal_co, scope, status):
    practice = transfers.practice("BR")
    transfer = transfers.make("transferred", confirmed=False)
    headers = bearer(focal_co, scope) if scope else {}
    before = (rows(Transfer), rows(TransferConfirmation), rows(FollowUp), events())
    attempts = [
        ("POST", "/transfers", proposal(practice)),
        ("PATCH", f"/transfers/{transfer.id}", {"purpose": "Otro propósito."}),
        ("POST", f"/transfers/{transfer.id}/steps", {"step": "adopt"}),
        ("POST", f"/transfers/{transfer.id}/confirmations", {}),
        ("POST", f"/transfers/{transfer.id}/follow-ups", {"stage": "piloting", "summary": "x"}),
    ]
    for method, path, body in attempts:
        response = send(client, method, path, body, headers)
        assert response.status_code == status, (method, path)
        assert set(response.get_json()) == {"status", "error", "message", "errors"}
    assert (rows(Transfer), rows(TransferConfirmation), rows(FollowUp), events()) == before


def test_a_focal_point_of_another_country_is_refused(client, bearer, transfers, focal_mx):
    transfer = transfers.make("in_progress")
    token = bearer(focal_mx)
    before = events()
    for method, path, body in [
        ("PATCH", f"/transfers/{transfer.id}", {"purpose": "Otro."}),
        ("POST", f"/transfers/{transfer.id}/steps", {"step": "complete"}),
        ("POST", f"/transfers/{transfer.id}/follow-ups", {"stage": "piloting", "summary": "x"}),
    ]:
        assert send(client, method, path, body, token).status_code == 403, path
    assert events() == before


# Writing: refusals by field, nothing changed ---------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"provider_code": "MX"}, "provider_code"),  # a focal point names the practice's country
        ({"proposed_on": "2015-13-01"}, "proposed_on"),  # not a date
        ({"modality": "triangular"}, "partner_name"),  # a triangular one names its partner
        ({"amount_recipient": "-5", "currency_recipient": "USD"}, "amount_recipient"),
        ({"amount_recipient": "5", "currency_recipient": "XYZ"}, "currency_recipient"),
        ({"status": "agreed"}, "status"),  # not a field of a proposal
        ({"practice_id": 999999}, "practice_id"),
    ],
)
def test_a_refused_proposal_is_keyed_by_its_field(
    client, bearer, transfers, focal_br, overrides, field
):
    practice = transfers.practice("BR")
    body, token = {**proposal(practice), **overrides}, bearer(focal_br)
    before = (rows(Transfer), events())
    response = send(client, "POST", "/transfers", body, token)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert (rows(Transfer), events()) == before


def test_a_second_identical_proposal_changes_nothing(client, bearer, transfers, focal_co):
    practice = transfers.practice("BR")
    token = bearer(focal_co)
    assert send(client, "POST", "/transfers", proposal(practice), token).status_code == 201
    before = (rows(Transfer), events())
    again = send(client, "POST", "/transfers", proposal(practice), token)
    assert again.status_code == 422
    assert "recipient_code" in again.get_json()["errors"]
    assert (rows(Transfer), events()) == before


# Writing: editing --------------------------------------------------------------------------


def test_patch_merges_over_the_current_values(client, bearer, transfers, focal_co):
    transfer = amounts_transfer(transfers, "agreed")
    token = bearer(focal_co)
    response = send(client, "PATCH", f"/transfers/{transfer.id}", {"purpose": "Nuevo."}, token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["outcome"] == "applied"
    changed = body["transfer"]
    assert changed["purpose"] == "Nuevo."
    assert changed["funding_mode"]["code"] == "recipient_funded"  # the others stay
    assert changed["amounts"][0]["amount"] == "1500.50"
    again = send(client, "PATCH", f"/transfers/{transfer.id}", {"purpose": "Nuevo."}, token)
    assert again.get_json()["outcome"] == "unchanged"


def test_an_amount_is_removed_with_its_currency(client, bearer, transfers, focal_co):
    transfer = amounts_transfer(transfers, "agreed")
    body = {"amount_recipient": None, "currency_recipient": None}
    response = send(client, "PATCH", f"/transfers/{transfer.id}", body, bearer(focal_co))
    assert response.status_code == 200
    assert response.get_json()["transfer"]["amounts"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_recipient": "mil"}, "amount_recipient"),
        ({"end_on": "2015-01-01", "start_on": "2015-12-01"}, "end_on"),
        ({"provider_code": "CO"}, "recipient_code"),  # the same country on both sides
        ({"purpose": "x" * 5001}, "purpose"),
        ({"created_by_id": 1}, "created_by_id"),
    ],
)
def test_a_refused_edit_is_keyed_by_its_field_and_changes_nothing(
    client, bearer, transfers, secretariat, body, field
):
    transfer, token = amounts_transfer(transfers, "proposed"), bearer(secretariat)
    before = (transfer.purpose, events())
    response = send(client, "PATCH", f"/transfers/{transfer.id}", body, token)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    db.session.expire_all()
    assert (db.session.get(Transfer, transfer.id).purpose, events()) == before


def test_once_confirmed_only_the_secretariat_corrects_what_counts(
    client, bearer, transfers, focal_co, secretariat
):
    transfer = transfers.make("transferred")
    path = f"/transfers/{transfer.id}"
    late = {"transferred_on": "2016-03-20"}
    refused = send(client, "PATCH", path, late, bearer(focal_co))
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["transferred_on"]
    corrected = send(client, "PATCH", path, late, bearer(secretariat)).get_json()
    assert corrected["outcome"] == "applied"
    assert corrected["transfer"]["transferred_on"] == "2016-03-20"


# Writing: steps ----------------------------------------------------------------------------


def test_a_step_happens_once(client, bearer, transfers, focal_br, focal_co):
    transfer = transfers.make("proposed", author=focal_co)  # a request: Brazil agrees
    token = bearer(focal_br)
    path = f"/transfers/{transfer.id}/steps"
    body = {"step": "agree", "on": DATES["agree"].isoformat(), "note": "Acordado en la reunión."}
    response = send(client, "POST", path, body, token)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"]["code"] == "agreed"
    assert response.get_json()["agreed_on"] == DATES["agree"].isoformat()
    before = events()
    again = send(client, "POST", path, body, token)
    assert again.status_code == 409
    assert again.get_json()["status"] == 409
    assert events() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"step": "fly"}, "step"),
        ({}, "step"),
        ({"step": "cancel"}, "reason"),
        ({"step": "agree", "on": "2999-01-01"}, "on"),
        ({"step": "agree", "on": "2015-01-01"}, "on"),  # before it was proposed
        ({"step": "agree", "confirm": True}, "confirm"),  # only "complete" confirms
        ({"step": "agree", "when": "today"}, "when"),
    ],
)
def test_a_refused_step_is_keyed_by_its_field(client, bearer, transfers, secretariat, body, field):
    transfer, token = transfers.make("proposed"), bearer(secretariat)
    before = events()
    response = send(client, "POST", f"/transfers/{transfer.id}/steps", body, token)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Transfer, transfer.id).status.value == "proposed"
    assert events() == before


def test_a_step_the_status_does_not_allow_is_409(client, bearer, transfers, secretariat):
    transfer = transfers.make("proposed")
    response = send(
        client, "POST", f"/transfers/{transfer.id}/steps", {"step": "adopt"}, bearer(secretariat)
    )
    assert response.status_code == 409


def test_complete_confirms_for_the_focal_points_own_country(client, bearer, transfers, focal_co):
    transfer = transfers.make("in_progress")
    body = {"step": "complete", "on": DATES["complete"].isoformat(), "confirm": True}
    response = send(client, "POST", f"/transfers/{transfer.id}/steps", body, bearer(focal_co))
    assert response.status_code == 200, response.get_json()
    shown = {c["side"]: c["confirmed_on"] for c in response.get_json()["confirmations"]}
    assert shown == {"provider": None, "recipient": DATES["complete"].isoformat()}


# Writing: confirmations --------------------------------------------------------------------


def test_a_country_confirms_once(client, bearer, transfers, focal_co):
    transfer = transfers.make("transferred", confirmed=False)
    token = bearer(focal_co)
    path = f"/transfers/{transfer.id}/confirmations"
    response = send(client, "POST", path, {"on": DATES["complete"].isoformat()}, token)
    assert response.status_code == 201, response.get_json()
    shown = {c["side"]: c["by"] for c in response.get_json()["confirmations"]}
    assert shown == {"provider": None, "recipient": "focal.co"}
    before = (rows(TransferConfirmation), events())
    again = send(client, "POST", path, {"on": DATES["complete"].isoformat()}, token)
    assert again.status_code == 409
    assert (rows(TransferConfirmation), events()) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"side": "provider"}, "note"),  # the secretariat says on what grounds
        ({"note": "Acta."}, "side"),  # and for which country
        ({"side": "both", "note": "Acta."}, "side"),
        ({"side": "provider", "note": "Acta.", "on": "2016-01-01"}, "on"),  # before the transfer
    ],
)
def test_a_refused_confirmation_is_keyed_by_its_field(
    client, bearer, transfers, secretariat, body, field
):
    transfer, token = transfers.make("transferred", confirmed=False), bearer(secretariat)
    before = (rows(TransferConfirmation), events())
    response = send(client, "POST", f"/transfers/{transfer.id}/confirmations", body, token)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert (rows(TransferConfirmation), events()) == before


def test_no_confirmation_before_the_exchange(client, bearer, transfers, focal_co):
    transfer = transfers.make("in_progress")
    path = f"/transfers/{transfer.id}/confirmations"
    assert send(client, "POST", path, {}, bearer(focal_co)).status_code == 409


# Writing: follow-ups -------------------------------------------------------------------------


def follow_up_body(**overrides) -> dict:
    body = {"done_on": "2016-09-20", "stage": "piloting", "summary": "Piloto con 120 familias."}
    body.update(overrides)
    return body


def test_recording_a_due_follow_up(client, bearer, transfers, focal_co):
    transfer = transfers.make("transferred")
    due = min(transfer.follow_ups, key=lambda f: f.due_on)
    token = bearer(focal_co)
    path = f"/transfers/{transfer.id}/follow-ups"
    body = follow_up_body(due_id=due.id, next_step="Evaluar el piloto.", next_due_on="2017-01-15")
    response = send(client, "POST", path, body, token)
    assert response.status_code == 201, response.get_json()
    recorded = response.get_json()
    assert (recorded["id"], recorded["kind"], recorded["stage"]["code"]) == (
        due.id,
        "follow_up",
        "piloting",
    )
    assert recorded["recorded_by"] == "focal.co" and recorded["evidence"] == []
    listed = get(client, path, token).get_json()
    assert listed["total"] == 4  # the three scheduled ones and the next step
    assert [i["kind"] for i in listed["items"]].count("follow_up") == 1
    # The same follow-up a second time is refused, and nothing changes.
    before = (rows(FollowUp), events())
    again = send(client, "POST", path, body, token)
    assert again.status_code in (409, 422)
    assert (rows(FollowUp), events()) == before


def test_a_follow_up_retried_with_its_idempotency_key_is_recorded_once(
    client, bearer, transfers, focal_co
):
    transfer = transfers.make("transferred")
    headers = {**bearer(focal_co), "Idempotency-Key": "follow-up-2016-09-20"}
    path = f"/transfers/{transfer.id}/follow-ups"
    first = send(client, "POST", path, follow_up_body(), headers)
    assert first.status_code == 201
    before = (rows(FollowUp), events())
    again = send(client, "POST", path, follow_up_body(), headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert (rows(FollowUp), events()) == before
    db.session.expire_all()
    done = [f for f in db.session.get(Transfer, transfer.id).follow_ups if f.done_on]
    assert len(done) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stage": "flying"}, "stage"),
        ({"summary": ""}, "summary"),
        ({"done_on": "2999-01-01"}, "done_on"),
        ({"next_step": "Evaluar."}, "next_due_on"),
        ({"due_id": 999999}, "due_id"),
        ({"evidence": []}, "evidence"),
    ],
)
def test_a_refused_follow_up_is_keyed_by_its_field(
    client, bearer, transfers, focal_co, overrides, field
):
    transfer, token = transfers.make("transferred"), bearer(focal_co)
    before = (rows(FollowUp), events())
    path = f"/transfers/{transfer.id}/follow-ups"
    response = send(client, "POST", path, follow_up_body(**overrides), token)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    db.session.expire_all()
    assert (rows(FollowUp), events()) == before
    assert all(f.done_on is None for f in db.session.get(Transfer, transfer.id).follow_ups)


def test_nothing_to_follow_before_the_exchange_started(client, bearer, transfers, focal_co):
    transfer = transfers.make("agreed")
    response = send(
        client, "POST", f"/transfers/{transfer.id}/follow-ups", follow_up_body(), bearer(focal_co)
    )
    assert response.status_code == 409


def test_follow_ups_are_for_the_network_only(client, bearer, transfers, focal_mx):
    transfer = transfers.make("transferred")
    path = f"/transfers/{transfer.id}/follow-ups"
    assert get(client, path).status_code == 403
    assert get(client, path, bearer(focal_mx, "read")).get_json()["total"] == 3


# Trainings -----------------------------------------------------------------------------------


def test_trainings_read_like_their_pages(client, bearer, focal_br, secretariat):
    training = training_service.create(focal_br, training_values(hours="1,5"))
    training_service.join(focal_br, training, today=date(2016, 2, 2))
    for index in range(2):
        training_service.create(
            secretariat,
            training_values(title=f"Taller {index}", starts_on="2015-11-0" + str(index + 1)),
        )
    listed = get(client, "/trainings?per_page=2").get_json()
    assert (listed["total"], listed["pages"], listed["can_create"]) == (3, 2, False)
    assert listed["items"][0]["id"] == training.id  # the latest first
    assert (listed["items"][0]["hours"], listed["items"][0]["participant_count"]) == (1.5, 1)
    second = get(client, "/trainings?per_page=2&page=2").get_json()
    assert {i["id"] for i in second["items"]}.isdisjoint(i["id"] for i in listed["items"])
    anonymous = get(client, f"/trainings/{training.id}").get_json()
    assert anonymous["participants"] is None and anonymous["participant_count"] == 1
    signed_in = get(client, f"/trainings/{training.id}", bearer(secretariat, "read")).get_json()
    assert signed_in["participants"] == [
        {"name": "focal.br", "country": {"code": "BR", "name": "Brazil"}}
    ]
    assert signed_in["actions"] == {"edit": True, "join_self": False, "manage_participants": True}
    assert get(client, "/trainings/999999").status_code == 404


def test_a_confirmation_by_the_secretariat_shows_its_grounds(
    client, bearer, transfers, secretariat
):
    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(secretariat, transfer, "provider", "Acta.", DATES["complete"])
    body = get(client, f"/transfers/{transfer.id}", bearer(secretariat, "read")).get_json()
    provider = next(c for c in body["confirmations"] if c["side"] == "provider")
    assert (provider["by"], provider["on_behalf"], provider["note"]) == (
        "secretariat",
        True,
        "Acta.",
    )
    assert body["next_step"]["kind"] == "confirm"
    assert [c["code"] for c in body["next_step"]["countries"]] == ["CO"]


def test_the_sentence_is_text_not_html(client, transfers):
    transfer = transfers.make("proposed", provider="AR", recipient="CO")
    body = client.get(
        f"{API}/transfers/{transfer.id}", headers={"Accept-Language": "fr"}
    ).get_json()
    assert "l'Argentine" in body["next_step"]["text"]
    assert "&#" not in body["next_step"]["text"]
