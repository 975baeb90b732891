"""The public catalogue as CSV and JSON: the documented columns in their order, one row per
published practice, read back and compared with the database."""

from __future__ import annotations

import csv
import io
import json

from kmportal.opendata.tables import COLUMN_NAMES
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice

# README "Open data" documents this order; a change here is a change for every harvester.
DOCUMENTED = (
    "id", "url", "title", "language", "country", "country_name", "theme", "sectors",
    "outcomes", "actors", "languages", "tags", "sdg_87", "label", "period_start",
    "period_end", "institution", "contact", "summary", "description", "population",
    "results", "replication", "cost_notes", "published_at", "updated_at",
)  # fmt: skip


def _published():
    return (
        Practice.query.filter(Practice.state == PracticeState.PUBLISHED).order_by(Practice.id).all()
    )


def _expected(practice: Practice) -> dict:
    return {
        "id": practice.id,
        "url": f"http://localhost/practices/{practice.id}",
        "title": practice.title,
        "language": practice.language,
        "country": practice.country_code,
        "country_name": practice.country.name_en,
        "theme": practice.theme.value,
        "sectors": practice.sectors,
        "outcomes": practice.outcomes,
        "actors": practice.actors,
        "languages": list(dict.fromkeys([practice.language, *practice.languages])),
        "tags": practice.tags,
        "sdg_87": practice.sdg_87,
        "label": practice.label.value,
        "period_start": practice.period_start,
        "period_end": practice.period_end,
        "institution": practice.institution,
        "contact": practice.contact,
        "summary": practice.summary,
        "description": practice.description,
        "population": practice.population,
        "results": practice.results,
        "replication": practice.replication,
        "cost_notes": practice.cost_notes,
        "published_at": practice.published_at.replace(microsecond=0).isoformat() + "Z",
        "updated_at": practice.updated_at.replace(microsecond=0).isoformat() + "Z",
    }


def test_the_column_order_is_the_documented_one():
    assert COLUMN_NAMES == DOCUMENTED


def test_json_reads_back_as_the_database(client, catalogue):
    response = client.get("/exports/practices.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert body["columns"] == list(DOCUMENTED)
    assert [list(row) for row in body["practices"]] == [list(DOCUMENTED)] * 2
    assert body["practices"] == [_expected(p) for p in _published()]


def test_csv_reads_back_as_the_database(client, catalogue):
    response = client.get("/exports/practices.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == DOCUMENTED
    assert len(rows) == 1 + len(catalogue["published"])
    for row, practice in zip(rows[1:], _published(), strict=True):
        read = dict(zip(DOCUMENTED, row, strict=True))
        expected = _expected(practice)
        for name in ("sectors", "outcomes", "actors", "languages", "tags"):
            assert (read[name].split("; ") if read[name] else []) == expected[name]
        assert read["id"] == str(practice.id) and read["title"] == practice.title
        assert read["sdg_87"] == ("true" if practice.sdg_87 else "false")
        assert read["period_end"] == str(practice.period_end or "")
        assert read["description"] == practice.description


def test_csv_text_never_runs_as_a_formula(client, catalogue):
    text = client.get("/exports/practices.csv").get_data().decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    coffee = catalogue["published"][1]
    summary = rows[str(coffee.id)][DOCUMENTED.index("summary")]
    assert summary == "'" + coffee.summary


def test_drafts_and_archived_practices_are_not_exported(client, catalogue):
    for path in ("/exports/practices.csv", "/exports/practices.json"):
        text = client.get(path).get_data(as_text=True)
        assert catalogue["draft"].title not in text
        assert catalogue["archived"].title not in text


def test_the_same_file_in_every_language(client, catalogue):
    english = client.get("/exports/practices.json", headers={"Accept-Language": "en"})
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get("/exports/practices.json")
    assert english.get_data() == french.get_data()
