"""Reading an import file as a stream of records: CSV, XLSX (openpyxl, read-only) or JSON.

Every reader yields (row number, {column as written in the file: raw value}) one record at a
time and never holds the whole file: memory stays bounded whatever the number of rows. Row
numbers are the ones a person sees: the spreadsheet's row (the header is row 1) or the
object's position in the JSON list (the first is 1). What cannot be read raises
ImportFileError with the reason and the place.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from kmportal.practices.importing.errors import ImportFileError

FORMATS = ("csv", "xlsx", "json")
MAX_LINE_BYTES = 1_000_000  # one CSV line, or one JSON object
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_rows: int = 100_000
    max_bytes: int = 200 * 1024 * 1024


Record = tuple[int, dict[str, Any]]
# Keys no file can have: a row with more cells than the header, a JSON item not an object.
EXTRA_CELLS = "\x00extra"
NOT_AN_OBJECT = "\x00not_an_object"


def guess_format(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in FORMATS else None


def read(stream: BinaryIO, fmt: str, encoding: str = "utf-8", limits: Limits = Limits()):
    """The records of the file, as (row number, values); header problems raise at once."""
    if fmt not in FORMATS:
        raise ImportFileError(_l("Use a CSV, XLSX or JSON file."))
    counted = _Counted(stream, limits.max_bytes)
    records = {"csv": _csv, "xlsx": _xlsx, "json": _json}[fmt](counted, encoding)
    return _bounded(records, limits.max_rows)


def _bounded(records: Iterator[Record], max_rows: int) -> Iterator[Record]:
    for count, record in enumerate(records, start=1):
        if count > max_rows:
            raise ImportFileError(
                _l("The file has more than %(n)d rows: split it into smaller files.", n=max_rows),
                record[0],
            )
        yield record


class _Counted:
    """The stream, refusing to read more than `limit` bytes."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream, self.limit, self.read_bytes = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise ImportFileError(
                _l(
                    "The file is larger than %(n)d MB: split it into smaller files.",
                    n=self.limit // (1024 * 1024),
                )
            )
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self.stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.stream.readline(size))

    def seek(self, *args):
        return self.stream.seek(*args)

    def tell(self):
        return self.stream.tell()

    def seekable(self):
        return True


# CSV ---------------------------------------------------------------------------------------


def _lines(stream: _Counted, encoding: str) -> Iterator[str]:
    """Decoded lines; a line that is not in the encoding stops the import, saying where."""
    offset = 0
    for number in itertools.count(1):
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES:
            raise ImportFileError(
                _l("Line %(line)d is longer than %(n)d bytes.", line=number, n=MAX_LINE_BYTES),
                number,
            )
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise _encoding_error(raw, error, number, offset + error.start, encoding) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        offset += len(raw)
        yield text


def _encoding_error(raw, error, line: int, byte: int, encoding: str) -> ImportFileError:
    if encoding.replace("-", "").lower() == "utf8":
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return ImportFileError(
                _l(
                    "Line %(line)d (byte %(byte)d) is not UTF-8: the file looks like Windows-1252"
                    " (Excel's plain “CSV”). Save it as “CSV UTF-8”, or import it with the"
                    " encoding cp1252 (--encoding cp1252).",
                    line=line,
                    byte=byte,
                ),
                line,
            )
    return ImportFileError(
        _l(
            "Line %(line)d (byte %(byte)d) is not valid %(encoding)s: save the file as UTF-8.",
            line=line,
            byte=byte,
            encoding=encoding,
        ),
        line,
    )


def _csv(stream: _Counted, encoding: str) -> Iterator[Record]:
    lines = _lines(stream, encoding)
    first = next(lines, None)
    while first is not None and not first.strip():
        first = next(lines, None)
    if first is None:
        raise ImportFileError(_l("The file is empty."))
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        header = _header(next(reader))
        # A record is a spreadsheet row, even when a quoted cell holds line breaks.
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            yield number, _pair(header, values, number)
    except csv.Error as error:
        raise ImportFileError(
            _l(
                "Line %(line)d cannot be read as CSV (%(reason)s).",
                line=reader.line_num,
                reason=str(error),
            ),
            reader.line_num,
        ) from None


