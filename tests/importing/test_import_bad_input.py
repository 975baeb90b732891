"""Bad files: a clear reason (and where), nothing written, never a traceback."""

import io

import openpyxl
import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices.importing.readers import Limits
from kmportal.practices.models import Practice
from tests.importing.helpers import csv_bytes, json_bytes, row, run


def nothing_written() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0


@pytest.mark.parametrize(
    "data, filename, expected",
    [
        (b"", "a.csv", "empty"),
        (b"\n\n", "a.csv", "empty"),
        (b"title,summary\n", "a.csv", "no rows"),
        (b"", "a.json", "empty"),
        (b"[]", "a.json", "no rows"),
        (b'{"title": "x"}', "a.json", "list of objects"),
        (b'[{"title": "x"},', "a.json", "line 1"),
        (b'[{"title": "x"}\n{"title": "y"}]', "a.json", "line 2"),
        (b'[{"title": "x"}] trailing', "a.json", "not valid"),
        (b"not a workbook", "a.xlsx", "XLSX"),
        (b"whatever", "a.pdf", "CSV, XLSX or JSON"),
    ],
)
def test_unreadable_files_are_refused_whole(focal_br, data, filename, expected):
    report = run(focal_br, data, filename=filename)
    assert report.error and expected in report.error, report.error
    assert not report.committed and nothing_written()
    assert report.to_dict()["error"]["message"] == report.error


def test_a_bad_row_after_good_ones_leaves_nothing_written(focal_br):
    data = json_bytes([row(), row(external_id="b")])[:-2] + b", {oops}]"
    report = run(focal_br, data, filename="a.json", skip_bad_rows=True)
    assert "not valid" in report.error and nothing_written()


def test_wrong_encoding_names_the_line_and_byte(focal_br):
    data = csv_bytes([row(), row(external_id="b", title="Niño")], encoding="cp1252")
    report = run(focal_br, data)
    assert "Line 2" in report.error and "byte" in report.error and "cp1252" in report.error
    assert report.error_row == 2 and nothing_written()


def test_cp1252_when_asked(focal_br):
    data = csv_bytes([row(title="Niño trabajador")], encoding="cp1252", delimiter=";")
    report = run(focal_br, data, encoding="cp1252")
    assert report.committed, report.to_dict()
    assert db.session.scalar(sa.select(Practice.title)) == "Niño trabajador"


def test_bom_and_semicolons(focal_br):
    report = run(focal_br, csv_bytes([row()], bom=True, delimiter=";"))
    assert report.committed, report.to_dict()


def test_invalid_utf8_in_json(focal_br):
    report = run(focal_br, b'[{"title": "\xff"}]', filename="a.json")
    assert "Byte 12" in report.error and nothing_written()


def test_unknown_columns_refuse_the_file(focal_br):
    report = run(focal_br, csv_bytes([{**row(), "Colour": "red"}]))
    assert "“Colour”" in report.error and nothing_written()


def test_repeated_column(focal_br):
    report = run(focal_br, b"title,Title\nx,y\n")
    assert "twice" in report.error


def test_unknown_json_fields_and_wrong_types_refuse_the_object(focal_br):
    items = [
        {**row(), "colour": "red"},
        {**row(external_id="b"), "title": 12, "sectors": [1], "sdg_87": "maybe"},
        {**row(external_id="c"), "period_start": 2010.5, "languages": {"a": 1}},
        "just text",
    ]
    report = run(focal_br, json_bytes(items), filename="a.json")
    rows = report.to_dict()["rows"]
    assert "colour" in rows[0]["errors"]
    assert set(rows[1]["errors"]) == {"title", "sectors", "sdg_87"}
    assert set(rows[2]["errors"]) == {"period_start", "languages"}
    assert "object" in rows[3]["errors"][""]
    assert report.refused == 4 and nothing_written()


def test_json_types_accepted(focal_br):
    item = {**row(), "period_start": 2010, "sdg_87": True, "sectors": ["Minería", "fishing"]}
    report = run(focal_br, json_bytes([item]), filename="a.json")
    assert report.committed, report.to_dict()
    assert db.session.scalar(sa.select(Practice)).sectors == ["mining", "fishing"]


