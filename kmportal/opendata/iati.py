"""The transfers as IATI 2.03 activities: what an anonymous reader sees of each transfer
(no amounts: those are the Network's, kmportal.transfers.permissions "read_full").

- participating-org: the provider country's government as Extending (role 3), the
  recipient's as Implementing (role 4), and the funder(s) as Funding (role 1) by the
  funding mode: recipient-funded the recipient, provider-funded the provider, cost-shared
  both, third party the named third party (or the triangular partner);
- recipient-country: the recipient; collaboration-type 1 (bilateral) or 8 (triangular);
- sector vocabulary 8 (SDG target) and tag vocabulary 3 (SDG target) code 8.7;
- activity-status from the transfer status (STATUS), activity-date from its dates.
Validated against the IATI 2.03 activity schema by tests/opendata/test_iati.py."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

from flask import current_app

from kmportal.opendata import records
from kmportal.transfers.enums import FundingMode, Modality, TransferStatus
from kmportal.transfers.models import Transfer

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GOVERNMENT = "10"
# IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.
STATUS = {
    TransferStatus.PROPOSED: "1",
    TransferStatus.AGREED: "1",
    TransferStatus.IN_PROGRESS: "2",
    TransferStatus.TRANSFERRED: "3",
    TransferStatus.ADOPTED: "3",
    TransferStatus.INSTITUTIONALISED: "4",
    TransferStatus.CANCELLED: "5",
}
COLLABORATION = {Modality.BILATERAL: "1", Modality.TRIANGULAR: "8"}
ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"


def identifier(transfer: Transfer) -> str:
    """Stable: the reporting organisation's identifier and the transfer's own id."""
    return f"{current_app.config['OPENDATA_IATI_REPORTING_ORG']}-KMPORTAL-T{transfer.id}"


def transfers_xml(today: date | None = None) -> bytes:
    today = today or date.today()
    # No generated-datetime: the same data gives the same file (and ETag), byte for byte.
    root = ET.Element("iati-activities", {"version": "2.03"})
    for public in records.public_transfers():
        _activity(root, public, today)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _narrative(parent, text: str, language: str | None = None) -> None:
    element = _sub(parent, "narrative", text)
    if language:
        element.set(XML_LANG, language)


def _activity(root, public: records.PublicTransfer, today: date) -> None:
    transfer = public.transfer
    activity = _sub(
        root,
        "iati-activity",
        last_updated_datetime=transfer.updated_at.replace(microsecond=0).isoformat() + "Z",
    )
    activity.set(XML_LANG, "en")
    _sub(activity, "iati-identifier", identifier(transfer))
    reporting = _sub(
        activity,
        "reporting-org",
        ref=current_app.config["OPENDATA_IATI_REPORTING_ORG"],
        type=current_app.config["OPENDATA_IATI_REPORTING_ORG_TYPE"],
    )
    _narrative(reporting, current_app.config["OPENDATA_PUBLISHER"])
    title = _sub(activity, "title")
    if public.practice.readable:
        _narrative(title, str(public.practice.title), public.practice.language)
    else:
        for language, label in records.labels(public.practice.title).items():
            _narrative(title, label, language)
    description = _sub(activity, "description", type="1")
    _narrative(
        description,
        transfer.purpose
        or (
            f"Transfer of a good practice from {transfer.provider.name('en')} "
            f"to {transfer.recipient.name('en')}."
        ),
    )
    _participants(activity, transfer)
    _sub(activity, "activity-status", code=STATUS[transfer.status])
    _dates(activity, transfer, today)
    _sub(activity, "recipient-country", code=transfer.recipient_code)
    sector = _sub(activity, "sector", vocabulary="8", code="8.7")
    _narrative(sector, "Target 8.7: end child labour in all its forms")
    _sub(activity, "tag", vocabulary="3", code="8.7")
    _sub(activity, "collaboration-type", code=COLLABORATION[transfer.modality])


def _government(activity, country, role: str) -> None:
    org = _sub(activity, "participating-org", role=role, type=GOVERNMENT)
    _narrative(org, f"Government of {country.name('en')}")


def _participants(activity, transfer: Transfer) -> None:
    for country in _funding_countries(transfer):
        _government(activity, country, ROLE_FUNDING)
    if transfer.funding_mode is FundingMode.THIRD_PARTY:
        name = transfer.third_party_name or transfer.partner_name
        org = _sub(activity, "participating-org", role=ROLE_FUNDING)
        _narrative(org, name or "Third party")
    _government(activity, transfer.provider, ROLE_EXTENDING)
    _government(activity, transfer.recipient, ROLE_IMPLEMENTING)


def _funding_countries(transfer: Transfer) -> list:
    return {
        FundingMode.RECIPIENT_FUNDED: [transfer.recipient],
        FundingMode.PROVIDER_FUNDED: [transfer.provider],
        FundingMode.COST_SHARED: [transfer.provider, transfer.recipient],
    }.get(transfer.funding_mode, [])


def _dates(activity, transfer: Transfer, today: date) -> None:
    """Start: the exchange's start, or (until one is set) the day it was proposed, as
    planned. End: the exchange's end (or the day it was transferred); the day of
    cancellation for a cancelled transfer.
    A date still to come is a planned one (IATI: actual dates are never in the future)."""
    start = transfer.start_on or transfer.proposed_on
    actual_start = transfer.start_on is not None and start <= today
    _sub(activity, "activity-date", iso_date=start.isoformat(), type="2" if actual_start else "1")
    if transfer.status is TransferStatus.CANCELLED:
        end = transfer.cancelled_on
    else:
        end = transfer.end_on or (transfer.transferred_on if transfer.has_taken_place else None)
    if end is not None:
        actual_end = end <= today and transfer.status is not TransferStatus.PROPOSED
        _sub(activity, "activity-date", iso_date=end.isoformat(), type="4" if actual_end else "3")
