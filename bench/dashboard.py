"""Time the dashboard at 100 and at 10,000 transfers and print the ratio (goal: within 2x).

    .venv/bin/python bench/dashboard.py [--small 100] [--large 10000] [--runs 50]
                                        [--database-url SMALL_URL LARGE_URL]

Each size gets a fresh database (SQLite in a temporary folder unless --database-url names
two empty PostgreSQL databases) with the reference data, the transfers written in bulk by the
tests' generator (every status, funding mode, confirmations, amounts, follow-ups) and a
training for every hundred transfers. The dashboard is requested once to warm up, then
`--runs` times, alternating between the sizes; the medians and their ratio are reported for
an anonymous reader (the public dashboard) and for the secretariat (which also sees the
overdue follow-ups).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from kmportal import create_app  # noqa: E402
from kmportal.auth import service as accounts  # noqa: E402
from kmportal.auth.models import Role, User  # noqa: E402
from kmportal.extensions import db  # noqa: E402
from kmportal.reference import loaders  # noqa: E402
from tests.progress.bulk import add_trainings, add_transfers  # noqa: E402


def build_app(folder: Path, database_url: str | None):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
            "UPLOAD_DIR": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        loaders.load_countries()
        loaders.load_plan()
        accounts.create_user(
            "secretariat@bench.example", "ST", "bench-password-1", Role.SECRETARIAT
        )
        for code in ("BR", "CO", "PE", "MX", "HT", "JM", "AR", "CL"):
            accounts.create_user(
                f"focal.{code.lower()}@bench.example",
                code,
                "bench-password-1",
                Role.FOCAL_POINT,
                code,
            )
    return app


def populate(app, size: int) -> int:
    """Fill the app's database with `size` transfers; return the secretariat's session token
    (what a signed-in session holds)."""
    with app.app_context():
        add_transfers(size, seed=size)
        add_trainings(max(1, size // 100), seed=size)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map
            # that index-only scans need.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        query = sa.select(User.session_token).where(User.role == Role.SECRETARIAT)
        return db.session.scalar(query)


def reader_client(app, reader: str, secretariat_token: str):
    client = app.test_client()
    if reader == "secretariat":
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = secretariat_token, True
    # Warm up, and check the reader sees what its role sees (English page for the check).
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert ("follow-ups overdue" in page) is (reader == "secretariat")
    return client


def timed_get(client) -> float:
    start = time.perf_counter()
    client.get("/dashboard")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--database-url",
        nargs=2,
        metavar=("SMALL_URL", "LARGE_URL"),
        help="two empty PostgreSQL databases (default: SQLite files in a temporary folder)",
    )
    args = parser.parse_args()
    urls = args.database_url or (None, None)
    with tempfile.TemporaryDirectory() as small_dir, tempfile.TemporaryDirectory() as large_dir:
        apps = {
            args.small: build_app(Path(small_dir), urls[0]),
            args.large: build_app(Path(large_dir), urls[1]),
        }
        secretariat = {size: populate(app, size) for size, app in apps.items()}
        for reader in ("anonymous", "secretariat"):
            clients = {
                size: reader_client(app, reader, secretariat[size]) for size, app in apps.items()
            }
            # Requests are made outside any app context (each has its own, as in production)
            # and alternate between the sizes, so that a busy machine slows both alike.
            timings: dict[int, list[float]] = {size: [] for size in apps}
            for _ in range(args.runs):
                for size, client in clients.items():
                    timings[size].append(timed_get(client))
            small = statistics.median(timings[args.small])
            large = statistics.median(timings[args.large])
            ratio = large / small
            print(
                f"{reader:>11}: {args.small} transfers {small * 1000:6.1f} ms, "
                f"{args.large} transfers {large * 1000:6.1f} ms (median of {args.runs}); "
                f"ratio {ratio:.2f}x ({'within' if ratio <= 2 else 'OVER'} the 2x goal)"
            )
        for app in apps.values():
            with app.app_context():
                db.drop_all()
                db.engine.dispose()


if __name__ == "__main__":
    main()
