"""The practice pages as a person uses them: forms, messages next to fields, the catalogue."""

import re

import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices.models import Practice
from tests.factories import practice_values


def form_data(**overrides):
    values = practice_values(**overrides)
    data = {k: v for k, v in values.items() if k != "arguments"}
    data.update({f"argument_{k}": v for k, v in values["arguments"].items()})
    return data


def count_practices():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice))


def field_error(html: str, field: str) -> str:
    """The error text shown in the field block that holds the input named `field`."""
    block = re.search(
        rf'<div class="field has-error[^"]*">(?:(?!<div class="field).)*?(?:name|id)="{field}"'
        r'(?:(?!<div class="field).)*?<p class="error"[^>]*>([^<]+)</p>',
        html,
        re.S,
    )
    return block.group(1) if block else ""


def test_new_practice_form_shows_errors_next_to_fields(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/practices/new?lang=en", data=form_data(title="", period_end="1990", theme="")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "title") == "This field is required."
    assert field_error(html, "period_end") == "The period cannot end before it starts."
    assert field_error(html, "theme") == "Choose a theme."
    assert count_practices() == 0


def test_new_practice_form_creates_a_draft(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post("/practices/new", data=form_data())
    assert response.status_code == 302
    practice = db.session.scalar(sa.select(Practice))
    assert response.headers["Location"].endswith(f"/practices/{practice.id}")
    assert practice.country_code == "BR" and practice.state.value == "draft"


def test_focal_point_cannot_choose_another_country(client, auth, focal_br):
    auth.login(focal_br)
    client.post("/practices/new", data=form_data(country_code="CO"))
    assert db.session.scalar(sa.select(Practice.country_code)) == "BR"


def test_incomplete_submission_explains_what_is_missing(client, auth, practices, focal_br):
    practice = practices.make(focal_br, results="")
    auth.login(focal_br)
    response = client.post(f"/practices/{practice.id}/submit?lang=en", follow_redirects=True)
    assert "The practice is not complete yet" in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.state.value == "draft"


def test_author_sees_the_return_comment(client, auth, practices, focal_br):
    practice = practices.make(focal_br, "returned")
    auth.login(focal_br)
    html = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Falta evidencia." in html


def test_validation_page_publishes_with_scores(client, auth, practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    auth.login(secretariat)
    data = {f"v-score_{c}": "2" for c in practice_values()["arguments"]}
    data["v-publish"] = "1"
    response = client.post(f"/practices/{practice.id}/validate", data=data)
    assert response.status_code == 302
    db.session.refresh(practice)
    assert practice.state.value == "published"
    assert practice.label.value == "good"


def test_validation_page_refuses_missing_scores(client, auth, practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    auth.login(secretariat)
    response = client.post(f"/practices/{practice.id}/validate?lang=en", data={"v-publish": "1"})
    assert response.status_code == 422
    assert "Score every criterion." in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.state.value == "submitted"


def test_return_page_needs_a_comment(client, auth, practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    auth.login(secretariat)
    response = client.post(
        f"/practices/{practice.id}/validate?lang=en", data={"v-send_back": "1", "v-comment": ""}
    )
    assert response.status_code == 422
    assert "Tell the author what to change." in response.get_data(as_text=True)


def test_history_shown_to_signed_in_users_only(client, auth, practices, focal_br, focal_co):
    practice = practices.make(focal_br, "published")
    assert "Revisions" not in client.get(f"/practices/{practice.id}?lang=en").get_data(as_text=True)
    auth.login(focal_co)
    html = client.get(f"/practices/{practice.id}?lang=en").get_data(as_text=True)
    assert "Revisions" in html and "Validated and published" in html


def test_pending_edit_keeps_published_text_on_the_page(client, auth, practices, focal_br):
    practice = practices.make(focal_br, "published")
    auth.login(focal_br)
    response = client.post(
        f"/practices/{practice.id}/edit", data=form_data(title="Título proposto")
    )
    assert response.status_code == 302
    auth.logout()
    html = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Título proposto" not in html
    assert practice.title in html


def test_catalogue_filters_and_pagination(app, client, practices, focal_br, focal_co):
    app.config["PER_PAGE"] = 2
    for year in (2005, 2008, 2011):
        practices.make(focal_br, "published", period_start=year, period_end=year + 1)
    practices.make(focal_co, "published", sectors=["mining"], period_start=2015, period_end=None)
    practices.make(focal_co, "draft", sectors=["mining"])
    page = client.get("/practices/?sector=mining").get_data(as_text=True)
    assert page.count('class="card"') == 1
    assert client.get("/practices/?country=BR").get_data(as_text=True).count('class="card"') == 2
    assert 'rel="next"' in client.get("/practices/?country=BR").get_data(as_text=True)
    assert client.get("/practices/?year=2010").get_data(as_text=True).count('class="card"') == 0
    assert client.get("/practices/?year=2016").get_data(as_text=True).count('class="card"') == 1


@pytest.mark.parametrize(
    "url",
    [
        "/practices/?page=-3",
        "/practices/?page=99999",
        "/practices/?year=abc&theme=zzz&sector=%00&country=%E2%82%AC%E2%82%AC%E2%82%AC",
        "/practices/abc",
        "/practices/99999999999999999999",
        "/countries/%00",
        "/countries/" + "x" * 500,
        "/practices/attachments/0",
        "/language/xx",
    ],
)
def test_odd_urls_never_give_a_server_error(client, url):
    assert client.get(url).status_code < 500


def test_country_page_lists_only_published_for_readers(client, auth, practices, focal_br):
    published = practices.make(focal_br, "published", title="Prática publicada")
    practices.make(focal_br, "draft", title="Rascunho interno")
    html = client.get("/countries/BR").get_data(as_text=True)
    assert published.title in html and "Rascunho interno" not in html
    auth.login(focal_br)
    assert "Rascunho interno" in client.get("/countries/BR").get_data(as_text=True)


@pytest.mark.parametrize("code", ["br", "Br", "bR"])
def test_a_country_code_in_any_case_redirects_to_its_one_address(client, code):
    response = client.get(f"/countries/{code}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/countries/BR")


@pytest.mark.parametrize(
    "code", ["UY.bak", "UY~", "uy.old", "URY", "U", "UY%20", "%20UY", "ZZ", "U1", "ÚY"]
)
def test_only_an_exact_iso_code_is_a_country(client, code):
    assert client.get(f"/countries/{code}").status_code == 404


def test_filters_take_only_exact_country_codes(client, practices, focal_br, focal_co):
    practices.make(focal_br, "published", title="Prática do Brasil")
    practices.make(focal_co, "published", title="Práctica de Colombia")
    page = client.get("/practices/?country=br").get_data(as_text=True)
    assert "Prática do Brasil" in page and "Práctica de Colombia" not in page
    # "BRX" is no country: the filter is ignored (every practice), not read as Brazil.
    page = client.get("/practices/?country=BRX").get_data(as_text=True)
    assert "Prática do Brasil" in page and "Práctica de Colombia" in page


def test_language_choice_is_remembered(client):
    client.get("/language/pt", headers={"Referer": "http://localhost/"})
    assert 'lang="pt"' in client.get("/").get_data(as_text=True)


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize(
    "data",
    [{"activity_ids": ["99999999999999999999"]}, {"activity_ids": ["2147483648"]}],
)
def test_out_of_range_ids_in_the_form_are_field_errors(client, auth, focal_br, data):
    auth.login(focal_br)
    response = client.post("/practices/new?lang=en", data=form_data(**data))
    assert response.status_code == 422
    assert count_practices() == 0
