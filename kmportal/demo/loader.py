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
    for record in records:
        code = record["country"]
        author = _user(
            FOCAL_POINT_EMAIL.format(code=code.lower()),
            f"Punto focal {code} (demo)",
            Role.FOCAL_POINT,
            code,
            FOCAL_POINT_LANGUAGE.get(code, "es"),
            report,
        )
        _practice(record, author, secretariat)
        report.practices += 1
    return report


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
