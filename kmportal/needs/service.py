"""Need actions: one function per action, each checking permission and input; every change
audited in the same transaction. Views, the API, the CLI and the demo loader call these.

Suggestions (which practices may meet a need) are in matching.py; the interest a country
expresses in one of them becomes a proposed transfer through the transfers service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from kmportal.audit import service as audit
from kmportal.errors import NotFound, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.needs import data as need_data
from kmportal.needs import matching
from kmportal.needs.enums import NeedStatus
from kmportal.needs.models import Need, NeedSector
from kmportal.needs.permissions import can, read_filter
from kmportal.practices.enums import PracticeState, Theme
from kmportal.practices.models import Practice
from kmportal.transfers import service as transfers
from kmportal.transfers.enums import TransferStatus
from kmportal.transfers.models import Transfer

ENTITY = "need"


def authorize(user, action: str, need: Need | None = None) -> None:
    if not can(user, action, need):
        raise PermissionDenied(_l("You are not allowed to do this."))


def get_need(user, need_id: Any, action: str = "read") -> Need:
    parsed = optional_id(need_id)
    need = db.session.get(Need, parsed) if parsed is not None else None
    # A need this person may not read is "not found" whatever they ask of it, so that no
    # step reveals another country's draft.
    if need is None or not can(user, "read", need):
        raise NotFound(_l("There is no such need."))
    authorize(user, action, need)
    return need


def create_need(user, values: dict[str, Any], is_demo: bool = False) -> Need:
    authorize(user, "create")
    cleaned = need_data.clean(values)
    need = Need(is_demo=is_demo)
    need_data.apply(need, cleaned)
    # The country named decides: a focal point records needs of its own country only.
    authorize(user, "create", need)
    need.created_by_id = need.updated_by_id = getattr(user, "id", None)
    db.session.add(need)
    db.session.flush()
    audit.record(user, "need.create", ENTITY, need.id, audit.diff({}, cleaned))
    db.session.commit()
    return need


def update_need(user, need: Need, values: dict[str, Any]) -> bool:
    """Save the changes; False when nothing changed. The country changes only within what
    the user may edit (a focal point cannot move a need to another country)."""
    authorize(user, "edit", need)
    cleaned = need_data.clean(values)
    if cleaned["country_code"] != need.country_code and not can(user, "create", _probe(cleaned)):
        raise PermissionDenied(_l("You are not allowed to do this."))
    before = need_data.snapshot(need)
    changes = audit.diff(before, cleaned)
    if not changes:
        return False
    need_data.apply(need, cleaned)
    need.updated_by_id = getattr(user, "id", None)
    audit.record(user, "need.update", ENTITY, need.id, changes)
    db.session.commit()
    return True


def _probe(values: dict[str, Any]) -> Need:
    return Need(country_code=values["country_code"])


def values_to_edit(need: Need) -> dict[str, Any]:
    return need_data.snapshot(need)


@dataclass
class NeedFilters:
    country: str = ""
    theme: str = ""
    sector: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args) -> NeedFilters:
        return cls(
            **{name: str(args.get(name, "") or "")[:40] for name in cls.__dataclass_fields__}
        )


def list_needs(user, filters: NeedFilters, limit: int = 200) -> list[Need]:
    query = sa.select(Need).where(read_filter(user))
    if filters.country:
        query = query.where(Need.country_code == filters.country.upper())
    if filters.theme in {t.value for t in Theme}:
        query = query.where(Need.theme == filters.theme)
    if filters.status in {s.value for s in NeedStatus}:
        query = query.where(Need.status == filters.status)
    if filters.sector:
        query = query.where(
            Need.id.in_(sa.select(NeedSector.need_id).where(NeedSector.sector == filters.sector))
        )
    query = query.order_by(Need.updated_at.desc(), Need.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def country_needs(user, country_code: str) -> list[Need]:
    return list_needs(user, NeedFilters(country=country_code))


# Interest: a suggestion becomes a proposed transfer -------------------------------------


@dataclass
class Interest:
    transfer: Transfer
    created: bool = field(default=True)


def express_interest(user, need: Need, practice_id: Any, today: date | None = None) -> Interest:
    """The need's country asks for a practice: a proposed transfer linked to the need, through
    the transfers' rules. Asking again returns the live transfer already there (one transfer)."""
    authorize(user, "express_interest", need)
    parsed = optional_id(practice_id)
    practice = db.session.get(Practice, parsed) if parsed is not None else None
    if practice is None or practice.state is not PracticeState.PUBLISHED:
        raise ValidationError(
            _l("This practice is no longer published: it cannot be asked for any more.")
        )
    if practice.country_code == need.country_code:
        raise ValidationError(_l("A need is met by practices of other countries."))
    existing = live_transfer(practice.id, need.country_code)
    if existing is not None:
        return Interest(existing, created=False)
    values = {
        "provider_code": practice.country_code,
        "recipient_code": need.country_code,
        "modality": "bilateral",
        "funding_mode": getattr(need.funding_mode, "value", None) or "",
        "purpose": need.title,
        "third_party_name": "",
    }
    if values["funding_mode"] == "third_party":
        values["funding_mode"] = ""  # the third party is named when the exchange is agreed
    transfer = transfers.propose(user, practice, values, today=today, need_id=need.id)
    return Interest(transfer)


def live_transfer(practice_id: int, recipient_code: str) -> Transfer | None:
    return db.session.scalar(
        sa.select(Transfer).where(
            Transfer.practice_id == practice_id,
            Transfer.recipient_code == recipient_code,
            Transfer.status != TransferStatus.CANCELLED,
        )
    )


def transfers_of_need(need: Need) -> dict[int, Transfer]:
    """The need's transfers (those started from it) by practice id."""
    rows = db.session.scalars(
        sa.select(Transfer).where(Transfer.need_id == need.id).order_by(Transfer.id)
    )
    return {t.practice_id: t for t in rows}


# Suggestions -----------------------------------------------------------------------------


def suggestions(user, need: Need, limit: int = 10) -> list[matching.Suggestion]:
    """Published practices of other countries that may meet the need, best first, each with
    why it was suggested and the transfer it became, if any (matching.py has the ranking)."""
    authorize(user, "read", need)
    ranked = matching.ranked_candidates(need)
    ids = [pid for pid, _ in ranked]
    found = db.session.scalars(sa.select(Practice).where(Practice.id.in_(ids))) if ids else []
    by_id = {p.id: p for p in found}
    history = matching.provider_history({p.country_code for p in by_id.values()})
    linked = transfers_of_need(need)
    locale = str(get_locale() or "en")
    out = []
    for rank, (pid, concepts) in enumerate(ranked, start=1):
        practice = by_id.get(pid)
        # Re-checked against the database: the index may lag a withdrawal by a moment.
        if (
            practice is None
            or practice.state is not PracticeState.PUBLISHED
            or practice.country_code == need.country_code
        ):
            continue
        facet_bonus, facets = matching.facet_reasons(need, practice)
        feasible_bonus, criteria = matching.feasibility(need, practice, history)
        out.append(
            matching.Suggestion(
                practice,
                matching.rank_score(rank) + facet_bonus + feasible_bonus,
                matching.concept_labels(concepts, locale),
                facets,
                criteria,
                linked.get(practice.id),
            )
        )
    out.sort(key=lambda s: (-s.score, s.practice.id))
    return out[:limit]
