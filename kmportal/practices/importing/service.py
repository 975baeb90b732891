"""Bulk import of practices: each row goes through the practices service, all in one
transaction (a savepoint per row), so the same rules and permissions apply as on the form.

- A focal point's rows become drafts of its own country; a row of another country is refused.
- The secretariat's rows with all seven criteria scores are submitted and published.
- A row whose external id (per source) was imported before updates that practice.
- All or nothing: one refused row and nothing is written, unless `skip_bad_rows`. A dry run
  does everything and rolls it back, so it reports exactly what the import would do.
- The file is read as a stream: memory stays bounded, and so does the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.audit.models import AuditEvent
from kmportal.errors import DomainError, PermissionDenied
from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.practices.enums import PracticeState
from kmportal.practices.importing import columns, readers, vocabulary
from kmportal.practices.importing.errors import ImportFileError
from kmportal.practices.importing.models import PracticeExternalId
from kmportal.practices.importing.report import (
    CREATED,
    HELD,
    REFUSED,
    UNCHANGED,
    UPDATED,
    ImportReport,
    RowResult,
)

ENTITY = "practice_import"


@dataclass(frozen=True)
class ImportOptions:
    format: str | None = None  # csv, xlsx or json; from `filename` when None
    filename: str = ""
    encoding: str = "utf-8"  # CSV only; JSON is always UTF-8
    dry_run: bool = False
    skip_bad_rows: bool = False
    source: str = "import"  # external ids are unique per source
    limits: readers.Limits = readers.Limits()
    report_rows: int = 1000


class _Aborted(Exception):
    """The session was rolled back under the import (a Conflict): stop, nothing written."""


def import_practices(
    user,
    stream: BinaryIO,
    options: ImportOptions = ImportOptions(),
    on_row: Callable[[RowResult], None] | None = None,
) -> ImportReport:
    """Import the file's rows as `user`; the report says, row by row, what was done."""
    practices.authorize(user, "create")
    fmt = options.format or readers.guess_format(options.filename)
    report = ImportReport(fmt or "?", options.dry_run, options.skip_bad_rows, options.report_rows)
    source = (options.source or "import").strip()[:80]
    try:
        if fmt is None:
            raise ImportFileError(_l("Use a CSV, XLSX or JSON file."))
        _check_whole_file(stream, fmt, options)
        records = readers.read(stream, fmt, options.encoding, options.limits)
        words = vocabulary.build()
        with practices.batch():
            summary = _open(user)
            _import_rows(user, records, words, source, report, on_row)
            if report.total == 0:
                raise ImportFileError(_l("The file has no rows to import."))
            _finish(user, summary, report, options)
    except (ImportFileError, _Aborted) as error:
        db.session.rollback()
        report.error = str(getattr(error, "message", "") or error.args[0])
        report.error_row = getattr(error, "row", None)
        report.committed = False
    return report


def _check_whole_file(stream: BinaryIO, fmt: str, options: ImportOptions) -> None:
    """Read a file that can be read twice (an upload, a file on disk) once without importing
    it: too many rows, too many bytes, a wrong encoding or a broken header are refused in
    about a second, before the first row is imported, rather than after minutes of rows
    that would then be rolled back."""
    if not (hasattr(stream, "seekable") and stream.seekable()):
        return
    start = stream.tell()
    for _record in readers.read(stream, fmt, options.encoding, options.limits):
        pass
    stream.seek(start)


def _open(user) -> AuditEvent:
    """The import's own audit event, written first: it opens the transaction on every
    database (SQLite's driver begins one only at the first write), under the row savepoints."""
    number = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == ENTITY)
    )
    summary = audit.record(user, "practice.import", ENTITY, number + 1, {})
    db.session.flush()
    return summary


def _finish(user, summary: AuditEvent, report: ImportReport, options: ImportOptions) -> None:
    written = not options.dry_run and (options.skip_bad_rows or report.refused == 0)
    if not written:
        db.session.rollback()
        return
    summary.changes = {
        "file": [None, options.filename or report.format],
        **{name: [None, count] for name, count in sorted(report.counts.items())},
    }
    db.session.commit()
    report.committed = True


