"""The app gunicorn serves in test_races.py: `tests.slow.gunicorn_app:create()`, configured by
the JSON file named in KMPORTAL_TEST_CONFIG (every path in it points into the test's tmp)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kmportal import create_app


def create():
    return create_app(json.loads(Path(os.environ["KMPORTAL_TEST_CONFIG"]).read_text()))
