"""The log-in limits hold across gunicorn workers: 4 workers, 60 attempts released together."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ATTEMPTS = 60
PER_ACCOUNT = 5
PER_ADDRESS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/login", timeout=15).read()
            return
        except OSError:  # not listening yet, or workers still importing the app
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


def worker_count(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return len(children.read_text().split()) if children.exists() else -1


@pytest.fixture
def gunicorn(tmp_path, template_database):
    database = tmp_path / "workers.sqlite3"
    shutil.copy(template_database, database)
    port = free_port()
    env = {
        **os.environ,
        "KMPORTAL_DATABASE_URL": f"sqlite:///{database}",
        "KMPORTAL_SECRET_KEY": "9d1c2b7e4f6a8c0e3b5d7f9a1c3e5b7d9f0a2c4e",
        "KMPORTAL_WTF_CSRF_ENABLED": "false",
        "KMPORTAL_SESSION_COOKIE_SECURE": "false",
        "KMPORTAL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "KMPORTAL_LOGIN_LIMIT_PER_ACCOUNT": f"{PER_ACCOUNT} per hour",
        "KMPORTAL_LOGIN_LIMIT_PER_ADDRESS": f"{PER_ADDRESS} per hour",
        "KMPORTAL_PROXY_FIX_X_FOR": "1",  # so that the test can speak from many addresses
        "KMPORTAL_UPLOAD_DIR": str(tmp_path / "uploads"),
        "KMPORTAL_SEARCH_INDEX_DIR": str(tmp_path / "index"),
    }
    (tmp_path / "gunicorn.conf.py").write_text("")  # none of the project's settings
    command = [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}"]
    options = ["--config", str(tmp_path / "gunicorn.conf.py"), "--no-control-socket"]
    process = subprocess.Popen(
        [*command, *options, "kmportal:create_app()"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def post_login(url: str, email: str, address: str) -> int:
    data = urllib.parse.urlencode({"email": email, "password": "wrong password"}).encode()
    request = urllib.request.Request(
        url + "/login", data=data, headers={"X-Forwarded-For": address}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def release_together(calls) -> list[int]:
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_account_and_address_limits_hold_across_four_workers(gunicorn):
    url, process = gunicorn
    assert worker_count(process.pid) == 4
    one_account = release_together(
        [
            lambda n=n: post_login(url, "target@example.org", f"198.51.100.{n + 1}")
            for n in range(ATTEMPTS)
        ]
    )
    assert sorted(set(one_account)) == [422, 429], one_account
    assert one_account.count(422) == PER_ACCOUNT
    one_address = release_together(
        [
            lambda n=n: post_login(url, f"person{n}@example.org", "203.0.113.5")
            for n in range(ATTEMPTS)
        ]
    )
    assert sorted(set(one_address)) == [422, 429], one_address
    assert one_address.count(422) == PER_ADDRESS
