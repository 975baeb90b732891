"""The exports and the anonymous page cache (kmportal/pagecache): the cache keeps only HTML
pages, so an export is built from the committed data on every request and never served
stale; its ETag lets a harvester skip an unchanged download. Odd requests never fail."""

from __future__ import annotations

import pytest

from kmportal.pagecache import page_cache

EXPORTS = (
    "/catalog.ttl",
    "/catalog.jsonld",
    "/exports/practices.csv",
    "/exports/practices.json",
    "/exports/transfers.iati.xml",
    "/feeds/practices.atom",
)


@pytest.mark.parametrize("path", EXPORTS)
def test_an_export_shows_a_new_practice_at_once(client, practices, focal_br, path):
    client.get(path)
    practice = practices.make(focal_br, "published", title="Práctica recién publicada")
    response = client.get(path)
    assert response.status_code == 200
    if path != "/exports/transfers.iati.xml":
        assert "Práctica recién publicada" in response.get_data(as_text=True)
    assert not any(key[1].startswith(path) for key in page_cache()._pages)
    assert practice.id


@pytest.mark.parametrize("path", EXPORTS)
def test_an_unchanged_export_answers_304_to_its_etag(client, catalogue, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(path, headers={"If-None-Match": etag})
    if path == "/exports/transfers.iati.xml":
        # The IATI file says when it was generated (generated-datetime): no stable ETag.
        assert again.status_code in (200, 304)
    else:
        assert again.status_code == 304


@pytest.mark.parametrize("path", EXPORTS)
def test_odd_requests_never_fail(client, path):
    assert client.get(path + "?page=%ff&format=../../etc").status_code == 200
    assert client.get(path, headers={"Accept": "\x00;q=x", "If-None-Match": '"\\'}).status_code in (
        200,
        304,
    )
    assert client.post(path).status_code in (400, 405)
    assert client.get(path + "/x").status_code == 404


def test_the_practice_page_head_follows_an_edit_through_the_cache(
    client, practices, focal_br, secretariat
):
    from kmportal.practices import service

    practice = practices.make(focal_br, "published", title="Primer título")
    assert 'content="Primer título"' in client.get(f"/practices/{practice.id}").get_data(
        as_text=True
    )
    service.archive(secretariat, practice, "Superada.")
    response = client.get(f"/practices/{practice.id}")
    assert 'name="DC.title"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", EXPORTS)
def test_a_file_is_built_once_per_data_version(app, client, catalogue, path):
    from kmportal.opendata.service import built_files

    files = built_files()
    first = client.get(path).get_data()
    builds = files.builds
    assert client.get(path).get_data() == first and files.builds == builds
    # Any committed write bumps the data version: the next request builds the file anew.
    from kmportal.extensions import db

    catalogue["published"][0].contact = "nuevo@example.org"
    db.session.commit()
    client.get(path)
    assert files.builds == builds + 1
