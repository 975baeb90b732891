"""Every needs route × anonymous / the need's focal point / another country's / secretariat."""

from __future__ import annotations

import pytest

from tests.needs.conftest import need_values

# (method, route, {role: expected status}); {id} is a published need of Brazil, {draft} a draft.
MATRIX = [
    ("get", "/needs/", {"anonymous": 200, "own": 200, "other": 200, "secretariat": 200}),
    ("get", "/needs/{id}", {"anonymous": 200, "own": 200, "other": 200, "secretariat": 200}),
    ("get", "/needs/{draft}", {"anonymous": 404, "own": 200, "other": 404, "secretariat": 200}),
    ("get", "/needs/new", {"anonymous": 302, "own": 200, "other": 200, "secretariat": 200}),
    ("get", "/needs/{id}/edit", {"anonymous": 302, "own": 200, "other": 403, "secretariat": 200}),
    ("post", "/needs/{id}/edit", {"anonymous": 302, "own": 302, "other": 403, "secretariat": 302}),
    ("post", "/needs/new", {"anonymous": 302, "own": 302, "other": 403, "secretariat": 302}),
    ("get", "/needs/matrix", {"anonymous": 302, "own": 403, "other": 403, "secretariat": 200}),
    ("post", "/needs/{id}/interest", {"anonymous": 302, "other": 403}),
]
CASES = [
    (method, url, role, status)
    for method, url, expected in MATRIX
    for role, status in expected.items()
]


@pytest.mark.parametrize(("method", "url", "role", "expected"), CASES)
def test_needs_routes(client, auth, need, focal, secretariat, method, url, role, expected):
    published = need("BR")
    draft = need("BR", status="draft")
    user = {"own": focal("BR"), "other": focal("CO"), "secretariat": secretariat}.get(role)
    if user is not None:
        auth.login(user)
    address = url.format(id=published.id, draft=draft.id)
    data = need_values(country_code="BR") if method == "post" else None
    answer = getattr(client, method)(address, data=data)
    assert answer.status_code == expected
