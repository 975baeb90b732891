"""Outside debug and testing a weak secret key stops the portal from starting; the generated
key file is private and shared by workers that start together."""

import multiprocessing
import os
import stat

import pytest

from kmportal import create_app
from kmportal.config import load_config
from kmportal.security.secret_key import InsecureSecretKey, instance_secret
from tests.conftest import base_config

STRONG = "3f9c1e0b7a5d4c2e8f6a1b3d5c7e9f0a2b4d6f8e"


def production_config(tmp_path, **extra) -> dict:
    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config.pop("SECRET_KEY")
    config.update({"TESTING": False, **extra})
    return config


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "missing"),
        ("dev", "well-known"),
        ("changeme", "well-known"),
        ("secret", "well-known"),
        ("test", "well-known"),
        ("replace-me-with-a-long-random-string", "well-known"),
        ("short but not known", "shorter than 32"),
        ("ab" * 20, "too few different"),
        (12345, "must be text"),
        (b"bytes are not text, even long ones....", "must be text"),
    ],
)
def test_weak_secret_key_refuses_to_start(tmp_path, key, reason):
    with pytest.raises(InsecureSecretKey) as refused:
        create_app(production_config(tmp_path, SECRET_KEY=key))
    assert reason in str(refused.value)
    assert "KMPORTAL_SECRET_KEY" in str(refused.value)  # says how to set one


def test_secret_key_from_the_environment_is_text_never_json(tmp_path, monkeypatch):
    monkeypatch.setenv("KMPORTAL_SECRET_KEY", "12345")
    with pytest.raises(InsecureSecretKey, match="shorter than 32"):
        create_app(production_config(tmp_path))
    from flask import Flask

    app = Flask("kmportal_probe", instance_path=str(tmp_path))
    load_config(app)
    assert app.config["SECRET_KEY"] == "12345"
    # In debug it is accepted, as text: pages work (it used to be an int, and every page a 500).
    # The log-in form's CSRF token is signed into the session with the key.
    debug = create_app(production_config(tmp_path, DEBUG=True, WTF_CSRF_ENABLED=True))
    response = debug.test_client().get("/login")
    assert response.status_code == 200 and "session=" in response.headers["Set-Cookie"]


def test_strong_key_starts_and_debug_or_testing_accept_any(tmp_path):
    assert create_app(production_config(tmp_path, SECRET_KEY=STRONG)).config["SECRET_KEY"] == STRONG
    assert create_app(production_config(tmp_path, SECRET_KEY="dev", TESTING=True))
    assert create_app(production_config(tmp_path, SECRET_KEY="dev", DEBUG=True))


def test_unset_key_is_generated_into_a_private_instance_file(tmp_path):
    key = instance_secret(tmp_path)
    path = tmp_path / "secret_key"
    assert len(key) == 64 and path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret(tmp_path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left


def _start_worker(directory: str, barrier, results) -> None:
    barrier.wait()  # every process asks for the key at the same moment
    results.put((os.getpid(), instance_secret(__import__("pathlib").Path(directory))))


@pytest.mark.slow
def test_workers_starting_together_share_one_key(tmp_path):
    context = multiprocessing.get_context("spawn")
    count = 8
    barrier, results = context.Barrier(count), context.Queue()
    processes = [
        context.Process(target=_start_worker, args=(str(tmp_path), barrier, results))
        for _ in range(count)
    ]
    for process in processes:
        process.start()
    keys = [results.get(timeout=60)[1] for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (tmp_path / "secret_key").read_text() == keys[0]
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
