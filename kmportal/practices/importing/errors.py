"""The import's own refusal: the file as a whole cannot be read (nothing is imported)."""

from __future__ import annotations

from kmportal.errors import DomainError


class ImportFileError(DomainError):
    """The file cannot be read as a whole: empty, malformed, wrongly encoded, too big, or with
    columns the import does not know. `row` is the row (or line) where reading stopped."""

    status_code = 422

    def __init__(self, message, row: int | None = None):
        super().__init__(message)
        self.row = row
