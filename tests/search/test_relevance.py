"""Search quality on the judged set does not get worse: each category keeps the figures of
tests/search/relevance/floors.json (what bench/relevance.py measured), and the portal stays
far ahead of plain Whoosh on the same practices. Deterministic: no timing is measured."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import relevance  # noqa: E402

pytestmark = pytest.mark.slow
FLOORS = json.loads((relevance.SET_DIR / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return relevance.measure(tmp_path_factory.mktemp("relevance"))


@pytest.mark.parametrize("metric", ["nDCG@10", "R@10", "MRR@10"])
def test_every_category_keeps_its_figures(figures, metric):
    portal = figures[0]
    below = {
        category: round(portal[category][metric], 3)
        for category, floor in FLOORS[metric].items()
        if portal[category][metric] < floor
    }
    assert below == {}, f"{metric} fell below tests/search/relevance/floors.json"


def test_cross_language_queries_reach_the_goal(figures):
    assert figures[0]["cross_language"]["nDCG@10"] >= 0.85


def test_the_portal_beats_plain_whoosh_in_every_category(figures):
    portal, baseline = figures[0], figures[1]
    assert all(portal[c]["nDCG@10"] > baseline[c]["nDCG@10"] for c in portal)


def test_the_judged_set_is_as_large_as_promised():
    practices, queries = relevance.load_set()
    categories = [query["category"] for query in queries]
    assert len(practices) >= 40 and len(queries) >= 60
    assert categories.count("cross_language") >= 12
    keys = {practice["key"] for practice in practices}
    assert all(set(query["judgments"]) <= keys for query in queries)
    assert all(2 in query["judgments"].values() for query in queries)
