"""Serving under gunicorn (see gunicorn.conf.py): the number of workers from the CPUs the
process may use, and an access log of one JSON object per request."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from gunicorn import glogging

# Each worker holds its own database pool and search readers (about 200 MB with a large
# index): past this many, more workers cost memory without adding throughput.
MAX_DEFAULT_WORKERS = 12


def default_workers(environ: dict | None = None) -> int:
    """WEB_CONCURRENCY when set, else 2 × CPUs + 1 (gunicorn's advice), at most 12."""
    environ = os.environ if environ is None else environ
    if environ.get("WEB_CONCURRENCY"):
        return max(1, int(environ["WEB_CONCURRENCY"]))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


class JsonAccessLogger(glogging.Logger):
    """gunicorn's logger, with each access-log line a JSON object (values escaped properly,
    unlike a JSON-looking access_log_format)."""

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        try:
            self.access_log.info(
                json.dumps(access_record(self.atoms(resp, req, environ, request_time)))
            )
        except Exception:  # a log line must never break a response; gunicorn does the same
            self.exception("Could not write the access log line")


def access_record(atoms: dict) -> dict:
    """The fields of one access-log line, from gunicorn's log atoms."""

    def value(key: str):
        found = atoms.get(key)
        return None if found in (None, "-", "") else found

    status = value("s")
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "remote_addr": value("h"),
        "forwarded_for": value("{x-forwarded-for}i"),
        "method": value("m"),
        "path": value("U"),
        "query": value("q"),
        "protocol": value("H"),
        "status": int(status) if status and str(status).isdigit() else status,
        "bytes": value("B"),
        "duration_ms": round(int(atoms.get("D") or 0) / 1000, 1),
        "referrer": value("f"),
        "user_agent": value("a"),
        "pid": os.getpid(),
    }
