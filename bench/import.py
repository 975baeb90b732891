"""Bulk import benchmark: `flask practices import`'s code against raw CSV parsing of the same
file, in one run.

    .venv/bin/python bench/import.py                  # 200 rows: a smoke run
    .venv/bin/python bench/import.py --rows 100000    # the issue's size (SQLite)
    .venv/bin/python bench/import.py --rows 20000 --database-url postgresql://.../empty_db

Writes a CSV of N synthetic rows (labels in the four languages, countries by name and code),
then measures on it:
- raw parsing (csv.reader over the decoded file): rows/s, the baseline;
- the import as the secretariat (drafts: every row through practices.service.create_practice,
  one transaction, a savepoint per row, committed at the end): rows/s, and its ratio to the
  baseline (how many times slower than parsing alone);
- peak memory: the import's peak of Python allocations (tracemalloc, a dry run of the same
  file) and the process's peak RSS; both should stay flat as N grows (the file is streamed).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kmportal import create_app  # noqa: E402
from kmportal.auth import service as accounts  # noqa: E402
from kmportal.auth.models import Role  # noqa: E402
from kmportal.extensions import db  # noqa: E402
from kmportal.practices.enums import Criterion  # noqa: E402
from kmportal.practices.importing.readers import Limits  # noqa: E402
from kmportal.practices.importing.service import ImportOptions, import_practices  # noqa: E402
from kmportal.reference import loaders  # noqa: E402

COUNTRIES = ["BR", "Colombia", "Perú", "MX", "Jamaica", "Haïti", "Argentina", "Chile"]
SECTORS = ["Agricultura", "domestic work", "trabalho doméstico", "Pêche", "mining"]
THEMES = ["PETI", "ptap", "PETI y PTAP"]
WORDS = ("trabajo infantil escuela familias comunidad agricultura protección programa").split()  # noqa: SIM905


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    arguments = [f"argument_{c.value}" for c in Criterion]
    names = ["external_id", "country", "title", "summary", "description", "theme", "language"]
    names += ["period_start", "sectors", "tags", *arguments]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for i in range(rows):
            text = " ".join(rnd.choices(WORDS, k=40))
            writer.writerow(
                [f"bench-{i}", rnd.choice(COUNTRIES), f"Práctica {i}", text[:200], text]
                + [rnd.choice(THEMES), "es", rnd.randint(1990, 2020)]
                + ["; ".join(rnd.sample(SECTORS, 2)), "escuela, familia"]
                + [f"Argumento {i}." for _ in arguments]
            )


def raw_parse(path: Path) -> tuple[float, float]:
    """Rows per second of wall time and of CPU time (the machine may be shared)."""
    start, cpu = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8", newline="") as stream:
        count = sum(1 for _ in csv.DictReader(stream))
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def run_import(app, path: Path, dry_run: bool):
    from kmportal.auth.models import User

    with app.app_context():
        user = db.session.get(User, 1)
        options = ImportOptions(filename=path.name, dry_run=dry_run, limits=Limits(10**7, 2**40))
        with path.open("rb") as stream:
            start, cpu = time.perf_counter(), time.process_time()
            report = import_practices(user, stream, options)
            elapsed = (time.perf_counter() - start, time.process_time() - cpu)
        db.session.remove()
    return report, elapsed


def make_app(folder: Path, database_url: str | None):
    config = {
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "SEARCH_VECTORS_FILE": str(folder / "vectors.sqlite3"),
        "SEARCH_SEMANTIC": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        loaders.load_countries()
        accounts.create_user("bench@example.org", "Bench", "bench password 1", Role.SECRETARIAT)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: a SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kmportal-bench-import-"))
    try:
        path = folder / "practices.csv"
        write_csv(path, args.rows)
        app = make_app(folder, args.database_url)
        baseline = raw_parse(path)
        tracemalloc.start()
        dry, _ = run_import(app, path, dry_run=True)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        report, elapsed = run_import(app, path, dry_run=False)
        assert report.committed and report.counts["created"] == args.rows, report.to_dict()
        assert dry.counts["created"] == args.rows
        rate, cpu_rate = args.rows / elapsed[0], args.rows / elapsed[1]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = path.stat().st_size / 1e6
        engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
        print(f"rows: {args.rows}  file: {size:.1f} MB  database: {engine}")
        print(
            f"raw csv parsing (baseline): {baseline[0]:,.0f} rows/s ({baseline[1]:,.0f} per CPU s)"
        )
        print(
            f"import (committed):         {rate:,.0f} rows/s ({cpu_rate:,.0f} per CPU s);"
            f" {elapsed[0]:.1f} s wall, {elapsed[1]:.1f} s CPU"
        )
        print(
            f"ratio baseline/import:      {baseline[0] / rate:,.0f}x wall,"
            f" {baseline[1] / cpu_rate:,.0f}x CPU (times slower than parsing alone)"
        )
        print(f"import peak Python memory (tracemalloc, dry run): {traced_peak / 1e6:.1f} MB")
        print(f"process peak RSS:           {rss:.0f} MB")
        print(f"report size (JSON rows kept): {len(report.to_dict()['rows'])}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
