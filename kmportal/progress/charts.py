"""Geometry of the dashboard's charts, computed here and drawn as inline SVG by the
templates (progress/_charts.html): no JavaScript, nothing from a CDN, and the same picture on
screen and on paper. Every chart is shown with its numbers in a table beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from kmportal.progress.queries import CountRow, Flow, MonthPoint

PALETTE_SIZE = 8  # .flow-0 … .flow-7 in app.css


def _r(value: float) -> float:
    return round(value, 1)


@dataclass
class Bar:
    label: object
    counted: int
    live: int
    y: float
    live_width: float
    counted_width: float


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def bar_chart(rows: list[CountRow], label=lambda row: row.label, width: int = 560) -> BarChart:
    """Horizontal bars: all live transfers (light) with those that count (dark) inside."""
    label_width, bar_height, gap, value_room = 210, 16, 8, 60
    area = width - label_width - value_room
    largest = max((row.live for row in rows), default=0) or 1
    bars = [
        Bar(
            label=label(row),
            counted=row.counted,
            live=row.live,
            y=gap / 2 + index * (bar_height + gap),
            live_width=_r(area * row.live / largest),
            counted_width=_r(area * row.counted / largest),
        )
        for index, row in enumerate(rows)
    ]
    return BarChart(width, max(1, len(rows)) * (bar_height + gap), label_width, bar_height, bars)


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    points: str
    target_line: tuple[float, float, float, float]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    markers: list[tuple[float, float, int]]


def cumulative_chart(months: list[MonthPoint], quantity: int, today: date) -> LineChart:
    """Counted transfers, cumulated month by month (up to today), against the straight line
    from zero at the start of the period to the target at its end."""
    width, height, left, top, right, bottom = 640, 260, 40, 16, 620, 220
    top_value = max([quantity, *(m.cumulative for m in months), 1])
    step = (right - left) / max(1, len(months))

    def y(value: float) -> float:
        return _r(bottom - (bottom - top) * value / top_value)

    shown = [m for m in months if m.month <= today]
    coordinates = [(left, y(0))] + [
        (_r(left + (i + 1) * step), y(m.cumulative)) for i, m in enumerate(shown)
    ]
    tick_step = max(1, -(-top_value // 5))
    return LineChart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=" ".join(f"{x},{v}" for x, v in coordinates),
        target_line=(left, y(0), right, y(quantity)),
        x_labels=[
            (_r(left + (i + 0.5) * step), format_date(m.month, "MMM yy"))
            for i, m in enumerate(months)
        ],
        y_ticks=[(y(v), v) for v in range(0, top_value + 1, tick_step)],
        markers=[(x, v, m.cumulative) for (x, v), m in zip(coordinates[1:], shown, strict=True)],
    )


@dataclass
class FlowNode:
    country: object
    total: int
    y: float
    height: float


@dataclass
class FlowRibbon:
    path: str
    width: float
    provider: object
    recipient: object
    practices: int
    colour: int


@dataclass
class FlowChart:
    width: int
    height: int
    left_x: int
    right_x: int
    node_width: int
    providers: list[FlowNode]
    recipients: list[FlowNode]
    ribbons: list[FlowRibbon]


FLOW_GAP = 10  # between the country bars of one side


def flow_chart(flows: list[Flow], width: int = 640) -> FlowChart:
    """Providers on the left, recipients on the right, one ribbon per pair whose width is the
    number of practices transferred (scaled down when there are many)."""
    left_x, right_x, node_width = 170, width - 180, 10
    providers_total: Counter[str] = Counter()
    recipients_total: Counter[str] = Counter()
    countries = {}
    for flow in flows:
        providers_total[flow.provider.code] += flow.practices
        recipients_total[flow.recipient.code] += flow.practices
        countries[flow.provider.code] = flow.provider
        countries[flow.recipient.code] = flow.recipient
    total = sum(providers_total.values())
    most_nodes = max(len(providers_total), len(recipients_total), 1)
    unit = min(14.0, 420 / total) if total else 14.0
    height = int(max(total * unit + (most_nodes - 1) * FLOW_GAP, 40) + 2 * FLOW_GAP)
    providers = _stack(providers_total, countries, unit)
    recipients = _stack(recipients_total, countries, unit)
    ribbons = _ribbons(flows, providers, recipients, unit, left_x + node_width, right_x)
    return FlowChart(
        width,
        height,
        left_x,
        right_x,
        node_width,
        list(providers.values()),
        list(recipients.values()),
        ribbons,
    )


def _stack(totals: Counter[str], countries: dict, unit: float) -> dict[str, FlowNode]:
    """One side's country bars, largest first, each as tall as its practices."""
    nodes, y = {}, float(FLOW_GAP)
    for code, n in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        nodes[code] = FlowNode(countries[code], n, _r(y), _r(max(n * unit, 1)))
        y += max(n * unit, 1) + FLOW_GAP
    return nodes


def _ribbons(flows, providers, recipients, unit: float, x1: float, x2: float) -> list[FlowRibbon]:
    """Ribbons stacked inside each country's bar on both sides, in the bars' order, so they
    cross as little as they can; coloured by provider."""
    provider_order = {code: index for index, code in enumerate(providers)}
    recipient_order = {code: index for index, code in enumerate(recipients)}
    provider_y = {code: node.y for code, node in providers.items()}
    recipient_y = {code: node.y for code, node in recipients.items()}
    middle = (x1 + x2) / 2
    ribbons = []
    for flow in sorted(
        flows, key=lambda f: (provider_order[f.provider.code], recipient_order[f.recipient.code])
    ):
        thickness = max(flow.practices * unit, 1)
        y1 = provider_y[flow.provider.code] + thickness / 2
        y2 = recipient_y[flow.recipient.code] + thickness / 2
        provider_y[flow.provider.code] += thickness
        recipient_y[flow.recipient.code] += thickness
        ribbons.append(
            FlowRibbon(
                path=f"M{x1},{_r(y1)} C{_r(middle)},{_r(y1)} {_r(middle)},{_r(y2)} {x2},{_r(y2)}",
                width=_r(thickness),
                provider=flow.provider,
                recipient=flow.recipient,
                practices=flow.practices,
                colour=provider_order[flow.provider.code] % PALETTE_SIZE,
            )
        )
    return ribbons
