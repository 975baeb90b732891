"""Several worker processes writing to one index: no lost update, no LockError for anyone."""

import multiprocessing
import time

import pytest
import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices.models import Practice
from kmportal.search import documents, service
from tests.conftest import base_config
from tests.search.helpers import ANONYMOUS, found
from tests.search.workers import write_practices

WORKERS = 4
PRACTICES_EACH = 6
# Long enough that a waiting writer never gives up while the test holds the lock on purpose.
PATIENT, IMPATIENT = 60.0, 0.3


def practices_committed() -> int:
    db.session.rollback()  # a fresh snapshot: see what the workers have committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice))


def hold_until(condition, seconds: float = 120) -> None:
    """Wait (polling) until condition() holds; the test fails if it never does."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the workers never reached the locked index"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    "lock_timeout", [PATIENT, IMPATIENT], ids=["writers-wait", "writers-journal"]
)
def test_several_processes_write_without_lost_updates_or_lock_errors(
    app, tmp_path, secretariat, index, lock_timeout
):
    config = base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    config["SEARCH_LOCK_TIMEOUT"] = lock_timeout
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WORKERS + 1), context.Queue()
    processes = [
        context.Process(
            target=write_practices, args=(config, worker, PRACTICES_EACH, start, results)
        )
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    # Hold the index until every worker has met the lock: each waits for it (patient
    # writers: every one has committed its first practice and none has journalled it) or
    # journals its change (impatient ones: the journal is not empty). No clock involved.
    lock = index._open().lock("WRITELOCK")
    assert lock.acquire()
    try:
        start.wait(timeout=120)
        if lock_timeout == PATIENT:
            hold_until(lambda: practices_committed() >= WORKERS)
            assert index.pending_ids() == set()
        else:
            hold_until(lambda: index.pending_ids())
    finally:
        lock.release()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert [r["problems"] for r in reports if r["problems"]] == []
    made = sorted(i for report in reports for i in report["made"])
    assert len(made) == WORKERS * PRACTICES_EACH
    journalled = sum(report["journalled"] for report in reports)
    assert journalled > 0 if lock_timeout == IMPATIENT else journalled == 0
    index.flush_journal(documents.load_documents)  # the next writer, whoever it is
    report = service.check()
    assert report.in_step, report
    for worker in range(WORKERS):
        for number in range(PRACTICES_EACH):
            hits = found(ANONYMOUS, f'"editado palabra{worker}x{number} final"')
            assert len(hits) == (0 if number % 3 == 2 else 1)
