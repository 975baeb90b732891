"""Enumerations of country needs (stored by value). Funding reuses the transfers' FundingMode."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kmportal.enums import LabelledEnum
from kmportal.transfers.enums import FundingMode


class NeedStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CLOSED = "closed", _l("Closed")


class Urgency(LabelledEnum):
    LOW = "low", _l("Can wait")
    MEDIUM = "medium", _l("This year")
    HIGH = "high", _l("Urgent")


# What a needing country can bring to an exchange: it pays, it needs the provider or a third
# party to pay, or the cost is shared (the transfers' funding modes).
NEED_FUNDING = (
    FundingMode.RECIPIENT_FUNDED,
    FundingMode.PROVIDER_FUNDED,
    FundingMode.THIRD_PARTY,
    FundingMode.COST_SHARED,
)