def test_json_streams_across_chunks(focal_br):
    """Objects bigger than the reader's chunk, split anywhere, are read whole."""
    items = [
        row(external_id=str(i), description="x" * 50_000, results="y" * 19_000) for i in range(3)
    ]
    report = run(focal_br, json_bytes(items), filename="a.json", dry_run=True)
    assert report.counts["created"] == 3, (report.error, report.to_dict()["rows"])


def test_a_row_with_more_cells_than_the_header(focal_br):
    data = csv_bytes([row()]) + b"a,b,c," + b"," * 60 + b"extra\n"
    report = run(focal_br, data)
    assert "more cells" in report.to_dict()["rows"][1]["errors"][""]


def test_huge_file_and_too_many_rows(focal_br):
    data = csv_bytes([row(external_id=str(i)) for i in range(5)])
    too_big = run(focal_br, data, limits=Limits(max_bytes=1024 * 1024 // 2 // 1024))
    assert "larger than" in too_big.error and nothing_written()
    too_many = run(focal_br, data, limits=Limits(max_rows=3))
    assert "more than 3 rows" in too_many.error and too_many.error_row == 5
    assert nothing_written()


def test_line_too_long(focal_br):
    data = b"title\n" + b"x" * 1_000_001 + b"\n"
    assert "longer than" in run(focal_br, data).error


def test_unknown_and_ambiguous_labels(focal_br):
    report = run(focal_br, csv_bytes([row(country="Atlantis", sectors="Minería; Bananas")]))
    errors = report.to_dict()["rows"][0]["errors"]
    assert "Atlantis" in errors["country"] and "Bananas" in errors["sectors"]


def xlsx_bytes(rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    names = list(rows[0])
    sheet.append(names)
    for values in rows:
        sheet.append([int(v) if str(v).isdigit() else v for v in values.values()])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx(focal_br):
    report = run(focal_br, xlsx_bytes([row(), row(external_id="b")]), filename="a.xlsx")
    assert report.committed and report.counts["created"] == 2, report.to_dict()
    assert db.session.scalar(sa.select(Practice.period_start).limit(1)) == 2010


def test_same_column_twice_and_empty_header_cells(focal_br):
    assert "twice" in run(focal_br, b"title,title\nx,y\n").error
    trailing = csv_bytes([row()]).replace(b"\n", b",,\n")
    assert run(focal_br, trailing, dry_run=True).counts["created"] == 1
    under_no_name = csv_bytes([row()]).replace(b"\n", b",,x\n", 2).replace(b",,x\n", b",,\n", 1)
    report = run(focal_br, under_no_name, dry_run=True)
    assert "more cells" in report.to_dict()["rows"][0]["errors"][""]


def test_a_conflict_midway_stops_the_import_with_nothing_written(focal_br, monkeypatch):
    from kmportal.errors import Conflict
    from kmportal.practices import service as practices

    create = practices.create_practice
    calls = []

    def create_then_conflict(user, values):
        calls.append(1)
        if len(calls) == 2:  # what claim() does when someone else moved the record
            db.session.rollback()
            raise Conflict("Someone has just changed this practice.")
        return create(user, values)

    monkeypatch.setattr(practices, "create_practice", create_then_conflict)
    report = run(focal_br, csv_bytes([row(), row(external_id="b")]), skip_bad_rows=True)
    assert report.error == "Someone has just changed this practice." and not report.committed
    assert nothing_written()


def test_json_item_too_long(focal_br):
    data = b'[{"title": "a"}, {"title": "' + b"x" * 1_100_000 + b'"}]'
    report = run(focal_br, data, filename="a.json")
    assert "Item 2 of the list is longer than" in report.error and report.error_row == 2


def test_row_numbers_are_records_not_lines(focal_br):
    data = csv_bytes([row(description="one\ntwo\nthree"), row(external_id="b", title="")])
    report = run(focal_br, data)
    assert [r["row"] for r in report.to_dict()["rows"]] == [2, 3]
