"""Matchmaking quality on the labelled set does not get worse: the portal keeps the figures of
tests/needs/matching/floors.json (what bench/matchmaking.py measured), stays ahead of plain
Whoosh more-like-this, and the demo transfers replay in the top 5. Needs the semantic model;
deterministic (no timing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import matchmaking  # noqa: E402

pytestmark = pytest.mark.slow
FLOORS = json.loads((matchmaking.SET_DIR / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return matchmaking.measure(tmp_path_factory.mktemp("matchmaking"))


def test_the_portal_keeps_its_figures(figures):
    below = {
        name: round(figures["portal"][name], 3)
        for name, floor in FLOORS["portal"].items()
        if figures["portal"][name] < floor
    }
    assert below == {}, "matching fell below tests/needs/matching/floors.json"


def test_the_demo_transfers_replay_in_the_top_5(figures):
    hits, total = figures["replay"]["portal"]
    assert hits >= FLOORS["replay_top5"] and total >= FLOORS["replay_top5"]


def test_the_portal_beats_plain_whoosh(figures):
    assert all(figures["portal"][m] > figures["whoosh"][m] for m in matchmaking.METRICS)


def test_the_labelled_set_covers_every_demo_need():
    needs, judgments = matchmaking.load_set()
    assert {n["key"] for n in needs} == set(judgments)
    assert all(any(g >= 3 for g in grades.values()) for grades in judgments.values())
    assert all(0 <= g <= 3 for grades in judgments.values() for g in grades.values())
