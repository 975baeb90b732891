"""Load test: the portal under gunicorn with several workers, many people at once.

    .venv/bin/python bench/load.py                        # SQLite, 16 clients, 30 s
    .venv/bin/python bench/load.py --clients 32 --seconds 60
    .venv/bin/python bench/load.py --database-url postgresql://user@host/empty_db
    .venv/bin/python bench/load.py --tiny                 # a smoke run of a few seconds

In a folder of its own (a temporary directory: database, index, uploads, logs), it applies
the migrations, loads the reference and demo data and builds the index, then serves the
portal with gunicorn (`--workers`, default 4) on a free port of 127.0.0.1 and:

1. runs `--clients` people for `--seconds`: focal points create and submit practices and
   propose transfers; the secretariat publishes them, moves transfers along and records
   follow-ups; anonymous readers (and everyone between writes) read practices, the list,
   the dashboard, transfers, country pages and search. Every write the portal acknowledged
   (a redirect to the record) is remembered; afterwards each is looked for in the database
   and `flask search check` must pass. It prints requests/s, p50/p95 per kind of request,
   the 5xx answers and the lost writes (exit status 1 when there are any).
2. measures wrk-style (Debian's `wrk` when installed, otherwise Python threads; the output
   says which) a published practice page, the practice list, the dashboard and a search
   page, as an anonymous reader, against a hello-world Flask app served by gunicorn the same
   way, and prints each page's requests/s and its ratio to hello-world (goal: >= 30% for
   the practice page and the dashboard).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from load_http import ROOT, Server, config_env, measure_page, warm_up, write_shims  # noqa: E402
from load_mix import Actor, Shared, percentiles, run_actor, status_rank  # noqa: E402

from kmportal import create_app  # noqa: E402
from kmportal.auth.models import Role, User  # noqa: E402
from kmportal.demo.loader import DEMO_PASSWORD  # noqa: E402
from kmportal.extensions import db  # noqa: E402
from kmportal.practices.enums import PracticeState  # noqa: E402
from kmportal.practices.models import Practice  # noqa: E402
from kmportal.transfers.models import FollowUp, Transfer  # noqa: E402

PAGES_GOAL = 0.30


def portal_config(folder: Path, database_url: str | None, page_cache: bool = True) -> dict:
    return {
        "PAGE_CACHE_SIZE": 300 if page_cache else 0,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'portal.sqlite3'}",
        "SECRET_KEY": "load-bench-" + "x" * 40,
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_INDEX_DIR": str(folder / "index"),
        # Every client comes from 127.0.0.1: the per-address log-in limit would refuse them.
        "RATELIMIT_ENABLED": False,
    }


def flask_command(folder: Path, config: dict, *arguments: str, check: bool = True):
    env = {
        **os.environ,
        **config_env(config),
        "FLASK_APP": "portal_app:app",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "KMPORTAL_INSTANCE_PATH": str(folder / "instance"),
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [str(flask), *arguments], cwd=folder, env=env, capture_output=True, text=True, check=check
    )


def prepare(folder: Path, config: dict) -> None:
    write_shims(folder)
    for command in (
        ("db", "upgrade"),
        ("reference", "load"),
        ("demo", "load"),
        ("search", "reindex"),
    ):
        flask_command(folder, config, *command)


def starting_state(app) -> tuple[list, deque, list[str], list[tuple[str, str]]]:
    with app.app_context():
        published = db.session.execute(
            sa.select(Practice.id, Practice.country_code).where(
                Practice.state == PracticeState.PUBLISHED
            )
        ).all()
        people = db.session.execute(
            sa.select(User.email, User.role, User.country_code).where(User.active.is_(True))
        ).all()
    focal = [(email, country) for email, role, country in people if role == Role.FOCAL_POINT]
    secretariat = [email for email, role, _ in people if role == Role.SECRETARIAT]
    # Only the transfers proposed during the run move on: the demo ones have dates (an end of
    # the exchange in 2016) that today's date of a step would contradict.
    transfers: deque = deque()
    return [tuple(row) for row in published], transfers, secretariat, focal


def actors(shared: Shared, url: str, clients: int, secretariat: list, focal: list) -> list:
    heads = max(1, clients // 8)
    readers = clients * 3 // 8
    plan = []
    for i in range(clients):
        if i < heads:
            plan.append(("secretariat", secretariat[0], None))
        elif i < heads + readers:
            plan.append(("anonymous", None, None))
        else:
            email, country = focal[i % len(focal)]
            plan.append(("focal_point", email, country))
    return [(role, Actor(shared, url, email, country)) for role, email, country in plan]


def run_mix(shared: Shared, people: list, seconds: float) -> float:
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=run_actor, args=(actor, role, DEMO_PASSWORD, stop_at))
        for role, actor in people
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def lost_writes(app, acks: list[tuple]) -> list[str]:
    """Every acknowledged write that the database does not hold."""
    lost = []
    with app.app_context():
        for kind, record_id, *detail in acks:
            if kind in ("practice", "submitted", "published"):
                practice = db.session.get(Practice, record_id)
                state = practice.state.value if practice else None
                if kind == "practice":
                    ok = practice is not None and practice.title == detail[0]
                else:
                    ok = state in (
                        ("submitted", "published") if kind == "submitted" else ("published",)
                    )
            elif kind in ("transfer", "step"):
                transfer = db.session.get(Transfer, record_id)
                reached = status_rank(transfer.status.value) if transfer else -2
                ok = transfer is not None and (
                    kind == "transfer" or reached >= status_rank(detail[0])
                )
            else:
                ok = db.session.scalar(
                    sa.select(sa.func.count(FollowUp.id)).where(
                        FollowUp.transfer_id == record_id, FollowUp.summary == detail[0]
                    )
                )
            if not ok:
                lost.append(f"{kind} {record_id} {detail}")
        db.session.remove()
    return lost


def report_mix(shared: Shared, elapsed: float, lost: list[str], check) -> None:
    total = sum(len(v) for v in shared.samples.values())
    fivexx = sum(
        n for status, n in shared.statuses.items() if isinstance(status, int) and status >= 500
    )
    print(
        f"\n== Mixed load: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} requests/s"
    )
    print(f"{'kind':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for kind in sorted(shared.samples):
        p50, p95 = percentiles(shared.samples[kind])
        print(f"{kind:<18}{len(shared.samples[kind]):>7}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}")
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(shared.statuses.items(), key=str))
    print(f"statuses: {statuses}")
    writes = {}
    for kind, *_ in shared.acks:
        writes[kind] = writes.get(kind, 0) + 1
    print(f"acknowledged writes: {len(shared.acks)} {writes}")
    print(f"5xx: {fivexx}; lost writes: {len(lost)}")
    for line in (lost + shared.failures)[:20]:
        print(f"  {line}")
    for reason, count in shared.refusals.most_common(8):
        print(f"  refused {count}x: {reason}")
    print(f"flask search check: {'passed' if check.returncode == 0 else 'FAILED'}")
    if check.returncode:
        print(check.stdout[-2000:], check.stderr[-2000:])


def measure_pages(folder: Path, portal: Server, published_id: int, args) -> None:
    pages = {
        "practice page": f"/practices/{published_id}",
        "practice list": "/practices/",
        "dashboard": "/dashboard",
        "search": "/search?q=trabajo+infantil",
    }
    hello = Server(folder, "hello_app", args.workers).start()
    try:
        warm_up(hello.url + "/", args.workers * 4)
        base = measure_page(hello.url + "/", args.page_seconds, args.connections, args.threads)
    finally:
        hello.stop()
    print(
        f"\n== Pages, anonymous, {args.connections} connections, {args.page_seconds:g} s each, "
        f"{args.workers} gunicorn workers; load generator: {base['tool']}; "
        f"page cache {'off' if args.no_page_cache else 'on'}"
    )
    print(f"{'page':<16}{'requests/s':>12}{'ratio':>8}{'goal':>7}{'errors':>8}")
    print(f"{'hello world':<16}{base['rps']:>12.1f}{1:>8.2f}{'':>7}{base['bad']:>8}")
    for name, path in pages.items():
        warm_up(portal.url + path, args.workers * 4)
        result = measure_page(portal.url + path, args.page_seconds, args.connections, args.threads)
        ratio = result["rps"] / base["rps"] if base["rps"] else 0.0
        goal = f"{PAGES_GOAL:.0%}" if name in ("practice page", "dashboard") else ""
        print(f"{name:<16}{result['rps']:>12.1f}{ratio:>8.2f}{goal:>7}{result['bad']:>8}")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0, help="of the mixed load")
    parser.add_argument("--page-seconds", type=float, default=10.0, help="per measured page")
    parser.add_argument("--connections", type=int, default=16, help="of the page measure")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workdir", help="keep everything here instead of a temporary folder")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every page (the figures before)"
    )
    parser.add_argument("--tiny", action="store_true", help="a smoke run: 4 clients, 3 s, 1 s")
    args = parser.parse_args()
    if args.tiny:
        args.clients, args.seconds, args.page_seconds, args.connections = 4, 3.0, 1.0, 4
    return args


def main() -> int:
    args = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="kmportal-load-") as scratch:
        folder = Path(args.workdir or scratch).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        config = portal_config(folder, args.database_url, not args.no_page_cache)
        print(f"Preparing {folder} ({'PostgreSQL' if args.database_url else 'SQLite'})...")
        prepare(folder, config)
        app = create_app(config)
        published, transfers, secretariat, focal = starting_state(app)
        shared = Shared(published=published, transfers=transfers, countries=[c for _, c in focal])
        env = {**config_env(config), "KMPORTAL_INSTANCE_PATH": str(folder / "instance")}
        portal = Server(folder, "portal_app", args.workers, env).start()
        try:
            for path in ("/", "/practices/", "/dashboard", f"/practices/{published[0][0]}"):
                warm_up(portal.url + path, args.workers * 2)
            people = actors(shared, portal.url, args.clients, secretariat, focal)
            print(f"Mixed load: {args.clients} clients for {args.seconds:g} s...")
            elapsed = run_mix(shared, people, args.seconds)
            lost = lost_writes(app, shared.acks)
            check = flask_command(folder, config, "search", "check", check=False)
            report_mix(shared, elapsed, lost, check)
            measure_pages(folder, portal, published[0][0], args)
        finally:
            portal.stop()
        with app.app_context():
            db.engine.dispose()
        fivexx = sum(n for s, n in shared.statuses.items() if isinstance(s, int) and s >= 500)
        return 1 if lost or fivexx or check.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
