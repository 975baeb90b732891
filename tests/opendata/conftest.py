"""Fixtures of the open-data tests: the shipped schemas, and a small public catalogue with
one practice in each state and transfers in several statuses and funding modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.slow.conftest import browser, live_app  # noqa: F401 (test_head_browser)
from tests.transfers.factories import TransferFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def transfers(app, secretariat):
    return TransferFactory(secretariat)


@pytest.fixture
def catalogue(app, practices, focal_co, focal_br):
    """Two published practices (one of theme "both" with two sectors, one Spanish), one
    draft and one archived: only the two published ones are open data."""
    first = practices.make(focal_br, "published")
    second = practices.make(
        focal_co,
        "published",
        title="Escuelas de café sin trabajo infantil",
        summary="=Resumen que empieza como una fórmula.",
        language="es",
        languages=["es"],
        theme="both",
        sectors=["agriculture", "domestic_work"],
        tags="café, escuela",
        period_end=None,
        contact="Oficina de enlace, enlace@example.org",
    )
    draft = practices.make(focal_br, "draft", title="Borrador que nadie ve")
    archived = practices.make(focal_br, "archived", title="Práctica archivada")
    return {"published": [first, second], "draft": draft, "archived": archived}
