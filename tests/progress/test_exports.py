"""CSV and XLSX exports of transfers and follow-ups, with the list's filters."""

import csv
import io

from openpyxl import load_workbook

from kmportal.progress.exports import safe_text
from kmportal.transfers import followups


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs read the accents right
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_transfers_csv_honours_the_list_filters(client, transfers):
    counted = transfers.make("transferred", amount_recipient="1500", currency_recipient="COP")
    transfers.make("proposed", provider="MX", recipient="PE")
    response = client.get("/exports/transfers.csv?counted=yes")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="transfers-')
    rows = read_csv(response)
    assert rows[0][:3] == ["Transfer", "Practice", "Country of the practice"]
    assert [row[0] for row in rows[1:]] == [str(counted.id)]
    header = rows[0]
    assert rows[1][header.index("Counts toward the target")] == "yes"
    assert rows[1][header.index("Transferred on")] == "2016-03-15"
    assert "Amount: Interested country" not in header  # amounts are for the Network
    assert len(read_csv(client.get("/exports/transfers.csv"))) == 3
    assert len(read_csv(client.get("/exports/transfers.csv?provider=MX&status=proposed"))) == 2


def test_transfers_xlsx_has_the_same_rows_with_typed_cells(client, auth, transfers, secretariat):
    transfer = transfers.make("transferred", amount_recipient="1500", currency_recipient="COP")
    auth.login(secretariat)
    csv_rows = read_csv(client.get("/exports/transfers.csv"))
    xlsx_rows = read_xlsx(client.get("/exports/transfers.xlsx"))
    assert xlsx_rows[0] == csv_rows[0]
    header = xlsx_rows[0]
    row = xlsx_rows[1]
    assert row[0] == transfer.id
    assert row[header.index("Transferred on")].date().isoformat() == "2016-03-15"
    assert row[header.index("Amount: Interested country")] == 1500
    assert row[header.index("Currency: Interested country")] == "COP"


def test_text_that_looks_like_a_formula_is_exported_as_text(client, auth, transfers, secretariat):
    transfers.make("proposed", purpose="x", lessons_learned="", partner_name="")
    transfer = transfers.make(
        "agreed",
        recipient="PE",
        third_party_name='=HYPERLINK("http://evil")',
        funding_mode="third_party",
    )
    rows = read_csv(client.get("/exports/transfers.csv"))
    header = rows[0]
    third = [r[header.index("Third party")] for r in rows[1:] if r[0] == str(transfer.id)][0]
    assert third.startswith("'=")
    xlsx = read_xlsx(client.get("/exports/transfers.xlsx"))
    cell = [r[header.index("Third party")] for r in xlsx[1:] if r[0] == transfer.id][0]
    assert cell.startswith("'=")
    assert safe_text("-1") == "'-1" and safe_text("Normal") == "Normal" and safe_text(3) == 3


def test_follow_ups_export_is_for_the_network(client, auth, transfers, focal_co):
    transfer = transfers.make("transferred")
    followups.record(
        focal_co,
        transfer,
        {"done_on": "2016-09-20", "stage": "piloting", "summary": "Piloto en Huila."},
        transfer.follow_ups[0],
    )
    transfers.make("transferred", provider="MX", recipient="PE")
    assert client.get("/exports/follow-ups.csv").status_code == 403
    auth.login(focal_co)
    rows = read_csv(client.get("/exports/follow-ups.csv?country=CO"))
    header = rows[0]
    assert len(rows) == 4  # the three follow-ups of the BR → CO transfer
    done = [r for r in rows[1:] if r[header.index("Done on")]]
    assert done[0][header.index("What was done")] == "Piloto en Huila."
    assert done[0][header.index("Stage reached")] == "Piloting"
    pending = [r for r in rows[1:] if not r[header.index("Done on")]]
    assert all(r[header.index("Overdue")] == "yes" for r in pending)
    assert len(read_xlsx(client.get("/exports/follow-ups.xlsx"))) == 7


def test_the_export_functions_decide_what_the_network_reads(transfers, secretariat):
    """The follow-up export checked nothing itself: only the view kept readers out."""
    from datetime import date

    import pytest
    from flask_login import AnonymousUserMixin

    from kmportal.errors import PermissionDenied
    from kmportal.progress import exports, queries
    from kmportal.transfers.queries import TransferFilters

    transfers.make("transferred", amount_recipient="1500", currency_recipient="COP")
    anonymous, filters, target = AnonymousUserMixin(), TransferFilters(), queries.current_target()
    with pytest.raises(PermissionDenied):
        exports.follow_up_table(anonymous, filters, target, "en", date.today())
    header, rows = exports.follow_up_table(secretariat, filters, target, "en", date.today())
    assert len(rows) == 3
    header, rows = exports.transfer_table(anonymous, filters, target, "en")
    assert "Amount: Interested country" not in header and len(rows) == 1
    header, rows = exports.transfer_table(secretariat, filters, target, "en")
    assert rows[0][header.index("Amount: Interested country")] == 1500
