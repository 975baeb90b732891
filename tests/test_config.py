"""Configuration: defaults, then instance/config.py, then KMPORTAL_* variables, then overrides."""

from flask import Flask

from kmportal.config import load_config


def configured(tmp_path, overrides=None) -> dict:
    app = Flask("kmportal_config_test", instance_path=str(tmp_path / "instance"))
    load_config(app, {"SECRET_KEY": "test", **(overrides or {})})
    return app.config


def test_upload_limit_follows_the_attachment_limit_by_default(tmp_path):
    config = configured(tmp_path, {"MAX_ATTACHMENT_BYTES": 1000})
    assert config["MAX_CONTENT_LENGTH"] == 1000 + 1024 * 1024


def test_a_configured_upload_limit_is_kept(tmp_path, monkeypatch):
    assert configured(tmp_path, {"MAX_CONTENT_LENGTH": 5000})["MAX_CONTENT_LENGTH"] == 5000
    monkeypatch.setenv("KMPORTAL_MAX_CONTENT_LENGTH", "7000")
    assert configured(tmp_path)["MAX_CONTENT_LENGTH"] == 7000


def test_environment_variables_configure_but_the_tests_own_do_not(tmp_path, monkeypatch):
    monkeypatch.setenv("KMPORTAL_PER_PAGE", "7")
    monkeypatch.setenv("KMPORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
    config = configured(tmp_path)
    assert config["PER_PAGE"] == 7
    assert "TEST_CHROMIUM" not in config
