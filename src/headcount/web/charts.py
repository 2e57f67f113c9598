"""Charts as inline SVG, drawn on the server: no script, no external library, nothing to load.

Every data mark is an element with class "mark" and a <title> (the browser's tooltip) that
states its value, so a chart can be read without a mouse and checked by a test. Text that
comes from the data (company and industry names) is escaped like everywhere else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = (
    "#3b6fb6",
    "#e07b39",
    "#3f9e5a",
    "#c9483c",
    "#8064a8",
    "#8c6d4f",
    "#d46fa8",
    "#7a7a7a",
    "#b5b82e",
    "#2fb0c0",
    "#b0b0b0",
)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str


def _fmt(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    if value != int(value):
        return f"{value:.1f}"
    return f"{int(value)}"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _open(width: int, height: int, label: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]


def _y_axis(
    out: list[str], ticks: list[float], left: int, right: int, top: int, bottom: int, percent: bool
) -> None:
    span = ticks[-1] or 1
    for tick in ticks:
        y = bottom - (bottom - top) * tick / span
        out.append(f'<line class="grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        # As many decimals as the tick has (rounded off the float sums' noise): a 0-0.5% axis
        # reads 0.1%, 0.2%..., not "0%" five times.
        text = f"{round(tick, 6):g}%" if percent else _fmt(tick)
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{text}</text>'
        )


def _x_labels(
    out: list[str], categories: Sequence[str], left: int, step: float, bottom: int
) -> None:
    every = max(1, math.ceil(len(categories) / 12))
    for i, name in enumerate(categories):
        if i % every == 0:
            x = left + step * (i + 0.5)
            out.append(
                f'<text class="tick" x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{escape(name)}</text>"
            )


def _legend(out: list[str], series: Sequence[Series], left: int, y: int, width: int) -> None:
    x = left
    for s in series:
        label = escape(s.name)
        if x + 14 + 7 * len(s.name) > width:
            y += 16
            x = left
        out.append(
            f'<rect class="swatch" x="{x}" y="{y - 9}" width="10" height="10" fill="{s.color}"/>'
        )
        out.append(f'<text class="legend" x="{x + 14}" y="{y}">{label}</text>')
        x += 14 + 7 * len(s.name) + 16


def _legend_rows(series: Sequence[Series], left: int, width: int) -> int:
    rows, x = 1, left
    for s in series:
        if x + 14 + 7 * len(s.name) > width:
            rows += 1
            x = left
        x += 14 + 7 * len(s.name) + 16
    return rows


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    label: str,
    *,
    width: int = 960,
    height: int = 340,
    unit: str = "jobs",
) -> Markup:
    """Bars per category (e.g. month), stacked by series (e.g. industry)."""
    legend_rows = _legend_rows(series, 60, width - 10)
    left, right, top = 60, width - 10, 10
    bottom = height - 30 - 16 * legend_rows
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0))
    out = _open(width, height, label)
    _y_axis(out, ticks, left, right, top, bottom, False)
    step = (right - left) / max(1, len(categories))
    scale = (bottom - top) / (ticks[-1] or 1)
    for i, category in enumerate(categories):
        y = float(bottom)
        x = left + step * i + step * 0.1
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            h = value * scale
            y -= h
            out.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" '
                f'height="{h:.1f}" fill="{s.color}" data-value="{value:g}">'
                f"<title>{escape(category)} · {escape(s.name)}: {value:,.0f} {unit}</title></rect>"
            )
    _x_labels(out, categories, left, step, bottom)
    _legend(out, series, left, bottom + 38, right)
    out.append("</svg>")
    return Markup("".join(out))


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    label: str,
    *,
    width: int = 960,
    height: int = 320,
    unit: str = "events",
) -> Markup:
    """Side-by-side bars per category, one per series."""
    left, right, top, bottom = 60, width - 10, 10, height - 46
    ticks = nice_ticks(max((v for s in series for v in s.values), default=0))
    out = _open(width, height, label)
    _y_axis(out, ticks, left, right, top, bottom, False)
    step = (right - left) / max(1, len(categories))
    bar = step * 0.8 / max(1, len(series))
    scale = (bottom - top) / (ticks[-1] or 1)
    for i, category in enumerate(categories):
        for j, s in enumerate(series):
            value = s.values[i]
            if value <= 0:
                continue
            h = value * scale
            x = left + step * i + step * 0.1 + bar * j
            out.append(
                f'<rect class="mark" x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{s.color}" data-value="{value:g}">'
                f"<title>{escape(category)} · {escape(s.name)}: {value:,.0f} {unit}</title></rect>"
            )
    _x_labels(out, categories, left, step, bottom)
    _legend(out, series, left, bottom + 38, right)
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(
    categories: Sequence[str],
    values: Sequence[float | None],
    label: str,
    *,
    notes: Sequence[str] | None = None,
    width: int = 960,
    height: int = 300,
    color: str = PALETTE[3],
) -> Markup:
    """A percentage over categories (e.g. quarters); None leaves a gap."""
    left, right, top, bottom = 60, width - 10, 10, height - 30
    ticks = nice_ticks(max((v for v in values if v is not None), default=0) or 10)
    out = _open(width, height, label)
    _y_axis(out, ticks, left, right, top, bottom, True)
    step = (right - left) / max(1, len(categories))
    scale = (bottom - top) / (ticks[-1] or 1)
    points: list[str] = []
    marks: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if len(points) > 1:
                out.append(f'<polyline class="line" points="{" ".join(points)}" stroke="{color}"/>')
            points = []
            continue
        x = left + step * (i + 0.5)
        y = bottom - value * scale
        points.append(f"{x:.1f},{y:.1f}")
        note = f" ({escape(notes[i])})" if notes else ""
        marks.append(
            f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}" '
            f'data-value="{value:g}"><title>{escape(categories[i])}: {value:.1f}%{note}</title>'
            "</circle>"
        )
    if len(points) > 1:
        out.append(f'<polyline class="line" points="{" ".join(points)}" stroke="{color}"/>')
    out += marks
    _x_labels(out, categories, left, step, bottom)
    out.append("</svg>")
    return Markup("".join(out))


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    label: str,
    *,
    links: Sequence[str | None] | None = None,
    width: int = 960,
    unit: str = "jobs",
    color: str = PALETTE[0],
) -> Markup:
    """One bar per label, largest first as given; a label may link somewhere."""
    row = 24
    left, right, top = 200, width - 70, 8
    height = top + row * max(1, len(labels)) + 8
    top_value = max(values, default=0) or 1
    out = _open(width, height, label)
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * i
        w = (right - left) * value / top_value
        text = escape(name if len(name) <= 28 else name[:27] + "…")
        link = links[i] if links else None
        if link:
            text = f'<a href="{escape(link)}">{text}</a>'
        out.append(
            f'<text class="label" x="{left - 8}" y="{y + 16}" text-anchor="end">{text}</text>'
        )
        if value > 0:
            out.append(
                f'<rect class="mark" x="{left}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}" '
                f'fill="{color}" data-value="{value:g}"><title>{escape(name)}: {value:,.0f} {unit}'
                "</title></rect>"
            )
        out.append(f'<text class="value" x="{left + w + 6:.1f}" y="{y + 16}">{_fmt(value)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def timeline(
    points: Sequence[tuple[str, float, str, str | None]],
    label: str,
    *,
    width: int = 960,
    height: int = 220,
    color: str = PALETTE[3],
) -> Markup:
    """A company's rounds on a time axis: (date, figure, tooltip, link) per round.

    Rounds without a figure are drawn as short grey ticks so they are not lost."""
    left, right, top, bottom = 60, width - 20, 10, height - 30
    dated = [(d, v, t, link) for d, v, t, link in points if d]
    out = _open(width, height, label)
    if not dated:
        out.append(
            f'<text class="tick" x="{width / 2}" y="{height / 2}" text-anchor="middle">no dated rounds</text></svg>'
        )
        return Markup("".join(out))

    def position(day: str) -> float:
        year = int(day[:4])
        month = int(day[5:7]) if len(day) >= 7 else 7
        dom = int(day[8:10]) if len(day) >= 10 else 15
        return year + (month - 1) / 12 + (dom - 1) / 365

    xs = [position(d) for d, _, _, _ in dated]
    first, last = math.floor(min(xs)), math.floor(max(xs)) + 1
    ticks = nice_ticks(max(v for _, v, _, _ in dated) or 1)
    _y_axis(out, ticks, left, right, top, bottom, False)
    span = last - first

    def x_of(value: float) -> float:
        return left + (right - left) * (value - first) / span

    for year in range(first, last + 1):
        x = x_of(year)
        out.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}"/>')
        if year < last:
            out.append(
                f'<text class="tick" x="{x_of(year + 0.5):.1f}" y="{bottom + 16}" '
                f'text-anchor="middle">{year}</text>'
            )
    scale = (bottom - top) / (ticks[-1] or 1)
    bar = max(3.0, min(14.0, (right - left) / (span * 24)))
    for (_day, value, tip, link), xv in zip(dated, xs, strict=True):
        x = x_of(xv) - bar / 2
        h = value * scale if value > 0 else 6
        fill = color if value > 0 else "#9a9a9a"
        rect = (
            f'<rect class="mark" x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{fill}" data-value="{value:g}"><title>{escape(tip)}</title></rect>'
        )
        out.append(f'<a href="{escape(link)}">{rect}</a>' if link else rect)
    out.append("</svg>")
    return Markup("".join(out))
