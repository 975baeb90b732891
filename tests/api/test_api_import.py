"""POST /api/v1/practices/import: the file import through the same service as the command
line; its report as the answer, 422 in the API's error shape (with the report) when nothing
was written, never a half-imported file."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices.importing.models import PracticeExternalId
from kmportal.practices.models import Practice
from tests.importing.helpers import SCORES, csv_bytes, json_bytes, row

URL = "/api/v1/practices/import"


def practice_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice))


def upload(client, headers, data: bytes, filename="practices.csv", **query):
    """POST the file as multipart/form-data, with the query arguments."""
    args = "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(
        f"{URL}?{args}" if args else URL,
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en", **headers},
    )


@pytest.fixture
def token_br(bearer, focal_br):
    return bearer(focal_br)


def xlsx_bytes(rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    names = list(dict.fromkeys(name for values in rows for name in values))
    sheet.append(names)
    for values in rows:
        sheet.append([values.get(name, "") for name in names])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_csv_with_labels_in_four_languages_is_imported(client, token_br):
    sectors = "Trabajo doméstico; domestic work; Pêche; Mineração"
    answer = upload(client, token_br, csv_bytes([row(sectors=sectors)]))
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["committed"] is True and report["format"] == "csv"
    assert report["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "held_for_review": 0,
        "refused": 0,
    }
    line = report["rows"][0]
    assert line["outcome"] == "created" and line["state"] == "draft" and line["errors"] == {}
    assert line["external_id"] == "ilo-1" and line["row"] == 2
    practice = db.session.get(Practice, line["practice_id"])
    assert practice.country_code == "BR" and practice.sectors == [
        "domestic_work",
        "fishing",
        "mining",
    ]
    link = db.session.get(PracticeExternalId, ("api", "ilo-1"))
    assert link is not None and link.practice_id == practice.id


def test_a_refused_row_refuses_the_file_and_writes_nothing(client, token_br):
    before = practice_count()
    data = csv_bytes([row(), row(external_id="b", title=""), row(external_id="c", theme="nada")])
    answer = upload(client, token_br, data)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["status"] == 422 and body["error"].startswith("Unprocessable")
    assert body["message"] == "2 rows were refused; nothing was imported."
    assert set(body["errors"]) == {"row 3.title", "row 4.theme"}
    assert "nada" in body["errors"]["row 4.theme"]
    report = body["report"]
    assert report["committed"] is False and report["error"] is None
    assert report["counts"]["created"] == 1 and report["counts"]["refused"] == 2
    refused = report["rows"][1]
    assert refused["outcome"] == "refused" and refused["practice_id"] is None
    assert refused["status"] == 422 and "title" in refused["errors"]
    assert practice_count() == before == 0
    one = upload(client, token_br, csv_bytes([row(title="")]))
    assert one.get_json()["message"] == "1 row was refused; nothing was imported."
    french = upload(client, {**token_br, "Accept-Language": "fr"}, data)
    assert french.get_json()["message"] == "2 lignes ont été refusées\u00a0; rien n’a été importé."
    assert answer.headers["Cache-Control"] == "no-store"


def test_skip_bad_rows_imports_the_good_ones(client, token_br):
    data = csv_bytes([row(), row(external_id="b", country="Colombia"), row(external_id="c")])
    answer = upload(client, token_br, data, skip_bad_rows="true")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["committed"] is True and report["skip_bad_rows"] is True
    assert report["counts"]["created"] == 2 and report["counts"]["refused"] == 1
    refused = report["rows"][1]
    assert refused["status"] == 403 and "BR" in refused["errors"]["country"]
    assert practice_count() == 2


def test_a_dry_run_reports_and_writes_nothing(client, token_br):
    answer = upload(client, token_br, csv_bytes([row(), row(external_id="b")]), dry_run="1")
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["dry_run"] is True and report["committed"] is False
    assert report["counts"]["created"] == 2 and practice_count() == 0
    with_refusal = upload(
        client, token_br, csv_bytes([row(), row(external_id="b", title="")]), dry_run="true"
    )
    assert with_refusal.status_code == 200  # what the import would do, refusals included
    assert with_refusal.get_json()["counts"]["refused"] == 1 and practice_count() == 0


def test_a_file_in_another_encoding_is_refused_whole(client, token_br):
    data = csv_bytes([row(), row(external_id="b", title="Niño")], encoding="cp1252")
    answer = upload(client, token_br, data)
    assert answer.status_code == 422
    body = answer.get_json()
    assert "Line 2" in body["message"]
    assert "cp1252" in body["message"] and body["errors"] == {"file": body["message"]}
    assert body["report"]["error"]["message"] == body["message"]
    assert body["report"]["error"]["row"] is not None
    assert practice_count() == 0
    again = upload(client, token_br, data, encoding="cp1252")
    assert again.status_code == 200 and practice_count() == 2
    db.session.expire_all()
    assert db.session.scalar(sa.select(Practice.title).where(Practice.title == "Niño"))


def test_an_unknown_encoding_is_refused_by_name(client, token_br):
    for name in ("klingon", "rot13"):
        answer = upload(client, token_br, csv_bytes([row()]), encoding=name)
        assert answer.status_code == 422 and set(answer.get_json()["errors"]) == {"encoding"}
    spanish = upload(client, {**token_br, "Accept-Language": "es"}, b"x", encoding="klingon")
    assert spanish.get_json()["errors"]["encoding"].startswith("Esta codificación no se conoce")
    assert practice_count() == 0


def test_an_xlsx_built_with_openpyxl(client, token_br):
    data = xlsx_bytes([row(), row(external_id="b", title="Outra prática")])
    answer = upload(client, token_br, data, filename="practices.xlsx")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["format"] == "xlsx"
    assert answer.get_json()["counts"]["created"] == 2 and practice_count() == 2
    by_format = upload(client, token_br, data, filename="upload.bin", format="xlsx")
    assert by_format.status_code == 200 and by_format.get_json()["counts"]["unchanged"] == 2


def test_json_and_a_file_of_no_known_format(client, token_br):
    answer = upload(client, token_br, json_bytes([row()]), filename="practices.json")
    assert answer.status_code == 200 and answer.get_json()["format"] == "json"
    unknown = upload(client, token_br, b"whatever", filename="practices.pdf")
    assert unknown.status_code == 422
    assert "CSV, XLSX or JSON" in unknown.get_json()["message"]
    assert unknown.get_json()["report"]["format"] == "?"


def test_an_external_id_imported_twice_updates_the_practice(client, token_br):
    assert upload(client, token_br, csv_bytes([row()])).status_code == 200
    answer = upload(client, token_br, csv_bytes([row(title="Novo título")]))
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["counts"]["updated"] == 1 and report["counts"]["created"] == 0
    assert practice_count() == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(Practice.title)) == "Novo título"
    other_source = upload(client, token_br, csv_bytes([row()]), source="partner")
    assert other_source.get_json()["counts"]["created"] == 1 and practice_count() == 2


def test_the_secretariats_scored_rows_are_published(client, bearer, secretariat):
    answer = upload(client, bearer(secretariat), csv_bytes([row(**SCORES)]))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["rows"][0]["state"] == "published"


def test_no_file_is_refused_by_name(client, token_br):
    answer = client.post(URL, data={}, content_type="multipart/form-data", headers=token_br)
    assert answer.status_code == 422
    body = answer.get_json()
    assert set(body["errors"]) == {"file"} and "report" not in body
    wrong_part = client.post(
        URL,
        data={"upload": (io.BytesIO(csv_bytes([row()])), "a.csv")},
        content_type="multipart/form-data",
        headers=token_br,
    )
    assert wrong_part.status_code == 422 and "file" in wrong_part.get_json()["errors"]
    assert practice_count() == 0


def test_the_import_needs_a_write_token(client, bearer, focal_br, auth):
    data = csv_bytes([row()])
    assert upload(client, {}, data).status_code == 401
    auth.login(focal_br)  # a browser session never authenticates a write
    assert upload(client, {}, data).status_code == 401
    answer = upload(client, bearer(focal_br, "read"), data)
    assert answer.status_code == 403 and answer.get_json()["status"] == 403
    assert practice_count() == 0


def test_a_body_over_the_limit_is_413_in_the_api_shape(client, token_br, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    answer = upload(client, token_br, csv_bytes([row()] * 20))
    assert answer.status_code == 413
    assert answer.get_json()["status"] == 413 and practice_count() == 0


def test_a_100000_row_file_is_refused_at_once_with_the_reason(client, token_br):
    """Over the API's rows per request: refused after reading the file once (no row
    imported, nothing written), with the limit in the message."""
    line = "Trabajo infantil {n},Resumen,Descripción,PETI,es,Perú\n"
    data = (
        "title,summary,description,theme,language,country\n"
        + "".join(line.format(n=n) for n in range(100_000))
    ).encode()
    before = practice_count()
    answer = upload(client, token_br, data)
    assert answer.status_code == 422
    body = answer.get_json()
    assert "2000 rows" in body["message"] and body["report"]["counts"]["created"] == 0
    assert body["report"]["rows"] == [] and practice_count() == before
