"""A transfer's editable fields: cleaning input into values, snapshots for the audit trail,
and the rules about its dates and amounts.

The same cleaning serves the web forms, the API and the demo loader, so a rule about a field
(two dates out of order, an unknown currency, a negative amount) is written once, here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.ids import optional_id
from kmportal.reference.models import Country, Result
from kmportal.transfers.enums import Funder, FundingMode, Modality
from kmportal.transfers.models import COUNTING_COLUMNS, Transfer, TransferContribution
from kmportal.validation import clean_texts

TEXT_LIMITS = {
    "purpose": 5000,
    "partner_name": 200,
    "third_party_name": 200,
    "lessons_learned": 10000,
}
# Dates of things that happened: never in the future. The exchange's start and end may be
# planned ahead; the "start" step then records when it really started.
EVENT_DATES = (
    "proposed_on",
    "agreed_on",
    "transferred_on",
    "adopted_on",
    "institutionalised_on",
    "cancelled_on",
)
PLANNED_DATES = ("start_on", "end_on")
ALL_DATES = ("proposed_on", "agreed_on", "start_on", "end_on", *EVENT_DATES[2:])
# Dates a workflow step sets: once set they can be corrected, never cleared or set by hand.
STEP_DATES = ("agreed_on", "transferred_on", "adopted_on", "institutionalised_on", "cancelled_on")
# Once a country has confirmed the exchange these are the secretariat's to correct: what the
# counting rule reads (kmportal.transfers.counting: COUNTING_COLUMNS besides the status) among the
# editable fields, and the dates of the steps that set the status.
CONFIRMED_FIELDS = tuple(
    dict.fromkeys([*(c for c in COUNTING_COLUMNS if c in ("result_id", *ALL_DATES)), *STEP_DATES])
)
# (earlier, later): when both are known, the later one cannot come before the earlier one.
DATE_ORDER = (
    ("proposed_on", "agreed_on"),
    ("agreed_on", "start_on"),
    ("start_on", "end_on"),
    ("proposed_on", "transferred_on"),
    ("agreed_on", "transferred_on"),
    ("start_on", "transferred_on"),
    ("transferred_on", "adopted_on"),
    ("adopted_on", "institutionalised_on"),
    ("proposed_on", "cancelled_on"),
)
DATE_LABELS = {
    "proposed_on": _l("Proposed on"),
    "agreed_on": _l("Agreed on"),
    "start_on": _l("Exchange starts"),
    "end_on": _l("Exchange ends"),
    "transferred_on": _l("Transferred on"),
    "adopted_on": _l("Adopted on"),
    "institutionalised_on": _l("Institutionalised on"),
    "cancelled_on": _l("Cancelled on"),
}
MAX_AMOUNT = Decimal("999999999999.99")
# ISO 4217 codes that are not money one can fund an exchange with.
NOT_MONEY = frozenset(
    {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA"}
)


def clean(data: dict[str, Any], current: dict[str, Any] | None, today: date) -> dict[str, Any]:
    """Validate a transfer's submitted values against `current` (its snapshot, None for a new
    one); return them normalised or raise ValidationError per field."""
    errors: dict[str, object] = {}
    out: dict[str, Any] = clean_texts(data, TEXT_LIMITS, errors)

    out["provider_code"], out["recipient_code"] = _clean_countries(data, errors)
    modality = data.get("modality") or Modality.BILATERAL.value
    out["modality"] = _choice(modality, Modality, "modality", errors)
    if out["modality"] == Modality.TRIANGULAR.value and not out["partner_name"]:
        errors["partner_name"] = _l("Name the cooperation partner of a triangular transfer.")
    if out["modality"] == Modality.BILATERAL.value:
        out["partner_name"] = ""
    funding = data.get("funding_mode") or None
    out["funding_mode"] = _choice(funding, FundingMode, "funding_mode", errors) if funding else None
    out["amounts"] = _clean_amounts(data, errors)
    needs_name = out["funding_mode"] == FundingMode.THIRD_PARTY.value or (
        Funder.THIRD_PARTY.value in out["amounts"]
    )
    if needs_name and not out["third_party_name"]:
        errors["third_party_name"] = _l("Name the third party that funds the exchange.")
    out["result_id"] = _clean_result(data.get("result_id"), errors)

    for field in ALL_DATES:
        out[field] = parse_date(data.get(field), field, errors)
    if current is None:
        out["proposed_on"] = out["proposed_on"] or today
        for field in STEP_DATES:
            out[field] = None
    else:
        for field in STEP_DATES:
            if current.get(field) is None:
                out[field] = None  # only its step sets it
            elif out[field] is None and field not in errors:
                errors[field] = _l("The transfer reached this status: the date is needed.")
        if out["proposed_on"] is None and "proposed_on" not in errors:
            errors["proposed_on"] = _l("This field is required.")
    errors.update({k: v for k, v in check_dates(out, today).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    return out


def check_dates(values: dict[str, date | None], today: date, focus: str | None = None) -> dict:
    """Messages for dates in the future and dates out of order, by field. A conflict involving
    `focus` is reported on it (the date being set by a step)."""
    errors: dict[str, object] = {}
    for field in EVENT_DATES:
        value = values.get(field)
        if value is not None and value > today:
            errors[field] = _l("This date is in the future: record it once it has happened.")
    for earlier, later in DATE_ORDER:
        first, second = values.get(earlier), values.get(later)
        if first is None or second is None or second >= first:
            continue
        if focus == earlier:
            errors.setdefault(
                earlier,
                _l(
                    "Cannot be after “%(other)s” (%(date)s).",
                    other=DATE_LABELS[later],
                    date=format_date(second),
                ),
            )
        else:
            errors.setdefault(
                later,
                _l(
                    "Cannot be before “%(other)s” (%(date)s).",
                    other=DATE_LABELS[earlier],
                    date=format_date(first),
                ),
            )
    return errors


def parse_date(value: Any, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _l("Enter a date as year-month-day, such as 2016-03-31.")
        return None


def currency_error(code: str) -> object | None:
    """A message when `code` is not an ISO 4217 currency one can pay with, else None."""
    if not code:
        return _l("Choose the currency (an ISO 4217 code, such as USD).")
    if len(code) != 3 or code in NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        return _l("“%(code)s” is not an ISO 4217 currency code.", code=code)
    return None


def currency_codes() -> list[str]:
    """Every ISO 4217 code accepted for an amount, for the form's suggestions."""
    return sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in NOT_MONEY)


