"""A real outage: the test starts its own PostgreSQL server, stops it under the running app
(503 pages in the reader's language for anonymous and signed-in readers, /healthz naming
the database), starts it again, and the same app serves pages again without a restart."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.auth.models import Role
from kmportal.reference import loaders
from tests.conftest import PASSWORD, base_config, make_user
from tests.operations.test_outage import HEADINGS
from tests.slow.conftest import unavailable

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


class OwnPostgres:
    """A throwaway server like scripts/lib/postgres.sh: initdb and pg_ctl from Debian's
    /usr/lib/postgresql/*/bin, as the postgres account when root, loopback, a random port."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            unavailable("PostgreSQL's server binaries are not installed")
        self.bin = Path(found[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="kmportal-outage-pg."))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._run("initdb", "-D", self.data, "-U", "kmportal", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip

    @property
    def data(self) -> str:
        return str(self.root / "data")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", str(self.root / "log"), "-w", "-o", options,
                  "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kmportal@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url(name)

    def remove(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def server():
    if not os.environ.get("KMPORTAL_TEST_POSTGRES_URL") and not os.environ.get("CI"):
        # Same gate as the other PostgreSQL tests: scripts/test.sh installs the server.
        pytest.skip("KMPORTAL_TEST_POSTGRES_URL is not set: scripts/test.sh sets up PostgreSQL")
    own = OwnPostgres()
    own.start()
    try:
        yield own
    finally:
        own.remove()


def test_pages_answer_503_while_postgres_is_down_and_work_again_after(server, tmp_path):
    app = create_app(base_config(tmp_path, server.create_database("kmportal_outage")))
    with app.app_context():
        upgrade()
        loaders.load_countries()
        make_user("focal.br@example.org", Role.FOCAL_POINT, "BR", "pt")
    anonymous, signed_in = app.test_client(), app.test_client()
    signed_in.post("/login", data={"email": "focal.br@example.org", "password": PASSWORD})
    assert signed_in.get("/work").status_code == 200
    assert anonymous.get("/").status_code == 200

    server.stop()
    page = anonymous.get("/practices/", headers={"Accept-Language": "fr"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert HEADINGS["fr"] in page.get_data(as_text=True)
    page = signed_in.get("/work", headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert HEADINGS["pt"] in page.get_data(as_text=True)
    health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert "database" in health.get_json()["failed"]

    server.start()
    assert signed_in.get("/work").status_code == 200
    assert anonymous.get("/practices/").status_code == 200
    health = anonymous.get("/healthz")
    assert health.status_code == 200, health.get_json()
    with app.app_context():
        from kmportal.extensions import db

        db.engine.dispose()
