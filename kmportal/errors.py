"""The small family of domain errors services raise; views and the API map them to responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a readable reason a request was refused."""

    status_code = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class InvalidTransition(DomainError):
    """A workflow step the rules refuse from the record's current state."""

    status_code = 409


class Conflict(InvalidTransition):
    """Someone else changed the record between this request's read and its write (a race, a
    second click): nothing was changed by this request."""


class ValidationError(DomainError):
    """Bad input: field -> message, to show next to each field. Nothing was changed."""

    status_code = 422

    def __init__(self, errors: dict[str, str] | str):
        if not isinstance(errors, dict):  # one message (a lazy translation is no str)
            errors = {"": errors}
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors
