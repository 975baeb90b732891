"""Code run in separate processes by test_search_concurrency.py (importable for "spawn")."""

from __future__ import annotations

import logging
import time
import traceback

import sqlalchemy as sa


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(self.format(record))


def write_practices(config: dict, worker: int, count: int, start, results) -> None:
    """Create `count` practices, edit each, archive every third; report what went wrong.

    Database "locked" errors are retried (SQLite lets one writer at a time upgrade its
    transaction); anything from the search index is reported as a failure.
    """
    from kmportal import create_app
    from kmportal.auth.models import User
    from kmportal.extensions import db
    from kmportal.practices import service
    from kmportal.practices.data import snapshot
    from tests.factories import GOOD_SCORES, practice_values
    from tests.search.helpers import NEUTRAL

    problems = _Errors()
    logging.getLogger("kmportal.search").addHandler(problems)
    made: list[int] = []
    try:
        app = create_app(config)
        with app.app_context():
            secretariat = db.session.scalar(sa.select(User).where(User.role == "secretariat"))
            start.wait(timeout=60)
            for number in range(count):
                word = f"palabra{worker}x{number}"

                def create(word=word):
                    values = practice_values(title=f"Práctica {word}", language="es", **NEUTRAL)
                    practice = service.create_practice(secretariat, values)
                    service.submit(secretariat, practice)
                    service.publish(secretariat, practice, GOOD_SCORES)
                    return practice

                practice = _retrying(db, create)
                made.append(practice.id)
                _retrying(
                    db,
                    lambda p=practice, w=word: service.update_practice(
                        secretariat, p, {**snapshot(p), "summary": f"Editado {w} final"}
                    ),
                )
                if number % 3 == 2:
                    _retrying(db, lambda p=practice: service.archive(secretariat, p))
        results.put(_report(worker, made, problems.records))
    except Exception:
        results.put(_report(worker, made, [*problems.records, traceback.format_exc()]))


def _report(worker: int, made: list[int], records: list[str]) -> dict:
    journalled = [r for r in records if "journalled" in r]
    problems = [r for r in records if "journalled" not in r]
    return {"worker": worker, "made": made, "problems": problems, "journalled": len(journalled)}


def _retrying(db, action, attempts: int = 20):
    for attempt in range(attempts):
        try:
            return action()
        except sa.exc.OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
