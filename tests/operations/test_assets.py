"""Static files under content-hashed names: immutable for a year at the current hash only."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import url_for


def app_css_digest(app) -> str:
    return hashlib.sha256(Path(app.static_folder, "css/app.css").read_bytes()).hexdigest()[:12]


def test_static_urls_carry_the_content_hash(app):
    with app.test_request_context():
        assert url_for("static", filename="css/app.css") == (
            f"/static/css/app.{app_css_digest(app)}.css"
        )


def test_pages_link_the_hashed_stylesheet(app, client):
    page = client.get("/").get_data(as_text=True)
    assert f"/static/css/app.{app_css_digest(app)}.css" in page


def test_hashed_url_is_cached_for_a_year_as_immutable(app, client):
    response = client.get(f"/static/css/app.{app_css_digest(app)}.css")
    assert response.status_code == 200
    assert response.data == Path(app.static_folder, "css/app.css").read_bytes()
    cache = response.cache_control
    assert cache.max_age == 365 * 24 * 3600 and cache.immutable and cache.public


def test_plain_and_outdated_urls_serve_the_file_without_long_caching(client):
    for url in ("/static/css/app.css", "/static/css/app.0123456789ab.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cache_control.immutable, url
        assert response.cache_control.no_cache, url


def test_a_changed_file_gets_a_new_hash(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "site.js").write_text("one")
    with app.test_request_context():
        first = url_for("static", filename="site.js")
        (tmp_path / "site.js").write_text("two, longer")
        second = url_for("static", filename="site.js")
    assert first != second
    assert first.startswith("/static/site.") and first.endswith(".js")


def test_missing_files_and_escapes_are_not_found(client):
    assert client.get("/static/css/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/css/..%2f..%2fconfig.py").status_code == 404
