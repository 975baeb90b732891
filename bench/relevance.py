"""Search quality on the judged set (tests/search/relevance/): the portal against plain Whoosh.

    .venv/bin/python bench/relevance.py            # prints per-category and overall figures
    .venv/bin/python bench/relevance.py --queries  # and each query's rank list

Loads the set's practices into a fresh SQLite instance through the services (as the demo
loader does), builds the index, runs every query through `GET /search` as an anonymous
reader and reads the ranked practices off the page. In the same run it indexes the same
practices with plain Whoosh (StandardAnalyzer, title/summary/body, no stemming, no
expansion, AND of the words as Whoosh's QueryParser reads them) and runs the same queries.

Measures over the first 10 results: R@10 (share of the relevant practices, grade >= 1,
found), MRR@10 (1 / rank of the first practice of grade 2, "what the person wants") and
nDCG@10 (gain 2^grade - 1, ideal order from the judgments).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SET_DIR = Path(__file__).resolve().parent.parent / "tests" / "search" / "relevance"
CUTOFF = 10


def load_set(folder: Path = SET_DIR) -> tuple[list[dict], list[dict]]:
    practices = json.loads((folder / "practices.json").read_text(encoding="utf-8"))
    queries = json.loads((folder / "queries.json").read_text(encoding="utf-8"))
    return practices, queries


# Metrics -----------------------------------------------------------------------------------


def recall(ranked: list[str], judgments: dict[str, int], k: int = CUTOFF) -> float:
    relevant = {key for key, grade in judgments.items() if grade >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 1.0


def reciprocal_rank(ranked: list[str], judgments: dict[str, int], k: int = CUTOFF) -> float:
    for rank, key in enumerate(ranked[:k], start=1):
        if judgments.get(key, 0) >= 2:
            return 1.0 / rank
    return 0.0


def ndcg(ranked: list[str], judgments: dict[str, int], k: int = CUTOFF) -> float:
    def dcg(grades: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(judgments.values(), reverse=True))
    return dcg([judgments.get(key, 0) for key in ranked]) / ideal if ideal else 1.0


METRICS = {"R@10": recall, "MRR@10": reciprocal_rank, "nDCG@10": ndcg}


def score(queries: list[dict], rankings: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """{category or "overall": {metric: mean}} over the queries."""
    by_category: dict[str, list[dict]] = defaultdict(list)
    for query in queries:
        by_category[query["category"]].append(query)
        by_category["overall"].append(query)
    return {
        category: {
            name: sum(metric(rankings[q["id"]], q["judgments"]) for q in members) / len(members)
            for name, metric in METRICS.items()
        }
        for category, members in sorted(by_category.items())
    }


# The portal --------------------------------------------------------------------------------


def portal_app(folder: Path):
    """A fresh instance in `folder` with the set's practices loaded through the services."""
    from kmportal import create_app
    from kmportal.demo import loader
    from kmportal.extensions import db
    from kmportal.reference import loaders
    from kmportal.search import service

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "relevance-bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'relevance.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_DIR": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "SEARCH_VECTORS_FILE": str(folder / "vectors.sqlite3"),
        }
    )
    with app.app_context():
        db.create_all()
        loaders.load_countries()
        loaders.load_plan()
        keys = loader.load_practices(SET_DIR / "practices.json")
        service.reindex()
    app.config["RELEVANCE_KEYS"] = {practice_id: key for key, practice_id in keys.items()}
    return app


_HIT = re.compile(r'<li class="hit">\s*<h3><a href="/practices/(\d+)"')


def portal_rankings(app, queries: list[dict]) -> dict[str, list[str]]:
    keys = app.config["RELEVANCE_KEYS"]
    client = app.test_client()
    rankings = {}
    for query in queries:
        response = client.get("/search", query_string={"q": query["text"], "lang": "en"})
        assert response.status_code == 200, (query["id"], response.status_code)
        ids = [int(i) for i in _HIT.findall(response.get_data(as_text=True))]
        rankings[query["id"]] = [keys[i] for i in ids if i in keys][:CUTOFF]
    return rankings


# Plain Whoosh ------------------------------------------------------------------------------


def whoosh_rankings(practices: list[dict], queries: list[dict], folder: Path):
    from plain_whoosh import build_index
    from whoosh import qparser

    parts = ("description", "results", "replication", "population", "institution")
    ix = build_index(practices, folder, parts)
    parser = qparser.MultifieldParser(["title", "summary", "body"], ix.schema)
    rankings = {}
    with ix.searcher() as searcher:
        for query in queries:
            results = searcher.search(parser.parse(query["text"]), limit=CUTOFF)
            rankings[query["id"]] = [hit["key"] for hit in results]
    return rankings


# Running -----------------------------------------------------------------------------------


def measure(folder: Path) -> tuple[dict, dict, dict, list[dict]]:
    practices, queries = load_set()
    app = portal_app(folder)
    with app.app_context():
        portal = portal_rankings(app, queries)
    baseline = whoosh_rankings(practices, queries, folder)
    return score(queries, portal), score(queries, baseline), portal, queries


def print_table(portal: dict, baseline: dict) -> None:
    print(f"{'category':<16}{'n':>4}  " + "  ".join(f"{m:>17}" for m in METRICS))
    print(f"{'':<20}  " + "  ".join(f"{'portal':>8} {'whoosh':>8}" for _ in METRICS))
    _, queries = load_set()
    counts = defaultdict(int)
    for query in queries:
        counts[query["category"]] += 1
        counts["overall"] += 1
    for category in portal:
        cells = "  ".join(
            f"{portal[category][m]:>8.3f} {baseline[category][m]:>8.3f}" for m in METRICS
        )
        print(f"{category:<16}{counts[category]:>4}  {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", action="store_true", help="print each query's ranking")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kmportal-relevance-") as folder:
        portal, baseline, rankings, queries = measure(Path(folder))
    print_table(portal, baseline)
    if args.queries:
        for query in queries:
            ranked = rankings[query["id"]]
            grades = [query["judgments"].get(key, 0) for key in ranked]
            quality = ndcg(ranked, query["judgments"])
            print(f"{query['id']} {query['category']:<15} {quality:.2f} {query['text']!r} {grades}")


if __name__ == "__main__":
    main()
