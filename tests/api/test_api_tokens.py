"""Bearer tokens on the API: whose token it is, scopes, refusals, the rate window; the
practice writes through a token."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kmportal.extensions import db
from kmportal.practices.models import Practice
from kmportal.tokens import service as tokens
from tests.factories import practice_values


def test_me_says_whose_token_it_is(client, focal_br, bearer):
    response = client.get("/api/v1/me", headers=bearer(focal_br, "read"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == focal_br.email and body["country"]["code"] == "BR"
    assert body["token"]["scope"] == "read" and body["token"]["name"] == "test read"
    assert "Set-Cookie" not in response.headers  # a token request never opens a session
    assert int(response.headers["RateLimit-Remaining"]) >= 0


def test_a_write_token_creates_a_draft_of_its_own_country(client, focal_br, bearer):
    values = practice_values(country_code="CO", tags=["escola"])
    response = client.post("/api/v1/practices", json=values, headers=bearer(focal_br))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["country"]["code"] == "BR" and body["state"]["code"] == "draft"
    assert response.headers["Location"].endswith(f"/api/v1/practices/{body['id']}")


def test_a_read_token_may_not_write(client, focal_br, bearer):
    before = db.session.query(Practice).count()
    response = client.post(
        "/api/v1/practices", json=practice_values(tags=[]), headers=bearer(focal_br, "read")
    )
    assert response.status_code == 403
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    assert db.session.query(Practice).count() == before


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "malformed"])
def test_a_refused_token_is_401_whatever_the_request(client, focal_br, state):
    token, raw = tokens.create_token(focal_br, "old", "write")
    if state == "revoked":
        tokens.revoke_token(focal_br, token.id)
    elif state == "expired":
        token.expires_at = token.expires_at - timedelta(days=400)
        db.session.commit()
    elif state == "unknown":
        raw = raw[:-4] + "AAAA"
    header = f"Bearer {raw}" if state != "malformed" else f"Token {raw}"
    response = client.get("/api/v1/practices", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_over_the_rate_limit_is_429_with_retry_after(app, client, focal_br, bearer):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    headers = bearer(focal_br, "read")
    statuses = [client.get("/api/v1/countries", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/countries", headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Remaining"] == "0"


def test_refused_input_is_keyed_by_the_field_and_writes_nothing(client, focal_br, bearer):
    before = db.session.query(Practice).count()
    headers = {**bearer(focal_br), "Accept-Language": "pt"}
    empty = client.post(
        "/api/v1/practices", json=practice_values(title="", tags=[]), headers=headers
    )
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"title": "Este campo é obrigatório."}
    long = practice_values(tags=[], arguments={"innovative": "x" * 6000})
    too_long = client.post("/api/v1/practices", json=long, headers=headers)
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"] == {
        "arguments.innovative": "Use no máximo 5000 caracteres ou itens."
    }
    assert db.session.query(Practice).count() == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b'{"title": 5}', 422, "title"),
        (b'{"colour": "red"}', 422, "colour"),
        (b"[1, 2]", 422, ""),
    ],
)
def test_malformed_bodies(client, focal_br, bearer, body, status, field):
    headers = {**bearer(focal_br), "Content-Type": "application/json"}
    response = client.post("/api/v1/practices", data=body, headers=headers)
    assert response.status_code == status, response.get_json()
    payload = response.get_json()
    assert set(payload) == {"status", "error", "message", "errors"}
    if field:
        assert field in payload["errors"]
    else:  # about the whole body: said in the message, no field named
        assert payload["errors"] == {} and payload["message"]


def test_a_huge_body_is_413_json(app, client, focal_br, bearer):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = client.post(
        "/api/v1/practices",
        json=practice_values(description="x" * 20_000),
        headers=bearer(focal_br),
    )
    assert response.status_code == 413 and response.get_json()["status"] == 413


def test_update_submit_validate_through_the_api(client, focal_br, secretariat, bearer):
    focal, staff = bearer(focal_br), bearer(secretariat)
    values = practice_values(tags=["escola", "renda"])
    created = client.post("/api/v1/practices", json=values, headers=focal).get_json()
    url = f"/api/v1/practices/{created['id']}"
    same = client.patch(url, json={"title": created["title"]}, headers=focal).get_json()
    assert same["outcome"] == "unchanged"
    changed = client.patch(url, json={"title": "Escola integral"}, headers=focal).get_json()
    assert changed["outcome"] == "applied" and changed["practice"]["title"] == "Escola integral"
    assert client.post(f"{url}/submit", headers=focal).status_code == 200
    again = client.post(f"{url}/submit", headers=focal)
    assert again.status_code == 409  # a second click has no second effect
    refused = client.post(f"{url}/validation", json={"decision": "publish"}, headers=focal)
    assert refused.status_code == 403
    incomplete = client.post(
        f"{url}/validation",
        json={"decision": "publish", "scores": {"innovative": 3}},
        headers=staff,
    )
    assert incomplete.status_code == 422 and "scores.relevant" in incomplete.get_json()["errors"]
    scores = {criterion["criterion"]: 3 for criterion in created["criteria"]}
    published = client.post(
        f"{url}/validation", json={"decision": "publish", "scores": scores}, headers=staff
    )
    assert published.status_code == 200 and published.get_json()["state"]["code"] == "published"
    held = client.patch(url, json={"summary": "Novo resumo."}, headers=focal).get_json()
    assert held["outcome"] == "held_for_review" and held["pending_edit"]["id"]
    assert held["practice"]["summary"] != "Novo resumo."


def test_a_write_body_that_is_not_json_is_415(client, focal_br, bearer):
    before = db.session.query(Practice).count()
    response = client.post(
        "/api/v1/practices",
        data="title=Escola",
        headers={**bearer(focal_br), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415 and response.get_json()["status"] == 415
    assert db.session.query(Practice).count() == before


def test_an_idempotency_key_makes_a_retried_create_happen_once(client, focal_br, bearer):
    headers = {**bearer(focal_br), "Idempotency-Key": "create-escola-1"}
    values = practice_values(tags=[])
    first = client.post("/api/v1/practices", json=values, headers=headers)
    assert first.status_code == 201
    before = db.session.query(Practice).count()
    again = client.post("/api/v1/practices", json=values, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.query(Practice).count() == before
    other = client.post("/api/v1/practices", json={**values, "title": "Outra"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert db.session.query(Practice).count() == before


def test_a_refused_request_releases_its_key(client, focal_br, bearer):
    headers = {**bearer(focal_br), "Idempotency-Key": "k-2"}
    refused = client.post("/api/v1/practices", json={"title": ""}, headers=headers)
    assert refused.status_code == 422
    fixed = client.post("/api/v1/practices", json=practice_values(tags=[]), headers=headers)
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


def test_a_key_still_running_is_409_and_a_bad_key_400(app, client, focal_br, bearer):
    from kmportal.api.models import IdempotentRequest

    headers = bearer(focal_br)
    token = tokens.authenticate(headers["Authorization"].split()[1])
    db.session.add(IdempotentRequest(token_id=token.id, key="busy", fingerprint="x" * 64))
    db.session.commit()
    busy = client.post("/api/v1/practices", json={}, headers={**headers, "Idempotency-Key": "busy"})
    assert busy.status_code in (409, 422)
    bad = client.post("/api/v1/practices", json={}, headers={**headers, "Idempotency-Key": "é"})
    assert bad.status_code == 400
