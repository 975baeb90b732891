"""Storing and serving attachments. The type comes from the bytes, never from the file name."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l

from kmportal.attachments.models import Attachment
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.validation import drop_control_characters


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extensions: tuple[str, ...]
    label: str


ALLOWED_TYPES = {
    t.mime: t
    for t in (
        AllowedType("application/pdf", ("pdf",), "PDF"),
        AllowedType("image/jpeg", ("jpg", "jpeg"), "JPEG"),
        AllowedType("image/png", ("png",), "PNG"),
        AllowedType("image/gif", ("gif",), "GIF"),
        AllowedType("image/webp", ("webp",), "WebP"),
        AllowedType("application/msword", ("doc",), "Word 97-2003"),
        AllowedType("application/vnd.ms-excel", ("xls",), "Excel 97-2003"),
        AllowedType("application/vnd.ms-powerpoint", ("ppt",), "PowerPoint 97-2003"),
        AllowedType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            "Word",
        ),
        AllowedType(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel"
        ),
        AllowedType(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
            "PowerPoint",
        ),
        AllowedType("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument Text"),
        AllowedType(
            "application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument Spreadsheet"
        ),
        AllowedType(
            "application/vnd.oasis.opendocument.presentation",
            ("odp",),
            "OpenDocument Presentation",
        ),
    )
}
# Old OLE2 Office files share one signature; filetype reports them under these names.
_OLE_ALIASES = {"application/x-ole-storage", "application/vnd.ms-office"}
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 255  # the column's length, in characters
_MAX_EXTENSION_LENGTH = 16


def human_size(size: int) -> str:
    """A byte count as people read it: 20 MB, 1.5 MB, 800 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


def display_name(filename: str | None) -> str:
    """The name an uploaded file is shown and downloaded under: the last part of the path the
    browser sent, in NFC, without control characters, at most 255 characters keeping the
    extension. Accents and non-Latin letters stay (the file is stored under a generated name,
    so this name never reaches the file system)."""
    name = unicodedata.normalize("NFC", drop_control_characters(filename or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    if not name:
        return "document"
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > _MAX_EXTENSION_LENGTH:
        return name[:MAX_NAME_LENGTH].rstrip()
    return stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def detect_type(head: bytes, extension: str) -> AllowedType | None:
    """The allowed type the content is, or None. The extension only picks among OLE2 variants."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    if mime in _OLE_ALIASES or mime in {
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
    }:
        # One container format for .doc/.xls/.ppt: trust the name only among these three.
        by_extension = {
            "doc": "application/msword",
            "xls": "application/vnd.ms-excel",
            "ppt": "application/vnd.ms-powerpoint",
        }
        mime = by_extension.get(extension, mime)
    return ALLOWED_TYPES.get(mime)


def validate_upload(stream: BinaryIO, filename: str) -> tuple[AllowedType, int, str]:
    """Check the size limit and the content type; return (type, size, safe original name)."""
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    name = display_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ValidationError({"file": _l("The file is empty.")})
    if size > limit:
        raise ValidationError(
            {"file": _l("The file is larger than the limit of %(size)s.", size=human_size(limit))}
        )
    allowed = detect_type(stream.read(SNIFF_BYTES), extension)
    stream.seek(0)
    if allowed is None:
        raise ValidationError(
            {
                "file": _l(
                    "This kind of file is not accepted: use PDF, Office, OpenDocument or an "
                    "image (JPEG, PNG, GIF, WebP)."
                )
            }
        )
    if extension not in allowed.extensions:
        raise ValidationError(
            {
                "file": _l(
                    "The file's content is %(kind)s, which does not match its name (%(name)s).",
                    kind=allowed.label,
                    name=name,
                )
            }
        )
    return allowed, size, name


def store(stream: BinaryIO, filename: str, **owner) -> Attachment:
    """Validate and write the file under a generated name; the caller adds and commits the row.

    The bytes are written to a temporary name and renamed, so a failure leaves no partial file.
    """
    allowed, size, name = validate_upload(stream, filename)
    stored_name = secrets.token_hex(16) + "." + allowed.extensions[0]
    target = upload_dir() / stored_name
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
    partial.replace(target)
    return Attachment(
        original_name=name, stored_name=stored_name, content_type=allowed.mime, size=size, **owner
    )


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def discard_file(attachment: Attachment) -> None:
    """Remove a stored file whose database row did not commit (or was deleted)."""
    path_of(attachment).unlink(missing_ok=True)


@contextmanager
def committed_or_discarded(stored: Attachment | list[Attachment]) -> Iterator[None]:
    """Run the block that adds and commits the rows of freshly stored files; if it fails, roll
    back and delete the files, so that no file is left without its row. `stored` may be a list
    that the block itself fills."""
    try:
        yield
    except Exception:
        db.session.rollback()
        for attachment in [stored] if isinstance(stored, Attachment) else stored:
            discard_file(attachment)
        raise
