"""Enumerations of transfers, their funding, follow-ups and trainings (stored by value)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kmportal.enums import LabelledEnum


class TransferStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed")
    AGREED = "agreed", _l("Agreed")
    IN_PROGRESS = "in_progress", _l("In progress")
    TRANSFERRED = "transferred", _l("Transferred")
    ADOPTED = "adopted", _l("Adopted")
    INSTITUTIONALISED = "institutionalised", _l("Institutionalised")
    CANCELLED = "cancelled", _l("Cancelled")


# Before the exchange has taken place a transfer may still be cancelled; afterwards what
# happens to the practice is told by follow-ups (a stalled adoption is a follow-up stage).
OPEN_STATUSES = frozenset(
    {TransferStatus.PROPOSED, TransferStatus.AGREED, TransferStatus.IN_PROGRESS}
)
# The exchange took place: these are the statuses "transferred or later".
EXCHANGED_STATUSES = frozenset(
    {TransferStatus.TRANSFERRED, TransferStatus.ADOPTED, TransferStatus.INSTITUTIONALISED}
)


class Origin(LabelledEnum):
    """Who started the transfer; the other country is the one that agrees to it."""

    REQUEST = "request", _l("Requested by the interested country")
    OFFER = "offer", _l("Offered by the country with the experience")
    RECORD = "record", _l("Recorded by the Technical Secretariat")


class Modality(LabelledEnum):
    BILATERAL = "bilateral", _l("Bilateral")
    TRIANGULAR = "triangular", _l("Triangular (with a cooperation partner)")


class FundingMode(LabelledEnum):
    RECIPIENT_FUNDED = "recipient_funded", _l("Funded by the interested country")
    PROVIDER_FUNDED = "provider_funded", _l("Funded by the country with the experience")
    COST_SHARED = "cost_shared", _l("Cost shared")
    THIRD_PARTY = "third_party", _l("Funded by a third party")


class Funder(LabelledEnum):
    """Who put an amount into the exchange."""

    PROVIDER = "provider", _l("Country with the experience")
    RECIPIENT = "recipient", _l("Interested country")
    THIRD_PARTY = "third_party", _l("Third party")


class Side(LabelledEnum):
    """One of the two countries of a transfer."""

    PROVIDER = "provider", _l("Country with the experience")
    RECIPIENT = "recipient", _l("Interested country")


class FollowUpStage(LabelledEnum):
    """How far the recipient country has taken the practice, as seen at a follow-up."""

    PREPARING = "preparing", _l("Preparing the adaptation")
    PILOTING = "piloting", _l("Piloting")
    APPLYING = "applying", _l("Applied")
    ADOPTED = "adopted", _l("Adopted by an institution")
    INSTITUTIONALISED = "institutionalised", _l("Institutionalised (policy, law or budget)")
    STALLED = "stalled", _l("Stalled")
    DISCONTINUED = "discontinued", _l("Discontinued")


class TrainingModality(LabelledEnum):
    VIRTUAL = "virtual", _l("Virtual")
    IN_PERSON = "in_person", _l("In person")