def _import_rows(user, records, words, source, report, on_row) -> None:
    seen: dict[str, int] = {}
    header: columns.Header | None = None
    for number, record in records:
        if report.format == "json":
            header = columns.object_header(record)
        elif header is None:
            header = columns.resolve_header(record)
        result = _one_row(user, number, record, header, words, source, seen)
        report.add(result)
        if on_row is not None:
            on_row(result)


def _one_row(user, number, record, header, words, source, seen) -> RowResult:
    converted = columns.convert(record, header, words)
    external = converted.external_id
    if external and external in seen:
        converted.errors[header.name("external_id")] = _l(
            "This external id is already used by row %(row)d of this file.", row=seen[external]
        )
    elif external:
        seen[external] = number
    if converted.errors:
        return _refused(number, converted, 422, converted.errors)
    savepoint = db.session.begin_nested()
    try:
        result = _apply(user, number, converted, source)
        savepoint.commit()
        return result
    except DomainError as error:
        if not savepoint.is_active:
            raise _Aborted(error.message) from None
        savepoint.rollback()
        errors = getattr(error, "errors", None) or {"": error.message}
        keyed = {header.error_key(name): message for name, message in errors.items()}
        return _refused(number, converted, error.status_code, keyed)
    except sa.exc.IntegrityError:
        savepoint.rollback()
        message = _l("The database refused this row: check its values.")
        return _refused(number, converted, 422, {"": message})


def _refused(number, converted, status, errors) -> RowResult:
    return RowResult(
        number,
        REFUSED,
        external_id=converted.external_id,
        title=str(converted.values.get("title", ""))[:120],
        status=status,
        errors={key: str(message) for key, message in errors.items()},
    )


def _apply(user, number: int, converted: columns.Converted, source: str) -> RowResult:
    link = None
    if converted.external_id:
        link = db.session.get(PracticeExternalId, (source, converted.external_id))
    _check_country(user, converted.values)
    if link is not None:
        practice = practices.get_practice(user, link.practice_id, "edit")
        values = {**practices.values_to_edit(user, practice), **converted.values}
        outcome = practices.update_practice(user, practice, values).outcome.value
        outcome = {"applied": UPDATED, "unchanged": UNCHANGED}.get(outcome, HELD)
    else:
        practice = practices.create_practice(user, converted.values)
        outcome = CREATED
        if converted.external_id:
            link = PracticeExternalId(
                source=source, external_id=converted.external_id, practice_id=practice.id
            )
            db.session.add(link)
    if converted.scores:
        _publish(user, practice, converted.scores)
    return RowResult(
        number,
        outcome,
        practice_id=practice.id,
        external_id=converted.external_id,
        state=practice.state.value,
        title=practice.title[:120],
    )


class _NotYourCountry(PermissionDenied):
    def __init__(self, code: str):
        message = _l("You may import only practices of your own country (%(code)s).", code=code)
        super().__init__(message)
        self.errors = {"country_code": message}


def _check_country(user, values: dict[str, Any]) -> None:
    """A focal point imports its own country's practices (the service would file another
    country's row under its own: refused here instead, so that nothing is misfiled)."""
    country = values.get("country_code")
    if not user.is_secretariat and country and country != user.country_code:
        raise _NotYourCountry(user.country_code)


def _publish(user, practice, scores: dict[str, Any]) -> None:
    """Rows with criteria scores are the secretariat's validated practices: submitted and
    published (a published practice keeps its scores: they are not re-decided by an import)."""
    practices.authorize(user, "publish", practice)
    if practice.state in (PracticeState.DRAFT, PracticeState.RETURNED):
        practices.submit(user, practice)
    if practice.state is PracticeState.SUBMITTED:
        practices.publish(user, practice, scores)
