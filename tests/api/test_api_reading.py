"""The API's reads: the same visibility as the pages, one error shape, the OpenAPI
document generated from the code, ETags, stable pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kmportal.extensions import db
from kmportal.practices.models import Practice

STATIC = Path(__file__).resolve().parents[2] / "kmportal" / "static"


def test_the_document_is_openapi_31_generated_from_the_operations(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["version"] == "v1"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path in ("/api/v1/me", "/api/v1/practices", "/api/v1/practices/{practice_id}"):
        assert path in spec["paths"]
    # Every operation documents the error shape, writes name the token they need.
    create = spec["paths"]["/api/v1/practices"]["post"]
    assert create["security"] == [{"bearerAuth": []}]
    assert create["responses"]["default"]["$ref"] == "#/components/responses/DEFAULT_ERROR"
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "error", "message", "errors"}
    # No hand-kept copy of the document anywhere in the repository.
    root = Path(__file__).resolve().parents[2]
    assert not [p for p in root.glob("kmportal/**/openapi*.json")]


def test_the_document_is_valid_openapi_31(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    validate(client.get("/api/v1/openapi.json").get_json(), cls=OpenAPIV31SpecValidator)


def test_the_docs_page_uses_vendored_assets_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "https://" not in "".join(attrs for attrs, _ in scripts)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert (STATIC / "vendor/swagger-ui/LICENSE").is_file()


def test_anonymous_search_sees_only_the_published_catalogue(client, practices, focal_br):
    published = practices.make(focal_br, "published", title="Escola em tempo integral")
    practices.make(focal_br, "draft", title="Rascunho escondido")
    response = client.get("/api/v1/practices")
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [published.id]
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["state"]["code"] == "published"
    assert item["label"]["code"] == "good"
    assert item["url"].endswith(f"/practices/{published.id}")
    names = {group["name"]: group["values"] for group in body["facets"]}
    assert names["country"] == [{"value": "BR", "count": 1, "selected": False}]


def test_the_signed_in_focal_point_reads_its_drafts_through_its_session(
    client, auth, practices, focal_br
):
    draft = practices.make(focal_br, "draft")
    assert client.get(f"/api/v1/practices/{draft.id}").status_code == 404
    auth.login(focal_br)
    body = client.get(f"/api/v1/practices/{draft.id}").get_json()
    assert body["state"]["code"] == "draft"
    assert "submit" in body["steps"] and "edit" in body["steps"]
    assert body["next_step"]["yours"] is True


def test_scores_are_shown_as_the_page_shows_them(client, auth, practices, focal_br, focal_co):
    returned = practices.make(focal_br, "returned")
    auth.login(focal_co)
    other = client.get(f"/api/v1/practices/{returned.id}")
    assert other.status_code == 403
    auth.logout()
    auth.login(focal_br)
    own = client.get(f"/api/v1/practices/{returned.id}").get_json()
    assert own["return_comment"] == "Falta evidencia."
    assert own["scores_shown"] is True


def test_etag_and_if_none_match(client, practices, focal_br):
    practice = practices.make(focal_br, "published")
    first = client.get(f"/api/v1/practices/{practice.id}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/practices/{practice.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    practice.title = "Outro título"
    db.session.commit()
    changed = client.get(f"/api/v1/practices/{practice.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Accept-Language" in changed.headers["Vary"]


def test_pages_neither_repeat_nor_skip(client, practices, focal_br):
    made = [practices.make(focal_br, "published", title=f"Prática {n}") for n in range(5)]
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"/api/v1/practices?per_page=2&page={page}")
        body = response.get_json()
        assert body["total"] == 5 and body["pages"] == 3
        seen += [item["id"] for item in body["items"]]
        assert 'rel="first"' in response.headers["Link"]
    assert sorted(seen) == sorted(p.id for p in made) and len(seen) == len(set(seen))
    last = client.get("/api/v1/practices?per_page=2&page=3")
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("per_page=0", "per_page"), ("per_page=abc", "per_page"), ("theme=nothing", "theme.0")],
)
def test_bad_query_arguments_are_one_json_error_keyed_by_the_argument(client, query, field):
    response = client.get(f"/api/v1/practices?{query}", headers={"Accept-Language": "pt"})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"status", "error", "message", "errors"}
    assert body["status"] == 422 and field in body["errors"]
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_practice_and_wrong_method_are_json(client):
    missing = client.get("/api/v1/practices/424242", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.get_json()["message"] == "There is no such practice."
    huge = client.get("/api/v1/practices/99999999999999999999")
    assert huge.status_code == 404 and huge.is_json
    nowhere = client.get("/api/v1/nothing-here")
    assert nowhere.status_code == 404 and nowhere.get_json()["status"] == 404


def test_writes_without_a_token_are_refused_and_change_nothing(client, auth, focal_br):
    auth.login(focal_br)  # a browser session never authenticates an API write
    before = db.session.query(Practice).count()
    response = client.post("/api/v1/practices", json={"title": "x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.session.query(Practice).count() == before


def test_the_reference_data(client):
    countries = client.get("/api/v1/countries").get_json()["items"]
    codes = [country["code"] for country in countries]
    assert codes == sorted(codes) and "BR" in codes
    brazil = client.get("/api/v1/countries/br", headers={"Accept-Language": "fr"}).get_json()
    assert brazil["name"] == "Brésil" and brazil["names"]["pt"] == "Brasil"
    assert client.get("/api/v1/countries/zz").status_code == 404
    plans = client.get("/api/v1/plans").get_json()["items"]
    assert plans[0]["code"] == "2015-2016"
    plan = client.get("/api/v1/plans/2015-2016").get_json()
    targets = [t for o in plan["objectives"] for r in o["results"] for t in r["targets"]]
    counted = [t for t in targets if t["progress"] is not None]
    assert counted and counted[0]["progress"] == {"counted": 0, "quantity": 15, "percent": 0}


def test_a_page_past_the_end_is_empty(client, practices, focal_br):
    practices.make(focal_br, "published")
    body = client.get("/api/v1/practices?page=7").get_json()
    assert body["items"] == [] and body["page"] == 7 and body["total"] == 1 and body["pages"] == 1


def test_the_readme_lists_every_operation_of_the_document(client):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(GET|POST|PATCH|PUT|DELETE) (/[^`]*)` \|", readme, re.M))
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in spec["paths"].items()
        for method in operations
        if method != "parameters"
    }
    assert listed == documented
