"""Matchmaking quality on the labelled set (tests/needs/matching/): the portal's suggestions
against a plain Whoosh more-like-this baseline, and a replay of the demo transfers.

    .venv/bin/python bench/matchmaking.py          # prints the figures
    .venv/bin/python bench/matchmaking.py --needs  # and each need's ranking (grades)

Loads the demo data (practices, transfers, needs) into a fresh SQLite instance through the
services (`flask demo load`), builds the index and the vectors, and asks the needs service
for each demo need's suggestions (kmportal.needs.service.suggestions: published practices of
other countries, the fused lexical + semantic ranking plus facets and feasibility). In the
same run it indexes the same published practices with plain Whoosh (StandardAnalyzer,
title/summary/body, no stemming, no thesaurus, no vectors) and ranks them by more-like-this
over the need's text (its 12 most distinctive terms, Whoosh's own key_terms_from_text), the
need's own country left out as well.

Measures: P@5 (share of the first 5 suggestions of grade >= 2), R@10 (share of the grade >= 2
practices found in the first 10), MRR (1 / rank of the first practice of grade 3, "the one a
person of the field would pick"), and the replay: for each demo need that a demo transfer
answered (its "answers" key, the transfer not cancelled), is that practice in the top 5?
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "tests" / "needs" / "matching"
DEMO = ROOT / "kmportal" / "demo"
CUTOFF = 10


def load_set() -> tuple[list[dict], dict[str, dict[str, int]]]:
    needs = json.loads((DEMO / "needs.json").read_text(encoding="utf-8"))["needs"]
    judgments = json.loads((SET_DIR / "judgments.json").read_text(encoding="utf-8"))["needs"]
    return needs, judgments


# Metrics -----------------------------------------------------------------------------------


def precision_at_5(ranked: list[str], grades: dict[str, int]) -> float:
    return sum(1 for key in ranked[:5] if grades.get(key, 0) >= 2) / 5


def recall_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    wanted = {key for key, grade in grades.items() if grade >= 2}
    return len(wanted & set(ranked[:CUTOFF])) / len(wanted) if wanted else 1.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for rank, key in enumerate(ranked[:CUTOFF], start=1):
        if grades.get(key, 0) >= 3:
            return 1.0 / rank
    return 0.0


METRICS = {"P@5": precision_at_5, "R@10": recall_at_10, "MRR": reciprocal_rank}


def score(rankings: dict[str, list[str]], judgments: dict[str, dict[str, int]]) -> dict:
    return {
        name: sum(metric(rankings[key], judgments[key]) for key in judgments) / len(judgments)
        for name, metric in METRICS.items()
    }


def replay(rankings: dict[str, list[str]], needs: list[dict], cancelled: set) -> tuple[int, int]:
    """(needs whose received practice is in the top 5, needs a demo transfer answered)."""
    answered = [
        n for n in needs if n.get("answers") and (n["answers"], n["country"]) not in cancelled
    ]
    hits = sum(1 for n in answered if n["answers"] in rankings[n["key"]][:5])
    return hits, len(answered)


def cancelled_transfers() -> set[tuple[str, str]]:
    data = json.loads((DEMO / "transfers.json").read_text(encoding="utf-8"))
    return {
        (t["practice"], t["recipient"]) for t in data["transfers"] if t["status"] == "cancelled"
    }


# The portal --------------------------------------------------------------------------------


def portal_rankings(folder: Path) -> tuple[dict[str, list[str]], list[dict]]:
    import sqlalchemy as sa

    from kmportal import create_app
    from kmportal.demo import loader
    from kmportal.extensions import db
    from kmportal.needs import service as needs
    from kmportal.needs.models import Need
    from kmportal.practices.models import Practice
    from kmportal.reference import loaders
    from kmportal.search import service as search

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "matchmaking-bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'matchmaking.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_DIR": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "SEARCH_VECTORS_FILE": str(folder / "vectors.sqlite3"),
        }
    )
    records = json.loads((DEMO / "practices.json").read_text(encoding="utf-8"))
    need_records, _ = load_set()
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        db.create_all()
        loaders.load_countries()
        loaders.load_plan()
        loader.load()
        search.reindex()
        practice_keys = _practice_keys(db, sa, Practice, records)
        by_country_title = {(n["country"], n["title"]): n["key"] for n in need_records}
        rankings = {}
        for need in db.session.scalars(sa.select(Need)):
            key = by_country_title[(need.country_code, need.title)]
            found = needs.suggestions(_anonymous(), need, limit=CUTOFF)
            rankings[key] = [practice_keys[s.practice.id] for s in found]
    return rankings, records


def _practice_keys(db, sa, Practice, records) -> dict[int, str]:
    by_title = {(r["country"], r["title"]): r["key"] for r in records}
    rows = db.session.execute(sa.select(Practice.id, Practice.country_code, Practice.title))
    return {pid: by_title[(code, title)] for pid, code, title in rows}


def _anonymous():
    from flask_login import AnonymousUserMixin

    return AnonymousUserMixin()


# Plain Whoosh more-like-this ----------------------------------------------------------------


def whoosh_rankings(records: list[dict], needs: list[dict], folder: Path) -> dict[str, list[str]]:
    from plain_whoosh import build_index
    from whoosh import query as wq

    ix = build_index(records, folder, ("description", "results", "population"))
    rankings = {}
    with ix.searcher() as searcher:
        for need in needs:
            text = f"{need['title']}\n{need['description']}"
            terms = searcher.key_terms_from_text("body", text, numterms=12)
            clauses = [
                wq.Term(field, term, boost=weight)
                for term, weight in terms
                for field in ("title", "summary", "body")
            ]
            own = wq.Term("country", need["country"])
            results = searcher.search(wq.Or(clauses), mask=own, limit=CUTOFF) if clauses else []
            rankings[need["key"]] = [hit["key"] for hit in results]
    return rankings


# Running -----------------------------------------------------------------------------------


def measure(folder: Path) -> dict:
    needs, judgments = load_set()
    portal, records = portal_rankings(folder)
    baseline = whoosh_rankings(records, needs, folder)
    cancelled = cancelled_transfers()
    return {
        "portal": score(portal, judgments),
        "whoosh": score(baseline, judgments),
        "replay": {
            "portal": replay(portal, needs, cancelled),
            "whoosh": replay(baseline, needs, cancelled),
        },
        "rankings": {"portal": portal, "whoosh": baseline},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", action="store_true", help="print each need's ranking")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kmportal-matchmaking-") as folder:
        figures = measure(Path(folder))
    _, judgments = load_set()
    print(f"{len(judgments)} needs, graded 0-3 (tests/needs/matching/judgments.json)")
    print(f"{'':<10}" + "".join(f"{name:>8}" for name in METRICS) + f"{'replay top 5':>16}")
    for system in ("portal", "whoosh"):
        hits, total = figures["replay"][system]
        cells = "".join(f"{figures[system][name]:>8.3f}" for name in METRICS)
        print(f"{system:<10}{cells}{f'{hits}/{total}':>16}")
    if args.needs:
        for system in ("portal", "whoosh"):
            for key, ranked in figures["rankings"][system].items():
                grades = [judgments[key].get(k, 0) for k in ranked]
                print(f"{system:<7} {key:<28} {grades}")


if __name__ == "__main__":
    main()