def _pair(header: list[str], values: list, _row: int) -> dict[str, Any]:
    """The row's cells by column name; cells under no name (past the header, or under an
    empty header cell) are kept aside only when they hold something."""
    record: dict[str, Any] = {}
    extra = []
    for i, value in enumerate(values):
        name = header[i] if i < len(header) else ""
        if name:
            record[name] = value
        elif str(value).strip():
            extra.append(value)
    for name in header[len(values) :]:
        if name:
            record[name] = ""
    if extra:
        record[EXTRA_CELLS] = extra
    return record


def _header(values: list) -> list[str]:
    header = [str(value).strip() for value in values]
    named = [name for name in header if name]
    for name in named:
        if named.count(name) > 1:
            raise ImportFileError(_l("The column “%(name)s” appears twice.", name=name), 1)
    return header


# XLSX --------------------------------------------------------------------------------------


def _xlsx(stream: _Counted, _encoding: str) -> Iterator[Record]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(_l("The file cannot be read as an XLSX workbook.")) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = None
        for number, cells in enumerate(rows, start=1):
            values = [_cell(cell) for cell in cells]
            if not any(values):
                continue
            if header is None:
                header = _header(values)
                continue
            yield number, _pair(header, values, number)
        if header is None:
            raise ImportFileError(_l("The file is empty."))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ImportFileError(_l("The file cannot be read as an XLSX workbook.")) from None
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# JSON --------------------------------------------------------------------------------------


def _json(stream: _Counted, _encoding: str) -> Iterator[Record]:
    """A list of objects, parsed one object at a time (the file is never held whole)."""
    parser = _JsonList(stream)
    for number, item in enumerate(parser.items(), start=1):
        yield number, item if isinstance(item, dict) else {NOT_AN_OBJECT: item}


class _JsonList:
    def __init__(self, stream: _Counted):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer, self.pos, self.line, self.bytes = "", 0, 1, 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self.stream.read(CHUNK)
        try:
            text = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _l(
                    "Byte %(byte)d is not valid UTF-8: save the file as UTF-8.",
                    byte=self.bytes + error.start,
                )
            ) from None
        if self.bytes == 0:
            text = text.removeprefix("\ufeff")
        self.bytes += len(raw)
        self.eof = not raw
        # Drop what was read: memory holds at most one object and a chunk.
        self.line += self.buffer.count("\n", 0, self.pos)
        self.buffer, self.pos = self.buffer[self.pos :] + text, 0
        return bool(raw)

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def _invalid(self, at: int | None = None) -> ImportFileError:
        at = self.pos if at is None else at
        line = self.line + self.buffer.count("\n", 0, at)
        return ImportFileError(_l("The JSON is not valid at line %(line)d.", line=line), line)

    def items(self) -> Iterator[Any]:
        first = self._peek()
        if first == "":
            raise ImportFileError(_l("The file is empty."))
        if first != "[":
            if first == "{":
                raise ImportFileError(_l("The JSON must be a list of objects: [{…}, {…}]."))
            raise self._invalid()
        self.pos += 1
        if self._peek() == "]":
            self.pos += 1
        else:
            for number in itertools.count(1):
                yield self._value(number)
                following = self._peek()
                self.pos += 1
                if following == "]":
                    break
                if following != ",":
                    raise self._invalid(self.pos - 1)
        if self._peek() != "":
            raise self._invalid()

    def _value(self, number: int) -> Any:
        self._peek()
        while True:
            try:
                value, end = self.decoder_json.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > MAX_LINE_BYTES:
                    raise ImportFileError(
                        _l(
                            "Item %(number)d of the list is longer than %(n)d characters.",
                            number=number,
                            n=MAX_LINE_BYTES,
                        ),
                        number,
                    ) from None
                if not self._more():
                    raise self._invalid(error.pos) from None
                continue
            if end == len(self.buffer) and not self.eof and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    decoder_json = json.JSONDecoder()
