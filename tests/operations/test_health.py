"""/healthz says which of the database, the search index and the disk failed."""

from __future__ import annotations

import shutil
from pathlib import Path

from kmportal.extensions import db
from kmportal.search import service as search
from tests.operations.test_outage import Outage


def test_healthy_portal_answers_200_with_every_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "search_index", "disk"}
    assert body["checks"]["search_index"]["state"] in {"missing", "ready"}
    assert body["checks"]["disk"]["free_mb"]["uploads"] > 0


def test_database_down_is_named(client, practices, secretariat):
    practices.make(secretariat, "published")
    search.reindex()
    with Outage(db.engine):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert client.get("/healthz").status_code == 200


def test_missing_index_is_not_a_failure(client, practices, secretariat, app):
    practices.make(secretariat, "published")
    search.current_index().forget_reader()
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"], ignore_errors=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["search_index"]["state"] == "missing"


def test_unreadable_index_is_named(client, practices, secretariat, app):
    practices.make(secretariat, "published")
    search.reindex()
    search.current_index().forget_reader()
    for toc in Path(app.config["SEARCH_INDEX_DIR"]).glob("*.toc"):
        toc.write_bytes(b"damaged")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["search_index"]
    assert response.get_json()["checks"]["search_index"]["error"] == "unreadable"


def test_low_disk_is_named(app, client):
    app.config["HEALTH_MIN_FREE_MB"] = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["disk"]
    assert "uploads" in body["checks"]["disk"]["low"]
