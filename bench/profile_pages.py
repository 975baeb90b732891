"""Where the time of a page goes: pyinstrument over repeated anonymous requests.

    .venv/bin/python bench/profile_pages.py                 # practice page, list, dashboard
    .venv/bin/python bench/profile_pages.py --runs 200 --page /search?q=escuela

Prepares the demo data in a folder of its own (as bench/load.py does), warms the app up,
then profiles `--runs` requests of each page through the Flask test client (pyinstrument
is in the `bench` extra) and prints the time per request and the call tree.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from load import portal_config, prepare  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from kmportal import create_app  # noqa: E402
from kmportal.extensions import db  # noqa: E402
from kmportal.practices.enums import PracticeState  # noqa: E402
from kmportal.practices.models import Practice  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--page", action="append", help="a path (default: the three pages)")
    parser.add_argument("--workdir", help="reuse or keep the prepared folder here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kmportal-profile-") as scratch:
        folder = Path(args.workdir or scratch).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        config = portal_config(folder, None)
        if not (folder / "portal.sqlite3").exists():
            prepare(folder, config)
        app = create_app(config)
        with app.app_context():
            first = db.session.scalar(
                sa.select(sa.func.min(Practice.id)).where(Practice.state == PracticeState.PUBLISHED)
            )
            db.session.remove()
        pages = args.page or [f"/practices/{first}", "/practices/", "/dashboard"]
        client = app.test_client()
        for path in pages:
            for _ in range(3):
                client.get(path)
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            with profiler:
                for _ in range(args.runs):
                    status = client.get(path).status_code
            elapsed = (time.perf_counter() - started) / args.runs
            print(f"\n==== {path}: {elapsed * 1000:.1f} ms per request (status {status})")
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
