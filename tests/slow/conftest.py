"""Fixtures for the slow tests: a real PostgreSQL database and a real headless Chromium.

Outside CI a missing server or browser skips these tests with the reason; under CI=true it
fails them, so a CI run can never pass without having exercised them.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from kmportal import create_app
from kmportal.extensions import db
from kmportal.reference import loaders
from tests.conftest import base_config


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture
def postgres_url(worker_id="master"):
    base_url = os.environ.get("KMPORTAL_TEST_POSTGRES_URL")
    if not base_url:
        unavailable("KMPORTAL_TEST_POSTGRES_URL is not set: scripts/test.sh starts a server")
    name = f"kmportal_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    app = create_app(base_config(tmp_path, postgres_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path, template_database):
    path = tmp_path / "live.sqlite3"
    shutil.copy(template_database, path)
    config = base_config(tmp_path, f"sqlite:///{path}")
    config["WTF_CSRF_ENABLED"] = True  # the browser goes through the real forms
    app = create_app(config)
    with app.app_context():
        loaders.load_countries()
    return app


def start_browser(width: int = 1280, height: int = 1000):
    """Debian's headless Chromium through its chromedriver (skipped, or failed under CI, when
    they are not installed)."""
    chromium = os.environ.get("KMPORTAL_TEST_CHROMIUM") or shutil.which("chromium")
    driver_path = os.environ.get("KMPORTAL_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver_path or not os.path.exists(chromium):
        unavailable("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--lang=en",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()
