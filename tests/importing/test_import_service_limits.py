"""A file over a limit is refused before its first row is imported: the import reads a
seekable file once on its own first (the API's uploads, the CLI's files)."""

from __future__ import annotations

from kmportal.practices.importing import readers
from kmportal.practices.importing.service import ImportOptions, import_practices
from tests.importing.helpers import csv_bytes, row


def test_too_many_rows_are_refused_before_the_first_is_imported(app, focal_br):
    import io

    seen = []
    options = ImportOptions(filename="p.csv", limits=readers.Limits(max_rows=3))
    data = csv_bytes([row(external_id=f"x{n}") for n in range(4)])
    report = import_practices(focal_br, io.BytesIO(data), options, seen.append)
    assert report.error and "3 filas" in report.error and report.error_row == 5
    assert seen == [] and not report.committed


def test_a_file_within_the_limits_is_imported_from_its_start(app, focal_br):
    import io

    seen = []
    options = ImportOptions(filename="p.csv", limits=readers.Limits(max_rows=3))
    data = csv_bytes([row(external_id=f"x{n}") for n in range(3)])
    report = import_practices(focal_br, io.BytesIO(data), options, seen.append)
    assert report.committed and len(seen) == 3 and report.counts["created"] == 3
