"""The dashboard: N / target, month by month, breakdowns, flows and trainings, each with its
numbers in a table; server-rendered SVG that works without JavaScript."""

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.progress import charts, queries
from kmportal.reference.models import Target
from kmportal.transfers import trainings
from kmportal.transfers.enums import TrainingModality

TEMPLATE_DIRS = [
    Path("kmportal/transfers/templates"),
    Path("kmportal/progress/templates"),
    Path("kmportal/reference/templates/reference/plan.html"),
]


def make_some(transfers):
    transfers.make("transferred")  # BR → CO, March 2016: counts
    transfers.make("adopted", provider="MX", recipient="CO")  # counts
    transfers.make(
        "institutionalised",
        provider="BR",
        recipient="PE",
        practice=transfers.practice("BR", "Otra"),
    )
    transfers.make("transferred", provider="CO", recipient="PE", confirmed=False)  # no
    transfers.make(
        "in_progress",
        provider="CO",
        recipient="HN",
        funding_mode="third_party",
        third_party_name="OIT",
    )
    transfers.make("cancelled", provider="PE", recipient="BR")


def test_dashboard_numbers(transfers, secretariat):
    make_some(transfers)
    board = queries.dashboard(secretariat, today=date(2017, 1, 1))
    assert (board.counted, board.quantity, board.percent) == (3, 15, 20)
    assert (board.live, board.cancelled) == (5, 1)
    # All three were transferred in March 2016, the sixth month of the period.
    assert [p.cumulative for p in board.months] == [0, 0, 0, 0, 0] + [3] * 7
    assert board.months[-1].expected == 15
    provider = {row.key: (row.counted, row.live) for row in board.by_provider}
    assert provider == {"BR": (2, 2), "MX": (1, 1), "CO": (0, 2)}
    recipient = {row.key: (row.counted, row.live) for row in board.by_recipient}
    assert recipient["CO"] == (2, 2) and recipient["PE"] == (1, 2)
    funding = {row.key: (row.counted, row.live) for row in board.by_funding}
    assert funding == {
        "recipient_funded": (3, 4),
        "provider_funded": (0, 0),
        "cost_shared": (0, 0),
        "third_party": (0, 1),
    }
    status = {row.key: row.live for row in board.by_status}
    assert status["cancelled"] == 1 and status["transferred"] == 2
    assert [row.key for row in board.by_theme] == ["peti", "ptap", "both"]
    flows = {(f.provider.code, f.recipient.code): f.practices for f in board.flows}
    assert flows == {("BR", "CO"): 1, ("MX", "CO"): 1, ("BR", "PE"): 1}


def test_the_target_comes_from_the_plan_data(client, transfers):
    db.session.execute(sa.update(Target).values(quantity=16))
    db.session.commit()
    transfers.make("transferred")
    page = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'counted-number">1</span>\s*<span class="of">/ 16', page)


def test_dashboard_page_is_svg_with_tables_and_no_script(client, transfers):
    make_some(transfers)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "<script" not in page and "style=" not in page
    assert page.count("<svg") == 8  # progress, months, flows, five breakdowns
    for caption in (
        "Transfers counted by month",
        "Practices transferred, by pair of countries",
        "Transfers by country with the experience",
        "Transfers by interested country",
        "Transfers by funding mode",
        "Transfers by theme",
        "Transfers by status",
    ):
        assert f"<caption>{caption}</caption>" in page, caption
    assert 'href="/transfers/?provider=BR"' in page  # each figure leads to its transfers


def test_trainings_are_counted_by_country_and_modality(transfers, focal_br, focal_co, secretariat):
    virtual = trainings.create(
        secretariat,
        {"title": "Curso", "provider": "OIT", "modality": "virtual", "starts_on": "2016-02-01"},
    )
    in_person = trainings.create(
        secretariat,
        {"title": "Taller", "provider": "OIT", "modality": "in_person", "starts_on": "2016-07-05"},
    )
    for training in (virtual, in_person):
        trainings.join(focal_br, training)
    trainings.join(focal_co, virtual)
    board = queries.dashboard(secretariat)
    rows = {row.country.code: row.by_modality for row in board.trainings}
    assert rows["BR"] == {TrainingModality.VIRTUAL: 1, TrainingModality.IN_PERSON: 1}
    assert rows["CO"] == {TrainingModality.VIRTUAL: 1, TrainingModality.IN_PERSON: 0}
    assert board.training_totals == {TrainingModality.VIRTUAL: 2, TrainingModality.IN_PERSON: 1}


def test_empty_dashboard_still_renders(client):
    page = client.get("/dashboard").get_data(as_text=True)
    assert "No transfer counts toward the target yet." in page
    assert re.search(r'counted-number">0</span>', page)


def test_flow_ribbons_are_as_wide_as_the_number_of_practices(transfers):
    flows = [
        queries.Flow(provider=p, recipient=r, practices=n)
        for p, r, n in [("BR", "CO", 3), ("BR", "PE", 1)]
        for p, r in [(_country(p), _country(r))]
    ]
    chart = charts.flow_chart(flows)
    widths = {(r.provider.code, r.recipient.code): r.width for r in chart.ribbons}
    assert widths[("BR", "CO")] == 3 * widths[("BR", "PE")]
    assert [node.total for node in chart.providers] == [4]


def test_cumulative_chart_stops_today_and_draws_the_line_to_the_target():
    months = [queries.MonthPoint(date(2016, m, 1), 1, m, m * 1.25) for m in range(1, 13)]
    chart = charts.cumulative_chart(months, 15, today=date(2016, 6, 15))
    assert len(chart.markers) == 6  # January to June
    x1, y1, x2, y2 = chart.target_line
    assert (x1, x2) == (chart.left, chart.right) and y2 < y1


def test_my_templates_have_no_inline_script_or_style():
    for base in TEMPLATE_DIRS:
        files = [base] if base.is_file() else list(base.rglob("*.html"))
        assert files
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert "<script" not in text, path
            assert "style=" not in text, path


def _country(code):
    from kmportal.reference.models import Country

    return db.session.get(Country, code)
