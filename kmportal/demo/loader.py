"""Loads the demo set through the same services people use, so it obeys every rule."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from kmportal.auth import service as accounts
from kmportal.auth.models import Role, User
from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.practices.models import Practice

DEMO_PASSWORD = "demo-kmportal-2015"
DEMO_FILE = Path(__file__).with_name("practices.json")
TRANSFERS_FILE = Path(__file__).with_name("transfers.json")
NEEDS_FILE = Path(__file__).with_name("needs.json")
SECRETARIAT_EMAIL = "secretaria@demo.kmportal.org"
FOCAL_POINT_EMAIL = "punto.focal.{code}@demo.kmportal.org"
FOCAL_POINT_LANGUAGE = {
    "BR": "pt",
    "HT": "fr",
    "JM": "en",
    "TT": "en",
    "BB": "en",
    "GY": "en",
    "BZ": "en",
    "LC": "en",
}


@dataclass
class DemoReport:
    users: list[User] = field(default_factory=list)
    practices: int = 0
    transfers: int = 0
    trainings: int = 0
    needs: int = 0
    skipped: bool = False


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0


def load(path: Path = DEMO_FILE) -> DemoReport:
    """Create the demo accounts (if missing) and the demo practices, each in its final state."""
    records = json.loads(path.read_text(encoding="utf-8"))
    report = DemoReport()
    secretariat = _user(
        SECRETARIAT_EMAIL, "Secretaría Técnica (demo)", Role.SECRETARIAT, None, "es", report
    )
    by_key: dict[str, Practice] = {}
    for record in records:
        author = _focal_point(record["country"], report)
        by_key[record["key"]] = _practice(record, author, secretariat)
        report.practices += 1
    if TRANSFERS_FILE.exists():
        _load_transfers(json.loads(TRANSFERS_FILE.read_text(encoding="utf-8")), by_key, report)
    if NEEDS_FILE.exists():
        report.needs = len(load_needs(NEEDS_FILE, report))
    return report


def load_needs(path: Path = NEEDS_FILE, report: DemoReport | None = None) -> dict[str, int]:
    """The demo needs, each recorded and published by its country's demo focal point through
    the needs service: {key: need id}."""
    from kmportal.needs import service as needs

    report = report or DemoReport()
    ids = {}
    for record in json.loads(path.read_text(encoding="utf-8"))["needs"]:
        values = {k: v for k, v in record.items() if k not in ("key", "country", "answers")}
        values.update(country_code=record["country"], status="published")
        author = _focal_point(record["country"], report)
        ids[record["key"]] = needs.create_need(author, values, is_demo=True).id
    return ids


def load_practices(path: Path) -> dict[str, int]:
    """Practices of a file in the demo format (each by its country's demo focal point, in
    its final state), without the demo transfers: {key: practice id}. The judged search set
    (tests/search/relevance/) is loaded this way."""
    records = json.loads(path.read_text(encoding="utf-8"))
    report = DemoReport()
    secretariat = _user(
        SECRETARIAT_EMAIL, "Secretaría Técnica (demo)", Role.SECRETARIAT, None, "es", report
    )
    return {
        record["key"]: _practice(record, _focal_point(record["country"], report), secretariat).id
        for record in records
    }


def _focal_point(code: str, report: DemoReport) -> User:
    return _user(
        FOCAL_POINT_EMAIL.format(code=code.lower()),
        f"Punto focal {code} (demo)",
        Role.FOCAL_POINT,
        code,
        FOCAL_POINT_LANGUAGE.get(code, "es"),
        report,
    )


def _load_transfers(data: dict, practices_by_key: dict[str, Practice], report: DemoReport) -> None:
    """The demo transfers and trainings, through the same services people use (dated in the
    2015–2016 plan period, so that some count toward the target and some follow-ups are due)."""
    from kmportal.transfers import trainings

    secretariat = db.session.scalar(sa.select(User).where(User.email == SECRETARIAT_EMAIL))
    for record in data["transfers"]:
        practice = practices_by_key[record["practice"]]
        provider = record.get("provider", practice.country_code)
        people = {
            "provider": _focal_point(provider, report),
            "recipient": _focal_point(record["recipient"], report),
            "secretariat": secretariat,
        }
        _demo_transfer(record, practice, provider, people)
        report.transfers += 1
    for record in data["trainings"]:
        training = trainings.create(secretariat, record, is_demo=True)
        for code in record["participants"]:
            trainings.join(_focal_point(code, report), training)
        report.trainings += 1


def _demo_transfer(record: dict, practice: Practice, provider: str, people: dict) -> None:
    """Propose, move through the recorded steps, confirm and follow up one demo transfer."""
    from datetime import date, timedelta

    from kmportal.transfers import confirmations, followups
    from kmportal.transfers import service as transfers
    from kmportal.transfers.workflow import STEPS

    secretariat, dates = people["secretariat"], record["dates"]
    values = {
        "provider_code": provider,
        "recipient_code": record["recipient"],
        "purpose": record["purpose"],
        "modality": record["modality"],
        "partner_name": record.get("partner", ""),
        "funding_mode": record.get("funding_mode"),
        "third_party_name": record.get("third_party", ""),
        "proposed_on": dates["proposed_on"],
        "start_on": dates.get("start_on"),
        "end_on": dates.get("end_on"),
    }
    for funder, (amount, currency) in record.get("amounts", {}).items():
        values[f"amount_{funder}"], values[f"currency_{funder}"] = amount, currency
    transfer = transfers.propose(people[record["by"]], practice, values, is_demo=True)
    for step in STEPS:
        if step in dates:
            transfers.move(
                secretariat,
                transfer,
                step,
                on=date.fromisoformat(dates[step]),
                reason=record.get("cancel_reason"),
                lessons=record.get("lessons"),
            )
    if record.get("lessons") and transfer.lessons_learned != record["lessons"]:
        lessons = {**_transfer_form_values(transfer), "lessons_learned": record["lessons"]}
        transfers.update(secretariat, transfer, lessons)
    # Each country confirms a few weeks after the exchange, as at the Network's meetings.
    for weeks, (side, who) in enumerate(record.get("confirm", {}).items(), start=2):
        on = transfer.transferred_on + timedelta(weeks=weeks)
        if who == "secretariat":
            note = "Confirmado en la reunión virtual de la Red."
            confirmations.confirm(secretariat, transfer, side, note, on=on)
        else:
            confirmations.confirm(people[side], transfer, side, on=on)
    scheduled = [f for f in transfer.follow_ups if f.scheduled_months]
    for entry in record.get("follow_ups", []):
        pending = scheduled[entry["due"]] if entry.get("due") is not None else None
        followups.record(people["recipient"], transfer, entry, pending)


def _transfer_form_values(transfer) -> dict:
    from kmportal.transfers import data

    return data.form_values(data.snapshot(transfer))


def _user(email, name, role, country, language, report: DemoReport) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(email, name, DEMO_PASSWORD, role, country, language)
        report.users.append(user)
    return user


def _practice(record: dict, author: User, secretariat: User) -> Practice:
    values = {
        **{
            key: record.get(key)
            for key in (
                "title",
                "summary",
                "description",
                "institution",
                "theme",
                "population",
                "period_start",
                "period_end",
                "results",
                "replication",
                "cost_notes",
                "contact",
                "language",
                "sectors",
                "outcomes",
                "actors",
                "tags",
                "sdg_87",
            )
        },
        "country_code": record["country"],
        "languages": [record["language"]],
        "arguments": record["criteria"],
    }
    practice = practices.create_practice(author, values, is_demo=True)
    state = record["state"]
    if state == "draft":
        return practice
    practices.submit(author, practice)
    if state == "returned":
        practices.return_to_author(secretariat, practice, record["return_comment"])
    elif state in ("published", "archived"):
        practices.publish(secretariat, practice, record["scores"])
        if state == "archived":
            practices.archive(secretariat, practice)
    return practice