def _clean_countries(data: dict, errors: dict) -> tuple[str, str]:
    codes = []
    for field in ("provider_code", "recipient_code"):
        code = (data.get(field) or "").strip().upper()
        country = db.session.get(Country, code) if code else None
        if country is None or not country.member:
            errors[field] = _l("Choose a member country.")
        codes.append(code)
    provider, recipient = codes
    if provider and provider == recipient and "recipient_code" not in errors:
        errors["recipient_code"] = _l(
            "The interested country must differ from the country with the experience."
        )
    return provider, recipient


def _choice(value, enum_cls, field: str, errors: dict) -> str | None:
    if value not in enum_cls.values():
        errors[field] = _l("Choose from the list.")
        return None
    return value


def _clean_amounts(data: dict, errors: dict) -> dict[str, tuple[Decimal, str]]:
    """{funder: (amount, currency)} for the funders with an amount; both parts or neither."""
    amounts: dict[str, tuple[Decimal, str]] = {}
    for funder in Funder:
        amount_field, currency_field = f"amount_{funder.value}", f"currency_{funder.value}"
        raw = str(data.get(amount_field) or "").strip().replace(" ", "")
        currency = str(data.get(currency_field) or "").strip().upper()
        if not raw:
            if currency:
                errors[amount_field] = _l("Enter the amount, or leave the currency empty.")
            continue
        amount = _parse_amount(raw, amount_field, errors)
        message = currency_error(currency)
        if message:
            errors[currency_field] = message
        if amount is not None and message is None:
            amounts[funder.value] = (amount, currency)
    return amounts


def _parse_amount(raw: str, field: str, errors: dict) -> Decimal | None:
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")  # a decimal comma, as written in most of the region
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors[field] = _l("Enter an amount, such as 1500 or 1500.50.")
        return None
    if amount < 0:
        errors[field] = _l("An amount cannot be negative.")
        return None
    if amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        errors[field] = _l("Enter an amount with at most two decimals.")
        return None
    return amount.quantize(Decimal("0.01"))


def _clean_result(raw, errors: dict) -> int | None:
    if raw in (None, ""):
        return None
    result_id = optional_id(raw)
    if result_id is None or db.session.get(Result, result_id) is None:
        errors["result_id"] = _l("Choose from the list.")
        return None
    return result_id


def snapshot(transfer: Transfer) -> dict[str, Any]:
    """The transfer's editable values in the shape clean() returns."""
    values: dict[str, Any] = {field: getattr(transfer, field) or "" for field in TEXT_LIMITS}
    values.update(
        provider_code=transfer.provider_code,
        recipient_code=transfer.recipient_code,
        modality=transfer.modality.value if transfer.modality else None,
        funding_mode=transfer.funding_mode.value if transfer.funding_mode else None,
        result_id=transfer.result_id,
        amounts={c.funder.value: (c.amount, c.currency) for c in transfer.contributions},
    )
    for field in ALL_DATES:
        values[field] = getattr(transfer, field)
    return values


def form_values(values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot flattened for the edit form (amount_<funder>, currency_<funder>)."""
    flat = {k: v for k, v in values.items() if k != "amounts"}
    for funder, (amount, currency) in values.get("amounts", {}).items():
        flat[f"amount_{funder}"], flat[f"currency_{funder}"] = str(amount), currency
    return flat


def audit_values(values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with its amounts flattened to text, for audit.diff()."""
    flat = {k: v for k, v in values.items() if k != "amounts"}
    for funder in Funder:
        amount = values.get("amounts", {}).get(funder.value)
        flat[f"amount_{funder.value}"] = f"{amount[0]} {amount[1]}" if amount else None
    return flat


def apply(transfer: Transfer, values: dict[str, Any]) -> None:
    """Write cleaned values onto the transfer (in the caller's transaction)."""
    for field in TEXT_LIMITS:
        setattr(transfer, field, values[field])
    transfer.provider_code = values["provider_code"]
    transfer.recipient_code = values["recipient_code"]
    transfer.modality = Modality(values["modality"])
    transfer.funding_mode = FundingMode(values["funding_mode"]) if values["funding_mode"] else None
    transfer.result_id = values["result_id"]
    for field in ALL_DATES:
        setattr(transfer, field, values[field])
    kept = {c.funder.value: c for c in transfer.contributions}
    contributions = []
    for funder, (amount, currency) in values["amounts"].items():
        contribution = kept.get(funder) or TransferContribution(funder=Funder(funder))
        contribution.amount, contribution.currency = amount, currency
        contributions.append(contribution)
    transfer.contributions = contributions
