"""Glue between WTForms and the services' ValidationError: messages land next to their field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from kmportal.errors import ValidationError
from kmportal.extensions import db

_MISSING = object()


def apply_errors(form: FlaskForm, action: Callable[[], Any], default=True) -> Any:
    """Run a service call; on ValidationError roll back, put each message on its field, return
    None. The result of the call (or `default` when it returns None) means success."""
    try:
        result = action()
    except ValidationError as error:
        db.session.rollback()
        for field_name, message in error.errors.items():
            field = getattr(form, field_name, None) if field_name else None
            if field is not None and hasattr(field, "errors"):
                if isinstance(field.errors, tuple):
                    field.errors = list(field.errors)
                field.errors.append(str(message))
            else:
                form.form_errors.append(str(message))
        return None
    return default if result is None else result


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class RecordForm(FlaskForm):
    """A form whose fields are named like the service's values: values() hands them over as a
    dict, fill() puts a record's snapshot back (enums by their value, None as empty)."""

    def values(self) -> dict:
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit")
        }

    def fill(self, values: dict) -> None:
        for name, value in values.items():
            if name in self._fields:
                raw = getattr(value, "value", value)
                self._fields[name].data = "" if raw is None else str(raw)
