"""POST /api/v1/practices/import: the bulk import of practices from a CSV, XLSX or JSON file,
the same import as `flask practices import` (kmportal/practices/importing/service.py holds
every rule: the rows go through the practices service, all or nothing unless
skip_bad_rows, a dry run writes nothing). The answer is the import's report."""

from __future__ import annotations

import codecs

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from kmportal.api import errors, identity
from kmportal.api.schemas.common import ErrorSchema, StrictSchema
from kmportal.api.spec import WRITE_SECURITY, Blueprint
from kmportal.practices.enums import PracticeState
from kmportal.practices.importing import readers
from kmportal.practices.importing.report import OUTCOMES, ImportReport
from kmportal.practices.importing.service import ImportOptions, import_practices

blp = Blueprint(
    "Import",
    __name__,
    url_prefix="/api/v1/practices",
    description="The bulk import of practices from a file (CSV, XLSX or JSON).",
)

# A refusal names the errors of this many refused rows (the report has them all).
ERROR_ROWS = 10
# Rows one request may import: an answer within the workers' timeout (gunicorn.conf.py, 60 s)
# at the import's pace (about 125 rows per CPU second, bench/import.py). Larger files go
# through `flask practices import`, or in several requests.
MAX_ROWS = 2_000
SOURCE_CHARS = 80


# Arguments -------------------------------------------------------------------------------


def _text_encoding(value: str) -> None:
    try:
        info = codecs.lookup(value)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ValidationError(str(_l("This encoding is not known: use utf-8 or cp1252.")))


class ImportFile(Schema):
    file = Upload(
        required=True,
        metadata={"description": "The file: CSV, XLSX or JSON (docs/import/ has templates)."},
    )


class ImportArgs(StrictSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Report what the import would do; write nothing."},
    )
    skip_bad_rows = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Import the good rows and refuse the others (else one "
            "refused row and nothing is imported)."
        },
    )
    format = fields.String(
        validate=validate.OneOf(readers.FORMATS),
        metadata={"description": "Else from the file's name (.csv, .xlsx, .json)."},
    )
    encoding = fields.String(
        load_default="utf-8",
        validate=_text_encoding,
        metadata={"description": "Of a CSV file (cp1252 for Excel's plain CSV); JSON is UTF-8."},
    )
    source = fields.String(
        load_default="api",
        validate=validate.Length(min=1, max=SOURCE_CHARS),
        metadata={
            "description": "Whose external ids: a row whose external id was imported "
            "before from the same source updates that practice."
        },
    )


# The report ------------------------------------------------------------------------------


class ImportErrorSchema(Schema):
    message = fields.String(required=True)
    row = fields.Integer(
        allow_none=True, required=True, metadata={"description": "Where reading stopped."}
    )


class ImportCounts(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    held_for_review = fields.Integer(
        required=True,
        metadata={
            "description": "A focal point's change to a published "
            "practice, waiting for the secretariat."
        },
    )
    refused = fields.Integer(required=True)


class ImportRowSchema(Schema):
    row = fields.Integer(
        required=True,
        metadata={
            "description": "The spreadsheet's row (the header is row 1), or the "
            "object's place in the JSON list (from 1)."
        },
    )
    outcome = fields.String(required=True, metadata={"enum": list(OUTCOMES)})
    status = fields.Integer(
        required=True,
        metadata={
            "description": "As an HTTP answer would say: 200 done, 403 not yours, 422 bad values."
        },
    )
    practice_id = fields.Integer(
        allow_none=True,
        required=True,
        dump_default=None,
        metadata={"description": "null for a refused row."},
    )
    external_id = fields.String(required=True, dump_default="")
    state = fields.String(
        allow_none=True,
        required=True,
        dump_default=None,
        metadata={"enum": [*PracticeState.values(), None]},
    )
    title = fields.String(required=True, dump_default="")
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        dump_default=dict,
        metadata={
            "description": "Why the row was refused, by the file's own column name "
            '("" for the whole row); empty for a row imported.'
        },
    )


class ImportReportSchema(Schema):
    format = fields.String(
        required=True, metadata={"description": "csv, xlsx or json; ? when it is not known."}
    )
    dry_run = fields.Boolean(required=True)
    skip_bad_rows = fields.Boolean(required=True)
    committed = fields.Boolean(required=True, metadata={"description": "The rows are saved."})
    error = fields.Nested(
        ImportErrorSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Why the file as a whole could not be imported; else null."},
    )
    counts = fields.Nested(ImportCounts, required=True, metadata={"description": "All rows."})
    rows = fields.List(
        fields.Nested(ImportRowSchema),
        required=True,
        metadata={"description": "Row by row, in the file's order (up to a limit)."},
    )
    rows_omitted = fields.Integer(
        required=True, metadata={"description": "Rows counted but past the report's limit."}
    )


class ImportRefused(ErrorSchema):
    report = fields.Nested(
        ImportReportSchema,
        metadata={
            "description": "The whole report, when the import ran and wrote nothing; absent "
            "when the request itself was refused (no `file` part, a bad query argument)."
        },
    )


# The operation ---------------------------------------------------------------------------


@blp.route("/import", methods=["POST"])
@blp.arguments(ImportFile, location="files")
@blp.arguments(ImportArgs, location="query", as_kwargs=True)
@blp.response(200, ImportReportSchema, description="Imported, or a dry run's report.")
@blp.alt_response(
    422,
    schema=ImportRefused,
    description="Nothing was imported: the file cannot be read, or rows were refused "
    "without skip_bad_rows. `errors` names the first refused rows' columns as "
    "`row <n>.<column>`; `report` says what each row would have been.",
)
@blp.doc(security=WRITE_SECURITY)
def import_file(files: dict, **args):
    """Import practices from a CSV, XLSX or JSON file.

    Import practices from a file (multipart/form-data, part `file`), as the caller: a
    focal point's rows become drafts of its own country, the secretariat's rows with all
    seven criteria scores are published, a row whose external id was imported before
    updates that practice. All or nothing unless skip_bad_rows; a dry run writes nothing
    and answers 200 with what the import would do, refused rows included (422 only when
    the file cannot be read)."""
    upload = files["file"]
    options = ImportOptions(
        format=args.get("format"),
        filename=upload.filename or "",
        encoding=args["encoding"],
        dry_run=args["dry_run"],
        skip_bad_rows=args["skip_bad_rows"],
        source=args["source"],
        limits=readers.Limits(max_rows=current_app.config.get("API_IMPORT_MAX_ROWS", MAX_ROWS)),
    )
    report = import_practices(identity.user(), upload.stream, options)
    if report.error or not (report.committed or report.dry_run):
        return refused(report)
    return report.to_dict()


def refused(report: ImportReport):
    """422 in the API's error shape, with the report: nothing was written."""
    body = ImportReportSchema().dump(report.to_dict())
    if report.error:
        message, keyed = report.error, {"file": report.error}
    else:
        message = ngettext(
            "%(num)d row was refused; nothing was imported.",
            "%(num)d rows were refused; nothing was imported.",
            report.refused,
        )
        keyed = {}
        for row in report.refused_rows[:ERROR_ROWS]:
            for column, reason in row.errors.items():
                keyed[f"row {row.row}.{column}" if column else f"row {row.row}"] = reason
    response = errors.error_response(422, message, keyed)
    response.set_data(current_app.json.dumps({**response.get_json(), "report": body}))
    return response
