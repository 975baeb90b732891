"""Enumerations with translatable labels, stored in the database by value."""

from __future__ import annotations

import enum

import sqlalchemy as sa


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translatable label: Member = "value", _l("Label")."""

    def __new__(cls, value: str, label=None):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    def __str__(self) -> str:
        return str(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A portable VARCHAR column holding the enum's value (no native PostgreSQL ENUM)."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda cls: [member.value for member in cls],
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
    )
