"""Every route of transfers, trainings, progress and the plan × anonymous / provider's focal
point (BR) / recipient's focal point (CO) / a third country's focal point (MX) / secretariat,
with the status each must get."""

import io
import shutil

import pytest
import sqlalchemy as sa

from kmportal import create_app
from kmportal.auth.models import Role, User
from kmportal.extensions import db
from kmportal.transfers import followups, trainings
from tests.conftest import base_config, make_user
from tests.transfers.factories import TransferFactory, transfer_values

ROLES = ("anonymous", "provider", "recipient", "other", "secretariat")
LOGIN = 302  # anonymous users are sent to the log-in page
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def row(method, url, *statuses, data=None):
    return (method, url, dict(zip(ROLES, statuses, strict=True)), data)


STEP_DATE = {"on": "2016-05-02"}
FOLLOW_UP = {"done_on": "2016-10-01", "stage": "applying", "summary": "Aplicada en 2 municipios."}
MATRIX = [
    row("GET", "/transfers/", 200, 200, 200, 200, 200),
    row("GET", "/transfers/{proposed}", 200, 200, 200, 200, 200),
    row("GET", "/transfers/{cancelled}", 200, 200, 200, 200, 200),
    row("GET", "/transfers/999999", 404, 404, 404, 404, 404),
    row("GET", "/transfers/new", LOGIN, 200, 200, 200, 200),
    row("GET", "/transfers/new?practice={practice}", LOGIN, 200, 200, 200, 200),
    # BR's practice offered to PE: Colombia and Mexico may only ask for it for themselves.
    row("POST", "/transfers/new", LOGIN, 302, 422, 422, 302, data="proposal"),
    row("GET", "/transfers/{proposed}/edit", LOGIN, 200, 200, 403, 200),
    row("POST", "/transfers/{proposed}/edit", LOGIN, 302, 302, 403, 302, data="edit"),
    row("GET", "/transfers/{cancelled}/edit", LOGIN, 403, 403, 403, 200),
    row("GET", "/transfers/{proposed}/steps/agree", LOGIN, 200, 403, 403, 200),
    row("POST", "/transfers/{proposed}/steps/agree", LOGIN, 302, 403, 403, 302, data=STEP_DATE),
    row("GET", "/transfers/{in_progress}/steps/agree", LOGIN, 409, 409, 403, 409),
    row(
        "POST", "/transfers/{in_progress}/steps/complete", LOGIN, 302, 302, 403, 302, data=STEP_DATE
    ),
    row("POST", "/transfers/{transferred}/steps/adopt", LOGIN, 403, 302, 403, 302, data=STEP_DATE),
    row("POST", "/transfers/{cancelled}/steps/cancel", LOGIN, 409, 409, 403, 409, data=STEP_DATE),
    row("GET", "/transfers/{proposed}/steps/nonsense", LOGIN, 404, 404, 404, 404),
    row("GET", "/transfers/{transferred}/confirm", LOGIN, 200, 200, 403, 200),
    row(
        "POST", "/transfers/{transferred}/confirm", LOGIN, 302, 302, 403, 422, data={"note": "Acta"}
    ),
    row("POST", "/transfers/{proposed}/confirm", LOGIN, 409, 409, 403, 409, data={"note": "Acta"}),
    row("GET", "/transfers/{transferred}/follow-ups/new", LOGIN, 200, 200, 403, 200),
    row("GET", "/transfers/{transferred}/follow-ups/new?due={due}", LOGIN, 200, 200, 403, 200),
    row(
        "POST", "/transfers/{transferred}/follow-ups/new", LOGIN, 302, 302, 403, 302, data=FOLLOW_UP
    ),
    row(
        "POST",
        "/transfers/{transferred}/follow-ups/{due}/evidence",
        LOGIN,
        303,
        303,
        403,
        303,
        data="file",
    ),
    row("GET", "/transfers/evidence/{evidence}", 404, 200, 200, 200, 200),
    row("GET", "/transfers/follow-ups", LOGIN, 200, 200, 200, 200),
    row("GET", "/dashboard", 200, 200, 200, 200, 200),
    row("GET", "/dashboard/report", 200, 200, 200, 200, 200),
    row("GET", "/exports/transfers.csv", 200, 200, 200, 200, 200),
    row("GET", "/exports/transfers.xlsx?status=proposed", 200, 200, 200, 200, 200),
    row("GET", "/exports/follow-ups.csv", 403, 200, 200, 200, 200),
    row("GET", "/exports/follow-ups.xlsx", 403, 200, 200, 200, 200),
    # Open data (kmportal/opendata): the public catalogue, the same file for everyone.
    row("GET", "/exports/practices.csv", 200, 200, 200, 200, 200),
    row("GET", "/exports/transfers.iati.xml", 200, 200, 200, 200, 200),
    row("GET", "/exports/unknown.csv", 404, 404, 404, 404, 404),
    row("GET", "/exports/transfers.pdf", 404, 404, 404, 404, 404),
    row("GET", "/trainings/", 200, 200, 200, 200, 200),
    row("GET", "/trainings/{training}", 200, 200, 200, 200, 200),
    row("GET", "/trainings/new", LOGIN, 200, 200, 200, 200),
    row("GET", "/trainings/{training}/edit", LOGIN, 403, 403, 403, 200),
    row("POST", "/trainings/{training}/participants", LOGIN, 303, 409, 303, 422, data={}),
    row(
        "POST",
        "/trainings/{training}/participants/{participant}/remove",
        LOGIN,
        403,
        303,
        403,
        303,
        data={},
    ),
    row("GET", "/countries/BR", 200, 200, 200, 200, 200),
    row("GET", "/plan", 200, 200, 200, 200, 200),
    row("POST", "/plan", LOGIN, 403, 403, 403, 303, data={"month": "{cell}"}),
]


