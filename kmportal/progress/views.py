"""The dashboard, the printable Objective 3 report and the exports."""

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from kmportal.progress import charts, exports, queries
from kmportal.reference import queries as reference
from kmportal.transfers.counting import counts_toward_target
from kmportal.transfers.enums import TransferStatus
from kmportal.transfers.queries import TransferFilters

bp = Blueprint("progress", __name__, template_folder="templates")


@bp.route("/dashboard")
def dashboard():
    today = date.today()
    choice = reference.choose_period(request.args.get("period"), today)
    board = queries.dashboard(current_user, today, plan=choice.plan)
    return render_template(
        "progress/dashboard.html",
        board=board,
        choice=choice,
        charts=_charts(board, today),
        today=today,
        can_add_period=getattr(current_user, "is_secretariat", False),
    )


@bp.route("/dashboard/report")
def report():
    """The printable progress report of Objective 3 for the Network's meetings."""
    today = date.today()
    choice = reference.choose_period(request.args.get("period"), today)
    printable = queries.report(current_user, today, plan=choice.plan)
    board = printable.board
    return render_template(
        "progress/report.html",
        board=board,
        choice=choice,
        charts=_charts(board, today),
        transfers=printable.transfers,
        counts=lambda transfer: counts_toward_target(transfer, board.target),
        overdue=printable.overdue,
        today=today,
        statuses=TransferStatus,
    )


@bp.route("/exports/<kind>.<fmt>")
def export(kind: str, fmt: str):
    """Transfers or follow-ups, with the list's filters (the same query-string parameters)."""
    if kind not in ("transfers", "follow-ups") or fmt not in exports.FORMATS:
        abort(404)
    filters = TransferFilters.from_args(request.args)
    target = queries.current_target()
    locale, today = str(get_locale()), date.today()
    if kind == "transfers":
        header, rows = exports.transfer_table(current_user, filters, target, locale)
        title = _("Transfers")
    else:
        header, rows = exports.follow_up_table(current_user, filters, target, locale, today)
        title = _("Follow-ups")
    body = exports.to_csv(header, rows) if fmt == "csv" else exports.to_xlsx(title, header, rows)
    filename = f"{kind}-{today.isoformat()}.{fmt}"
    return Response(
        body,
        mimetype=exports.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _charts(board: queries.Dashboard, today: date) -> dict:
    return {
        "cumulative": charts.cumulative_chart(board.months, board.quantity, today),
        "provider": charts.bar_chart(board.by_provider, label=_country_label),
        "recipient": charts.bar_chart(board.by_recipient, label=_country_label),
        "funding": charts.bar_chart(board.by_funding),
        "theme": charts.bar_chart(board.by_theme),
        "status": charts.bar_chart(board.by_status),
        "flows": charts.flow_chart(board.flows),
    }


def _country_label(row):
    return row.label.name(str(get_locale())) if row.label else row.key
