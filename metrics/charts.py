"""Charts as server-side SVG: no script, no CDN, nothing the CSP refuses (colours come
from classes in ``metrics/reports.css``, not style attributes). Each chart is an image
with a title and a description for screen readers, every point or bar carries a
``<title>`` tooltip, and the page shows the same numbers in a table beside it."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 22, 8, 180


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    """One per x label; None is a gap in the line."""
    css: str
    """The class that colours it (``series-1`` ... in reports.css)."""


def _nice_ceiling(value: float) -> float:
    """A round top for the y axis: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10 if value >= 1 else 1.0
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _svg(template: str, *args: object) -> SafeString:
    """format_html, with coordinates rounded to a tenth of a pixel."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _join(parts: Sequence[str]) -> SafeString:
    """Already escaped pieces (each from format_html), joined without escaping again."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _frame(
    chart_id: str, title: str, description: str, height: int, body: SafeString
) -> SafeString:
    return _svg(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str,
    fmt: Callable[[float], str],
    per: str = "week",
) -> SafeString:
    """Lines over the x labels (weeks, or days: ``per``), y from 0 to a round ceiling,
    with a legend."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    known = [v for s in series for v in s.values if v is not None]
    top = _nice_ceiling(max(known, default=0.0))
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h - v / top * plot_h

    parts: list[str] = []
    for tick in range(5):  # horizontal grid lines and the y axis' labels
        value = top * tick / 4
        parts.append(
            _svg(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                y(value),
                y(value),
                LEFT - 6,
                y(value) + 4,
                fmt(value),
            )
        )
    every = max(1, math.ceil(len(labels) / 7))  # at most seven x labels fit side by side
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                _svg(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    x(i),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    parts.append(
        _svg(
            '<text class="axis" x="12" y="{}" transform="rotate(-90 12 {})" '
            'text-anchor="middle">{}</text>',
            TOP + plot_h / 2,
            TOP + plot_h / 2,
            unit,
        )
    )
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(_svg('<polyline class="line {}" points="{}"/>', s.css, points))
        parts.append(
            format_html_join(
                "",
                '<circle class="dot {}" cx="{}" cy="{}" r="3"><title>{}</title></circle>',
                (
                    (s.css, f"{x(i):.1f}", f"{y(v):.1f}", f"{s.name}, {labels[i]}: {fmt(v)}")
                    for i, v in enumerate(s.values)
                    if v is not None
                ),
            )
        )
    for n, s in enumerate(series):  # the legend, under the x labels
        lx = LEFT + n * (plot_w / max(len(series), 1))
        parts.append(
            _svg(
                '<rect class="swatch {}" x="{}" y="{}" width="12" height="12"/>'
                '<text class="legend" x="{}" y="{}">{}</text>',
                s.css,
                lx,
                HEIGHT - 22,
                lx + 16,
                HEIGHT - 12,
                s.name,
            )
        )
    if not known:
        parts.append(_empty(HEIGHT))
    description = f"{', '.join(s.name for s in series)} per {per}, in {unit}."
    return _frame(chart_id, title, description, HEIGHT, _join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float]],
    fmt: Callable[[float], str],
    maximum: float | None = None,
    description: str = "",
) -> SafeString:
    """Horizontal bars, one per (label, value), longest scale ``maximum`` (or the
    largest value)."""
    height = TOP + max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP) + 8
    top = maximum if maximum is not None else max((v for _, v in bars), default=0.0)
    span = WIDTH - LABEL_WIDTH - RIGHT - 60
    parts: list[str] = []
    for i, (label, value) in enumerate(bars):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        width = span * value / top if top else 0.0
        parts.append(
            _svg(
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>"
                '<text class="value" x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 6,
                label,
                LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                label,
                fmt(value),
                LABEL_WIDTH + width + 6,
                y + BAR_HEIGHT - 6,
                fmt(value),
            )
        )
    if not bars:
        parts.append(_empty(height))
    return _frame(chart_id, title, description or title, height, _join(parts))


def _empty(height: int) -> str:
    return _svg(
        '<text class="empty" x="{}" y="{}" text-anchor="middle">No data in this period</text>',
        WIDTH / 2,
        height / 2,
    )


def hours(seconds: float) -> str:
    """Seconds as hours for a chart's axis and tooltips."""
    return f"{seconds / 3600:.1f} h"


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def count(value: float) -> str:
    return f"{value:.0f}"
