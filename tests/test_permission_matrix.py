"""Every route of the foundation x anonymous / own-country focal point / other-country focal
point / secretariat, with the status each must get."""

import io

import pytest

from kmportal.practices import service
from tests.factories import practice_values

ROLES = ("anonymous", "own", "other", "secretariat")
LOGIN = 302  # anonymous users are sent to the log-in page

# (method, url template, {role: status}); {draft}, {submitted}, {published}… are practice ids
MATRIX = [
    ("GET", "/", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/healthz", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/practices/", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/practices/{published}", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/practices/{draft}", dict(anonymous=404, own=200, other=403, secretariat=200)),
    ("GET", "/practices/{submitted}", dict(anonymous=404, own=200, other=403, secretariat=200)),
    ("GET", "/practices/{archived}", dict(anonymous=404, own=200, other=403, secretariat=200)),
    ("GET", "/practices/999999", dict(anonymous=404, own=404, other=404, secretariat=404)),
    ("GET", "/work", dict(anonymous=LOGIN, own=200, other=200, secretariat=200)),
    ("GET", "/practices/mine", dict(anonymous=LOGIN, own=301, other=301, secretariat=301)),
    ("GET", "/practices/new", dict(anonymous=LOGIN, own=200, other=200, secretariat=200)),
    ("POST", "/practices/new", dict(anonymous=LOGIN, own=302, other=302, secretariat=302)),
    ("GET", "/practices/{draft}/edit", dict(anonymous=LOGIN, own=200, other=403, secretariat=200)),
    ("POST", "/practices/{draft}/edit", dict(anonymous=LOGIN, own=302, other=403, secretariat=302)),
    (
        "GET",
        "/practices/{published}/edit",
        dict(anonymous=LOGIN, own=200, other=403, secretariat=200),
    ),
    (
        "GET",
        "/practices/{submitted}/edit",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200),
    ),
    (
        "GET",
        "/practices/{archived}/edit",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=403),
    ),
    (
        "POST",
        "/practices/{draft}/submit",
        dict(anonymous=LOGIN, own=302, other=403, secretariat=302),
    ),
    (
        "POST",
        "/practices/{published}/submit",
        dict(anonymous=LOGIN, own=409, other=403, secretariat=409),
    ),
    (
        "GET",
        "/practices/{submitted}/validate",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200),
    ),
    (
        "POST",
        "/practices/{published}/archive",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=302),
    ),
    (
        "POST",
        "/practices/{archived}/archive",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=409),
    ),
    (
        "GET",
        "/practices/{published}/edits/{edit}",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=200),
    ),
    (
        "POST",
        "/practices/{draft}/attachments",
        dict(anonymous=LOGIN, own=303, other=403, secretariat=303),
    ),
    (
        "POST",
        "/practices/{published}/attachments",
        dict(anonymous=LOGIN, own=403, other=403, secretariat=303),
    ),
    (
        "GET",
        "/practices/attachments/{draft_file}",
        dict(anonymous=404, own=200, other=403, secretariat=200),
    ),
    (
        "GET",
        "/practices/attachments/{published_file}",
        dict(anonymous=200, own=200, other=200, secretariat=200),
    ),
    ("GET", "/countries/", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/countries/BR", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/countries/XX", dict(anonymous=404, own=404, other=404, secretariat=404)),
    ("GET", "/plan", dict(anonymous=200, own=200, other=200, secretariat=200)),
    ("GET", "/login", dict(anonymous=200, own=302, other=302, secretariat=302)),
    ("GET", "/account/password", dict(anonymous=LOGIN, own=200, other=200, secretariat=200)),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(practices, focal_br, focal_co, secretariat):
    ids = {
        state: practices.make(focal_br, state).id
        for state in ("draft", "submitted", "published", "archived")
    }
    published = service.get_practice(secretariat, ids["published"])
    ids["edit"] = service.update_practice(
        focal_br, published, practice_values(title="Proposta")
    ).edit.id
    draft = service.get_practice(secretariat, ids["draft"])
    ids["draft_file"] = service.add_attachment(focal_br, draft, io.BytesIO(PDF), "a.pdf").id
    ids["published_file"] = service.add_attachment(
        secretariat, published, io.BytesIO(PDF), "b.pdf"
    ).id
    users = {"anonymous": None, "own": focal_br, "other": focal_co, "secretariat": secretariat}
    return ids, users


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    if url.endswith("/attachments"):
        return client.post(
            url, data={"file": (io.BytesIO(PDF), "c.pdf")}, content_type="multipart/form-data"
        )
    if url.endswith("/new") or url.endswith("/edit"):
        values = practice_values()
        data = {k: v for k, v in values.items() if k != "arguments"}
        data.update({f"argument_{k}": v for k, v in values["arguments"].items()})
        return client.post(url, data=data)
    return client.post(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX]
)
def test_permission_matrix(client, auth, world, role, method, url, expected):
    ids, users = world
    if users[role] is not None:
        auth.login(users[role])
    response = _request(client, method, url.format(**ids))
    assert response.status_code == expected[role], response.get_data(as_text=True)[:500]
