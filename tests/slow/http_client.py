"""A small HTTP client for the tests against a real server: a signed-in person's cookies and
CSRF token, and N identical requests released together (threads and a barrier)."""

from __future__ import annotations

import http.client
import json
import re
import threading
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


class Person:
    """Someone with a browser: the cookies the server set, and the CSRF token of the session."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        connection.connect()
        return connection

    def send(self, connection, method: str, path: str, data=None, keep_cookies=True):
        """(status, body) of one request on an open connection."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({"csrf_token": self.csrf, **data}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if keep_cookies:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def request(self, method: str, path: str, data=None):
        connection = self.connect()
        try:
            return self.send(connection, method, path, data)
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> Person:
        _, page = self.request("GET", "/login")
        self.csrf = CSRF.search(page).group(1)
        status, _ = self.request("POST", "/login", {"email": email, "password": password})
        assert status == 302, f"sign-in of {email} answered {status}"
        _, page = self.request("GET", "/account/password")
        self.csrf = CSRF.search(page).group(1)
        return self


def together(requests: list[tuple], method: str = "POST") -> list[tuple[int, str]]:
    """Send the (person, path, form data) requests at the same moment, one thread and
    connection each, connected before the barrier; return each (status, body), status 0 for
    a request that failed (the body says why)."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, str]] = [(0, "")] * len(requests)

    def run(index: int, person: Person, path: str, data: dict) -> None:
        connection = None
        try:
            connection = person.connect()
            barrier.wait(timeout=60)
            results[index] = person.send(connection, method, path, data, keep_cookies=False)
        except Exception as error:  # reported as a failed request, with its reason
            results[index] = (0, repr(error))
            barrier.abort()  # the others are not kept waiting for this one
        finally:
            if connection is not None:
                connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


class ApiCaller(Person):
    """A program with a bearer token: JSON bodies, no cookies, optional extra headers."""

    def __init__(self, base_url: str, token: str, headers: dict[str, str] | None = None):
        super().__init__(base_url)
        self.headers = {"Authorization": f"Bearer {token}", **(headers or {})}

    def send(self, connection, method: str, path: str, data=None, keep_cookies=False):
        headers = dict(self.headers)
        body = None
        if data is not None:
            body = json.dumps(data)
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
