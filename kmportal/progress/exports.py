"""Transfers and follow-ups as CSV and XLSX, with the list's filters applied.

Both formats get the same rows. Text that a spreadsheet would run as a formula (starting
with =, +, - or @) is prefixed with an apostrophe, so an exported title cannot execute."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import selectinload

from kmportal.errors import PermissionDenied
from kmportal.extensions import db
from kmportal.reference.models import Result, Target
from kmportal.transfers.counting import counts_toward_target
from kmportal.transfers.enums import Funder, Side
from kmportal.transfers.models import FollowUp, Transfer
from kmportal.transfers.permissions import can
from kmportal.transfers.queries import TransferFilters, filtered, shown_practice

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_text(value):
    """Text as a spreadsheet shows it, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def transfer_table(
    user, filters: TransferFilters, target: Target | None, locale: str
) -> tuple[list[str], list[list]]:
    """One row per transfer matching the filters, newest first; the amounts for the Network
    only, and a withdrawn practice's title only for those who may still read it."""
    with_amounts = can(user, "read_full")
    header = _transfer_header()
    if with_amounts:
        for funder in Funder:
            header += [
                _("Amount: %(funder)s", funder=funder.label),
                _("Currency: %(funder)s", funder=funder.label),
            ]
    query = filtered(filters, target).options(
        selectinload(Transfer.result).selectinload(Result.objective)
    )
    rows = []
    for transfer in db.session.scalars(query):
        row = _transfer_row(user, transfer, target, locale)
        if with_amounts:
            for funder in Funder:
                contribution = transfer.contribution(funder)
                row += [contribution.amount, contribution.currency] if contribution else ["", ""]
        rows.append(row)
    return header, rows


def _transfer_header() -> list[str]:
    return [
        _("Transfer"),
        _("Practice"),
        _("Country of the practice"),
        _("Country with the experience"),
        _("Interested country"),
        _("Status"),
        _("Modality"),
        _("Cooperation partner"),
        _("Funding mode"),
        _("Third party"),
        _("Result"),
        _("Proposed on"),
        _("Agreed on"),
        _("Exchange starts"),
        _("Exchange ends"),
        _("Transferred on"),
        _("Confirmed by the country with the experience"),
        _("Confirmed by the interested country"),
        _("Counts toward the target"),
        _("Cancellation reason"),
        _("Lessons learned"),
    ]


def _transfer_row(user, transfer: Transfer, target: Target | None, locale: str) -> list:
    return [
        transfer.id,
        str(shown_practice(user, transfer.practice).title),
        transfer.practice.country_code,
        transfer.provider.name(locale),
        transfer.recipient.name(locale),
        str(transfer.status.label),
        str(transfer.modality.label),
        transfer.partner_name,
        str(transfer.funding_mode.label) if transfer.funding_mode else "",
        transfer.third_party_name,
        transfer.result.code if transfer.result else "",
        transfer.proposed_on,
        transfer.agreed_on,
        transfer.start_on,
        transfer.end_on,
        transfer.transferred_on,
        _confirmed_on(transfer, Side.PROVIDER),
        _confirmed_on(transfer, Side.RECIPIENT),
        _("yes") if counts_toward_target(transfer, target) else _("no"),
        transfer.cancel_reason or "",
        transfer.lessons_learned,
    ]


def follow_up_table(
    user, filters: TransferFilters, target: Target | None, locale: str, today: date
) -> tuple[list[str], list[list]]:
    """One row per follow-up (done or pending) of the transfers matching the filters: for the
    Network only (PermissionDenied otherwise)."""
    if not can(user, "read_full"):
        raise PermissionDenied(_l("Sign in to export the follow-ups."))
    header = [
        _("Transfer"),
        _("Practice"),
        _("Country with the experience"),
        _("Interested country"),
        _("Due on"),
        _("Done on"),
        _("Overdue"),
        _("Stage reached"),
        _("What was done"),
        _("Next step"),
        _("Next step due on"),
        _("Evidence files"),
    ]
    transfer_ids = filters.apply(sa.select(Transfer.id), target).scalar_subquery()
    query = (
        sa.select(FollowUp)
        .where(FollowUp.transfer_id.in_(transfer_ids))
        .options(selectinload(FollowUp.transfer).selectinload(Transfer.practice).lazyload("*"))
        .order_by(FollowUp.transfer_id, FollowUp.due_on, FollowUp.done_on, FollowUp.id)
    )
    rows = []
    for follow_up in db.session.scalars(query):
        transfer = follow_up.transfer
        rows.append(
            [
                transfer.id,
                str(shown_practice(user, transfer.practice).title),
                transfer.provider.name(locale),
                transfer.recipient.name(locale),
                follow_up.due_on,
                follow_up.done_on,
                _("yes") if follow_up.is_overdue(today) else _("no"),
                str(follow_up.stage.label) if follow_up.stage else "",
                follow_up.summary or follow_up.planned,
                follow_up.next_step,
                follow_up.next_due_on,
                len(follow_up.attachments),
            ]
        )
    return header, rows


def to_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """A one-sheet workbook (openpyxl, write-only so large exports stay small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value):
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value)


def _xlsx_value(sheet, value):
    if value is None or value == "":
        return None
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal | int | float):
        return value
    # A string starting with "=" would be stored as a formula: store it as text instead.
    cell = WriteOnlyCell(sheet, value=safe_text(str(value)))
    cell.data_type = "s"
    return cell


def _confirmed_on(transfer: Transfer, side: Side):
    confirmation = transfer.confirmation(side)
    return confirmation.confirmed_on if confirmation else None
