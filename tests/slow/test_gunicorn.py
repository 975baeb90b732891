"""The production command: gunicorn with gunicorn.conf.py serves the portal from the
instance folder named by KMPORTAL_INSTANCE_PATH, logs JSON lines and serves hashed static
files as immutable."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, wait: float = 180.0):
    """The response, once the workers have booted (slow on a busy machine)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return urllib.request.urlopen(url, timeout=60)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_conf_serves_the_portal(tmp_path):
    env = {
        **os.environ,
        "KMPORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "KMPORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "WEB_CONCURRENCY": "1",
        "FLASK_APP": "kmportal",
    }
    env.pop("KMPORTAL_DATABASE_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    port = free_port()
    log = (tmp_path / "access.log").open("w")
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        health = get(f"http://127.0.0.1:{port}/healthz")
        assert json.load(health)["status"] == "ok"
        home = get(f"http://127.0.0.1:{port}/").read().decode()
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home)[1]
        static = get(f"http://127.0.0.1:{port}{stylesheet}")
        assert "immutable" in static.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert (tmp_path / "instance" / "kmportal.sqlite3").exists()
    lines = [json.loads(line) for line in (tmp_path / "access.log").read_text().splitlines()
             if line.startswith("{")]  # fmt: skip
    paths = {(line["path"], line["status"]) for line in lines}
    assert ("/healthz", 200) in paths and ("/", 200) in paths and (stylesheet, 200) in paths
