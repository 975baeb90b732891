"""The account page of API tokens: the new token shown once and never cached, a revoke button
per valid token, CSRF on every form, and nobody else's token within reach."""

from __future__ import annotations

import re

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.tokens import service
from kmportal.tokens.models import ApiToken, TokenState

RAW = re.compile(r"kmp_[A-Za-z0-9_-]{20,}")


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_creating_shows_the_token_once_and_not_in_a_cache(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/account/tokens", data={"name": "Export", "scope": "write", "expires_on": ""}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = RAW.findall(response.text)
    assert len(set(shown)) == 1
    raw = shown[0]
    assert service.authenticate(raw).user_id == focal_br.id
    assert "não será mostrado de novo" in response.text  # focal_br reads Portuguese
    again = client.get("/account/tokens")
    assert again.headers["Cache-Control"] == "no-store"
    assert raw not in again.text and RAW.search(again.text) is None
    assert "Export" in again.text and raw[:10] in again.text


def test_the_list_shows_scope_dates_last_use_and_state(client, auth, focal_br):
    token, _raw = service.create_token(focal_br, "Nightly", "read")
    auth.login(focal_br)
    page = client.get("/account/tokens?lang=en").text
    assert "Nightly" in page and "Read only" in page and "Never" in page and "Valid" in page
    service.spend(token, 10)
    service.revoke_token(focal_br, token.id)
    page = client.get("/account/tokens?lang=en").text
    assert "Never" not in page and "Revoked" in page
    assert f"/account/tokens/{token.id}/revoke" not in page  # no button for a revoked token


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_made(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/account/tokens?lang=en", data={"name": "", "scope": "root", "expires_on": "2001-01-01"}
    )
    assert response.status_code == 422
    assert "This field is required." in response.text and "Choose from the list." in response.text
    assert "Choose a day after today." in response.text
    assert RAW.search(response.text) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_revoking_from_the_page(client, auth, focal_br):
    token, raw = service.create_token(focal_br, "Old script", "read")
    auth.login(focal_br)
    assert f"/account/tokens/{token.id}/revoke" in client.get("/account/tokens").text
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).state is TokenState.REVOKED
    second = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert second.status_code == 200  # a double click is told, not an error page


def test_another_persons_token_cannot_be_revoked(client, auth, focal_br, focal_co):
    token, raw = service.create_token(focal_br, "Mine", "write")
    auth.login(focal_co)
    assert "Mine" not in client.get("/account/tokens").text
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert service.authenticate(raw).id == token.id


def test_every_form_carries_a_csrf_token_and_needs_it(app, client, auth, focal_br):
    token, _raw = service.create_token(focal_br, "Guarded", "read")
    auth.login(focal_br)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/account/tokens").text
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    token_forms = [f for f in forms if "/account/tokens" in f]
    assert len(token_forms) == 2  # the revoke button and the create form
    assert all(re.search(r'name="csrf_token"[^>]*value="[^"]+"', f) for f in token_forms)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 400
    assert client.post("/account/tokens", data={"name": "x", "scope": "read"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1


def test_the_account_page_links_to_the_tokens(client, auth, focal_br):
    auth.login(focal_br)
    assert 'href="/account/tokens"' in client.get("/account/password").text
