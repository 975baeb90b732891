"""The small shapes every operation writes the same way: a vocabulary's code with its label
in the reader's language, and a country with its name (schemas/common.py documents both)."""

from __future__ import annotations

from kmportal.reference import country_name


def labelled(member) -> dict | None:
    """{"code", "label"} of a LabelledEnum member (None for none)."""
    if member is None:
        return None
    return {"code": member.value, "label": str(member.label)}


def country(country) -> dict | None:
    """{"code", "name"} of a Country (None for none)."""
    if country is None:
        return None
    return {"code": country.code, "name": country_name(country)}
