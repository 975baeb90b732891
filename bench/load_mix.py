"""The mixed load of bench/load.py: focal points and the secretariat writing, anonymous
readers reading and searching; every acknowledged write recorded for the final check."""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from load_http import Client, form_values, form_with, id_from

WORDS = (
    "trabajo infantil", "escuela", "educación", "agricultura", "adolescentes", "minería",
    "trabalho", "protección social", "ninos", "cosecha", "inspección", "familias",
)  # fmt: skip
NEXT_STEP = {
    "proposed": ("agree", "agreed"),
    "agreed": ("start", "in_progress"),
    "in_progress": ("complete", "transferred"),
    "transferred": ("adopt", "adopted"),
}
STATUS_ORDER = ("proposed", "agreed", "in_progress", "transferred", "adopted", "institutionalised")


@dataclass
class Shared:
    """What the clients share: ids to act on, the acknowledged writes, the timings."""

    published: list[tuple[int, str]]  # (practice id, country)
    transfers: deque  # (transfer id, status) open for a next step
    countries: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: deque = field(default_factory=deque)
    exchanged: list[int] = field(default_factory=list)  # transfers that take follow-ups
    country_of: dict = field(default_factory=dict)  # practice id -> country, for new ones
    acks: list[tuple] = field(default_factory=list)
    samples: dict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)

    def ack(self, *record) -> None:
        with self.lock:
            self.acks.append(record)


