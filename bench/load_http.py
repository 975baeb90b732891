"""Plumbing for bench/load.py: gunicorn in a folder of its own, a small HTTP client that
keeps cookies and fills forms, and a wrk-style load generator (Debian's wrk, or threads)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CONFIG_ENV = "LOAD_BENCH_CONFIG"

PORTAL_SHIM = f'''"""The portal as bench/load.py serves it: its config comes from ${CONFIG_ENV}."""
import json, os
from kmportal import create_app
app = create_app(json.loads(os.environ["{CONFIG_ENV}"]))
'''

HELLO_SHIM = '''"""The baseline: the smallest Flask app, served by gunicorn as the portal is."""
from flask import Flask
app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving `module:app` from `folder` on a random free port."""

    folder: Path
    module: str
    workers: int
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--chdir", str(self.folder),
            "--pythonpath", f"{self.folder},{ROOT}",
            "--timeout", "60",
            "--log-level", "warning",
            f"{self.module}:app",
        ]  # fmt: skip
        log = open(self.folder / f"{self.module}.log", "ab")  # noqa: SIM115 (kept for the process)
        self.process = subprocess.Popen(
            command, cwd=self.folder, env={**os.environ, **self.env}, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.folder / self.module}.log")
            try:
                if get_status(self.url + "/") < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def write_shims(folder: Path) -> None:
    (folder / "portal_app.py").write_text(PORTAL_SHIM, encoding="utf-8")
    (folder / "hello_app.py").write_text(HELLO_SHIM, encoding="utf-8")


def get_status(url: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


# A browser-like client -------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: str
    location: str | None
    seconds: float


class Client:
    """Cookies kept, redirects not followed (their target is what a write acknowledges)."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Accept-Language": "es"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                self._keep_cookie(value)
        return Answer(response.status, text, response.getheader("Location"), seconds)

    def _keep_cookie(self, header: str) -> None:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if "expires=thu, 01 jan 1970" in header.lower() or not value:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value


class FormParser(HTMLParser):
    """Every form of a page: its action and the values a browser would send by default."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}, "options": {}}
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag != "option":
            return
        fields, options = self._form["fields"], self._form["options"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a["name"]
            if kind in ("checkbox", "radio"):
                options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.setdefault(name, []).append(a.get("value", ""))
            elif kind == "submit":
                options.setdefault("__submit__", []).append(name)
        elif tag == "textarea":
            self._textarea = a["name"]
            fields.setdefault(self._textarea, []).append("")
        elif tag == "select":
            self._select = a["name"]
            options.setdefault(self._select, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            options[self._select].append(value)
            if "selected" in a:
                fields[self._select] = [value]
        elif tag == "button" and a.get("type", "submit") == "submit":
            options.setdefault("__submit__", []).append(a["name"])

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            fields, options = self._form["fields"], self._form["options"]
            if self._select not in fields and options[self._select]:
                fields[self._select] = [options[self._select][0]]  # what a browser sends
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_with(page: str, field_name: str) -> dict | None:
    """The page's form that has `field_name` (a field, an option group or a submit button)."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if (
            field_name in form["fields"]
            or field_name in form["options"]
            or any(field_name == name for name in form["options"].get("__submit__", []))
        ):
            return form
    return None


def form_values(form: dict, **overrides) -> dict:
    values = {name: list(v) for name, v in form["fields"].items()}
    for name, value in overrides.items():
        values[name] = value if isinstance(value, list) else [value]
    return values


def id_from(location: str | None, prefix: str) -> int | None:
    match = re.search(rf"{re.escape(prefix)}(\d+)", location or "")
    return int(match.group(1)) if match else None


# wrk-style load ---------------------------------------------------------------------------


def warm_up(url: str, times: int) -> None:
    """Every worker opens its database connections, index and catalogues before timing."""
    for _ in range(times):
        get_status(url)


def measure_page(url: str, seconds: float, connections: int, threads: int) -> dict:
    """Requests per second of one URL: wrk when installed, otherwise Python threads."""
    wrk = shutil.which("wrk")
    if wrk:
        return _measure_with_wrk(wrk, url, seconds, connections, threads)
    return _measure_with_threads(url, seconds, connections)


def _measure_with_wrk(wrk: str, url: str, seconds: float, connections: int, threads: int):
    duration = max(1, round(seconds))
    result = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    rate = re.search(r"Requests/sec:\s*([\d.]+)", result.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", result.stdout)
    errors = re.search(r"Socket errors:(.*)", result.stdout)
    return {
        "tool": "wrk",
        "rps": float(rate.group(1)) if rate else 0.0,
        "bad": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def _measure_with_threads(url: str, seconds: float, connections: int) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [0] * connections
    bad = [0] * connections
    stop_at = time.monotonic() + seconds

    def hammer(slot: int) -> None:
        while time.monotonic() < stop_at:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                counts[slot] += 1
                bad[slot] += response.status >= 400
            except OSError:
                bad[slot] += 1
            finally:
                connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return {"tool": "python-threads", "rps": sum(counts) / elapsed, "bad": sum(bad)}


def config_env(config: dict) -> dict:
    return {CONFIG_ENV: json.dumps(config)}
