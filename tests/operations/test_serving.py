"""Serving: gunicorn.conf.py, the JSON access log, and KMPORTAL_INSTANCE_PATH."""

from __future__ import annotations

import json
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from kmportal import create_app, serving

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_conf_serves_wsgi_app_with_a_json_access_log():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "wsgi:app"
    assert settings["logger_class"] == "kmportal.serving.JsonAccessLogger"
    assert settings["workers"] == serving.default_workers()
    assert settings["timeout"] >= 30 and settings["accesslog"] == "-"


def test_workers_follow_the_cpus_unless_web_concurrency_says(monkeypatch):
    monkeypatch.setattr(serving.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert serving.default_workers({}) == 5
    monkeypatch.setattr(serving.os, "sched_getaffinity", lambda _pid: set(range(64)))
    assert serving.default_workers({}) == serving.MAX_DEFAULT_WORKERS
    assert serving.default_workers({"WEB_CONCURRENCY": "3"}) == 3


def test_access_log_lines_are_json_even_with_quotes_in_the_request(capsys):
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = serving.JsonAccessLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": '/search?q="trabajo infantil"',
        "PATH_INFO": "/search",
        "QUERY_STRING": 'q="trabajo infantil"',
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": 'Bot "quoted" \\ agent',
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.9")])
    logger.access(response, request, environ, timedelta(milliseconds=12.5))
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["path"] == "/search" and record["query"] == 'q="trabajo infantil"'
    assert record["status"] == 200 and record["bytes"] == 1234
    assert record["user_agent"] == 'Bot "quoted" \\ agent'
    assert record["forwarded_for"] == "203.0.113.9"
    assert record["duration_ms"] == 12.5


def test_instance_folder_from_kmportal_instance_path(monkeypatch, tmp_path):
    instance = tmp_path / "elsewhere"
    monkeypatch.setenv("KMPORTAL_INSTANCE_PATH", str(instance))
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"})
    assert app.instance_path == str(instance)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'kmportal.sqlite3'}"
    assert app.config["UPLOAD_DIR"] == str(instance / "uploads")
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "index")
    assert instance.is_dir()