EMAILS = {
    "provider": "focal.br@example.org",
    "recipient": "focal.co@example.org",
    "other": "focal.mx@example.org",
    "secretariat": "secretariat@example.org",
}
IDS: dict[str, object] = {}


@pytest.fixture(scope="module")
def template_database(template_database, tmp_path_factory):
    """This module's template database: the reference data plus the world below, built once
    (through the services) instead of once per test."""
    path = tmp_path_factory.mktemp("transfer-matrix") / "template.sqlite3"
    shutil.copy(template_database, path)
    app = create_app(base_config(path.parent, f"sqlite:///{path}"))
    with app.app_context():
        IDS.update(_build_world())
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def world(app, template_database):
    # The evidence file was stored next to the template; each test has its own upload folder.
    shutil.copytree(template_database.parent / "uploads", app.config["UPLOAD_DIR"])
    users = {
        role: db.session.scalar(sa.select(User).where(User.email == email))
        for role, email in EMAILS.items()
    }
    return IDS, {"anonymous": None, **users}


def _build_world() -> dict:
    from kmportal.reference import queries, service

    secretariat = make_user(EMAILS["secretariat"], Role.SECRETARIAT)
    focal_br = make_user(EMAILS["provider"], Role.FOCAL_POINT, "BR")
    focal_co = make_user(EMAILS["recipient"], Role.FOCAL_POINT, "CO")
    make_user(EMAILS["other"], Role.FOCAL_POINT, "MX")
    transfers = TransferFactory(secretariat)

    def practice(title):
        return transfers.practice("BR", title)

    ids = {
        "proposed": transfers.make("proposed", author=focal_co).id,
        "in_progress": transfers.make("in_progress", practice=practice("Dos")).id,
        "cancelled": transfers.make("cancelled", practice=practice("Tres")).id,
        "practice": practice("Sin transferencias").id,
    }
    transferred = transfers.make("transferred", confirmed=False, practice=practice("Cuatro"))
    ids["transferred"], ids["due"] = transferred.id, transferred.follow_ups[0].id
    followups.record(focal_co, transferred, FOLLOW_UP, files=[(io.BytesIO(PDF), "acta.pdf")])
    ids["evidence"] = next(f for f in transferred.follow_ups if f.attachments).attachments[0].id
    training = trainings.create(
        secretariat,
        {"title": "Curso", "provider": "OIT", "modality": "virtual", "starts_on": "2016-02-01"},
    )
    trainings.join(focal_co, training)
    ids["training"], ids["participant"] = training.id, focal_co.id
    plan = queries.current_plan()
    activity = plan.objectives[2].results[0].activities[0]
    ids["cell"] = service.cell_key(activity.id, plan.months()[0])
    assert focal_br.id
    return ids


def _request(client, method, url, data, ids):
    if method == "GET":
        return client.get(url)
    if data == "proposal":
        data = transfer_values(practice_id=ids["practice"], recipient_code="PE")
    elif data == "edit":
        data = transfer_values(purpose="Otro propósito")
    elif data == "file":
        return client.post(
            url, data={"file": (io.BytesIO(PDF), "b.pdf")}, content_type="multipart/form-data"
        )
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in (data or {}).items()}
    return client.post(url, data=data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_permission_matrix(client, auth, world, role, method, url, expected, data):
    ids, users = world
    if users[role] is not None:
        auth.login(users[role])
    response = _request(client, method, url.format(**ids), data, ids)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:800]
