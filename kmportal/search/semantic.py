"""The semantic leg (work in progress)."""

from __future__ import annotations


def neighbours_of_text(reading, text: str, visible) -> list[int]:
    return []
