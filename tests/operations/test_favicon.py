"""The favicon: an SVG under static/, linked from every page at its hashed address."""

import re


def test_every_page_links_the_hashed_favicon(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert link and re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", link[1])
    response = client.get(link[1])
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.cache_control.immutable and response.cache_control.max_age > 86400
    assert b"<svg" in response.data


def test_favicon_ico_sends_browsers_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", response.headers["Location"])