class Actor:
    """One simulated person: a client, a role, and the requests they make."""

    def __init__(self, shared: Shared, base_url: str, email: str | None, country: str | None):
        self.shared, self.email, self.country = shared, email, country
        self.client = Client(base_url)
        self.random = random.Random(hash((email, country)))
        self.csrf = ""
        self.serial = 0

    # Requests, timed by kind ---------------------------------------------------------
    def call(self, kind: str, method: str, path: str, data: dict | None = None):
        try:
            answer = self.client.request(method, path, data)
        except OSError as error:
            with self.shared.lock:
                self.shared.statuses["connection error"] += 1
                self.shared.failures.append(f"{kind} {path}: {error!r}")
            return None
        with self.shared.lock:
            self.shared.samples[kind].append(answer.seconds)
            self.shared.statuses[answer.status] += 1
            if answer.status >= 500:
                self.shared.failures.append(f"{kind} {method} {path}: {answer.status}")
        return answer

    def log_in(self, password: str) -> bool:
        page = self.call("GET form", "GET", "/login")
        form = page and form_with(page.body, "email")
        if not form:
            return False
        values = form_values(form, email=self.email, password=password)
        answer = self.call("log in", "POST", "/login", values)
        if not answer or answer.status != 302:
            return False
        self.csrf = form["fields"].get("csrf_token", [""])[0]
        return True

    def refused(self, kind: str, answer) -> None:
        """Keep why a write was refused (the form's messages), for the report."""
        if answer is None or answer.status >= 500:
            return
        messages = re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<p>)?([^<]+)<', answer.body)
        with self.shared.lock:
            self.shared.refusals[f"{kind} {answer.status}: {'; '.join(messages)[:200]}"] += 1

    # Reading ---------------------------------------------------------------------------
    def read(self) -> None:
        choice = self.random.random()
        shared = self.shared
        if choice < 0.35 and shared.published:
            practice_id, _ = self.random.choice(shared.published)
            self.call("practice page", "GET", f"/practices/{practice_id}")
        elif choice < 0.5:
            self.call("practice list", "GET", f"/practices/?page={self.random.randint(1, 2)}")
        elif choice < 0.7:
            words = quote(self.random.choice(WORDS))
            self.call("search", "GET", f"/search?q={words}")
        elif choice < 0.85:
            self.call("dashboard", "GET", "/dashboard")
        elif choice < 0.93:
            self.call("transfer list", "GET", "/transfers/")
        else:
            self.call("country page", "GET", f"/countries/{self.random.choice(shared.countries)}")

    # A focal point's writes ------------------------------------------------------------
    def create_and_submit(self) -> None:
        page = self.call("GET form", "GET", "/practices/new")
        form = page and form_with(page.body, "title")
        if not form:
            return
        self.serial += 1
        title = f"Práctica de carga {self.email} {self.serial} {time.time_ns()}"
        options = form["options"]
        text = "Texto de la práctica para la prueba de carga: escuela, familias, cosecha."
        overrides = {
            "title": title,
            "summary": text,
            "description": text * 3,
            "institution": "Ministerio de Trabajo",
            "population": "Niñas, niños y adolescentes",
            "results": text,
            "replication": text,
            "period_start": "2014",
            "period_end": "",
        }
        themes = [value for value in options.get("theme", []) if value]
        if themes:
            overrides["theme"] = themes[0]
        for group in ("sectors", "outcomes", "actors"):
            if options.get(group):
                overrides[group] = [options[group][0]]
        for name in form["fields"]:
            if name.startswith("argument_"):
                overrides[name] = text
        answer = self.call(
            "create practice", "POST", "/practices/new", form_values(form, **overrides)
        )
        practice_id = id_from(answer and answer.status == 302 and answer.location, "/practices/")
        if practice_id is None:
            self.refused("create practice", answer)
            return
        self.shared.ack("practice", practice_id, title)
        with self.shared.lock:
            self.shared.country_of[practice_id] = self.country
        answer = self.call(
            "submit practice", "POST", f"/practices/{practice_id}/submit", {"csrf_token": self.csrf}
        )
        if answer and answer.status == 302 and answer.location.endswith(f"/{practice_id}"):
            self.shared.ack("submitted", practice_id)
            with self.shared.lock:
                self.shared.submitted.append(practice_id)

    def propose(self) -> None:
        others = [p for p, country in self.shared.published if country != self.country]
        if not others:
            return
        path = f"/transfers/new?practice={self.random.choice(others)}"
        page = self.call("GET form", "GET", path)
        form = page and page.status == 200 and form_with(page.body, "recipient_code")
        if not form:
            return
        # How the exchange is funded must be known before the other country can agree.
        funding = [value for value in form["options"].get("funding_mode", []) if value]
        values = form_values(
            form,
            purpose="Adaptar la práctica en nuestro país (carga).",
            **({"funding_mode": funding[0]} if funding else {}),
        )
        answer = self.call("propose transfer", "POST", path, values)
        transfer_id = id_from(answer and answer.status == 302 and answer.location, "/transfers/")
        if transfer_id is None:
            self.refused("propose transfer", answer)
        else:
            self.shared.ack("transfer", transfer_id)
            with self.shared.lock:
                self.shared.transfers.append((transfer_id, "proposed"))

    # The secretariat's writes ----------------------------------------------------------
    def publish(self) -> None:
        with self.shared.lock:
            practice_id = self.shared.submitted.popleft() if self.shared.submitted else None
        if practice_id is None:
            return self.read()
        path = f"/practices/{practice_id}/validate"
        page = self.call("GET form", "GET", path)
        form = page and form_with(page.body, "v-publish")
        if not form:
            return
        scores = {name: "2" for name in form["fields"] if name.startswith("v-score_")}
        answer = self.call(
            "publish practice", "POST", path, form_values(form, **scores, **{"v-publish": "1"})
        )
        if not answer or answer.status != 302:
            self.refused("publish practice", answer)
        else:
            self.shared.ack("published", practice_id)
            with self.shared.lock:
                country = self.shared.country_of.get(practice_id, "")
                self.shared.published.append((practice_id, country))

    def advance(self) -> None:
        with self.shared.lock:
            item = self.shared.transfers.popleft() if self.shared.transfers else None
        if item is None:
            return self.read()
        transfer_id, status = item
        step, target = NEXT_STEP[status]
        path = f"/transfers/{transfer_id}/steps/{step}"
        page = self.call("GET form", "GET", path)
        form = page and page.status == 200 and form_with(page.body, "on")
        if not form:
            return
        answer = self.call("transfer step", "POST", path, form_values(form))
        if not answer or answer.status != 302:
            self.refused("transfer step", answer)
        else:
            self.shared.ack("step", transfer_id, target)
            with self.shared.lock:
                if target in NEXT_STEP:
                    self.shared.transfers.append((transfer_id, target))
                if target == "transferred":
                    self.shared.exchanged.append(transfer_id)

    def follow_up(self) -> None:
        with self.shared.lock:
            exchanged = list(self.shared.exchanged)
        if not exchanged:
            return self.read()
        transfer_id = self.random.choice(exchanged)
        path = f"/transfers/{transfer_id}/follow-ups/new"
        page = self.call("GET form", "GET", path)
        form = page and page.status == 200 and form_with(page.body, "summary")
        if not form:
            return
        self.serial += 1
        summary = f"Seguimiento de carga {self.email} {self.serial} {time.time_ns()}"
        values = form_values(form, summary=summary, done_on=date.today().isoformat())
        answer = self.call("follow-up", "POST", path, values)
        if not answer or answer.status != 302:
            self.refused("follow-up", answer)
        else:
            self.shared.ack("follow_up", transfer_id, summary)


def run_actor(actor: Actor, role: str, password: str, stop_at: float) -> None:
    if role != "anonymous" and not actor.log_in(password):
        with actor.shared.lock:
            actor.shared.failures.append(f"log-in failed for {actor.email}")
        return
    writes = {
        "anonymous": [],
        "focal_point": [(0.12, actor.create_and_submit), (0.08, actor.propose)],
        "secretariat": [(0.35, actor.publish), (0.3, actor.advance), (0.1, actor.follow_up)],
    }[role]
    while time.monotonic() < stop_at:
        roll, done = actor.random.random(), False
        for share, action in writes:
            if roll < share:
                action()
                done = True
                break
            roll -= share
        if not done:
            actor.read()


def percentiles(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        value = samples[0] if samples else 0.0
        return value, value
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else -1
