"""Charts as inline SVG, drawn on the server: no script, no external library, nothing to load.

Every data mark is an element with class "mark" and a <title> (the browser's tooltip) that
states its value, so a chart can be read without a mouse and checked by a test; every chart
is followed by the table of its numbers and a CSV of them (`data_table`), for readers who copy
figures and for screen readers. Text that comes from the data (company and industry names) is
escaped like everywhere else. The SVG sits in a box that scrolls sideways on a narrow screen
(static/style.css), so its labels keep a legible size on a phone.
"""

from __future__ import annotations

import csv
import io
import math
import re
import urllib.parse
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


#: The colour of a round without a figure (drawn as a short bar so it is not lost).
NO_FIGURE = "#9a9a9a"


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


def data_table(label: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The numbers behind a chart: a folded table and a CSV download (a data: link, so the
    download is exactly what the table shows, with no second request)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(buffer.getvalue())
    filename = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".csv"

    def cell(value: object) -> str:
        if isinstance(value, int | float):
            text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
            return f'<td class="num">{text}</td>'
        return f"<td>{escape(str(value))}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return (
        '<details class="chart-data"><summary>Numbers behind this chart</summary>'
        f'<p><a class="chart-csv" href="{escape(href)}" download="{escape(filename)}">'
        f"CSV ({len(rows)} rows)</a></p>"
        f'<div class="table-scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        "</table></div></details>"
    )


def _close(out: list[str], table: str) -> Markup:
    out.append("</svg></div>")
    out.append(table)
    return Markup("".join(out))


def _open(width: int, height: int, label: str, css: str = "chart") -> list[str]:
    return [
        '<div class="chart-scroll">'
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="100%" '
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


def stacked_bars(categories: Sequence[str], series: Sequence[Series], label: str) -> Markup:
    """Bars per category (e.g. month), stacked by series (e.g. industry)."""
    return series_bars(categories, series, label, stacked=True, height=340, unit="jobs")


def grouped_bars(categories: Sequence[str], series: Sequence[Series], label: str) -> Markup:
    """Side-by-side bars per category, one per series."""
    return series_bars(categories, series, label, stacked=False)


def series_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    label: str,
    *,
    stacked: bool,
    width: int = 960,
    height: int = 320,
    unit: str = "events",
) -> Markup:
    """The series' bars per category: stacked into one bar, or side by side in its slot."""
    left, right, top = 60, width - 10, 10
    if stacked:
        bottom = height - 30 - 16 * _legend_rows(series, left, right)
        totals = (sum(s.values[i] for s in series) for i in range(len(categories)))
        ticks = nice_ticks(max(totals, default=0))
    else:
        bottom = height - 46
        ticks = nice_ticks(max((v for s in series for v in s.values), default=0))
    out = _open(width, height, label)
    _y_axis(out, ticks, left, right, top, bottom, False)
    step = (right - left) / max(1, len(categories))
    bar = step * 0.8 / (1 if stacked else max(1, len(series)))
    scale = (bottom - top) / (ticks[-1] or 1)
    for i, category in enumerate(categories):
        y = float(bottom)
        for j, s in enumerate(series):
            value = s.values[i]
            if value <= 0:
                continue
            h = value * scale
            # Stacked, a bar sits on the one below it; side by side, each on the axis.
            y = y - h if stacked else bottom - h
            x = left + step * i + step * 0.1 + (0 if stacked else bar * j)
            out.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{s.color}" data-value="{value:g}">'
                f"<title>{escape(category)} · {escape(s.name)}: {value:,.0f} {unit}</title></rect>"
            )
    _x_labels(out, categories, left, step, bottom)
    _legend(out, series, left, bottom + 38, right)
    return _close(out, _series_table(label, categories, series, total=stacked))


def _series_table(
    label: str, categories: Sequence[str], series: Sequence[Series], *, total: bool
) -> str:
    header = ["", *(s.name for s in series)] + (["Total"] if total else [])
    rows = []
    for i, category in enumerate(categories):
        values = [s.values[i] for s in series]
        rows.append([category, *values] + ([sum(values)] if total else []))
    return data_table(label, header, rows)


def columns(
    categories: Sequence[str],
    values: Sequence[float],
    label: str,
    *,
    width: int = 960,
    height: int = 220,
    unit: str = "jobs",
    color: str = PALETTE[3],
    compact: bool = False,
) -> Markup:
    """One bar per category with its value written above it (a headline chart: jobs per
    year). A compact chart fits a phone's width instead of scrolling (static/style.css)."""
    left, right, top, bottom = 48, width - 8, 18, height - 24
    ticks = nice_ticks(max(values, default=0))
    out = _open(width, height, label, "chart compact" if compact else "chart")
    _y_axis(out, ticks, left, right, top, bottom, False)
    step = (right - left) / max(1, len(categories))
    scale = (bottom - top) / (ticks[-1] or 1)
    written = len(categories) <= 16  # room for a figure above each bar
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        if value <= 0:
            continue
        h, x = value * scale, left + step * i + step * 0.15
        out.append(
            f'<rect class="mark" x="{x:.1f}" y="{bottom - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{color}" data-value="{value:g}">'
            f"<title>{escape(category)}: {value:,.0f} {unit}</title></rect>"
        )
        if written:
            out.append(
                f'<text class="value" x="{x + step * 0.35:.1f}" y="{bottom - h - 4:.1f}" '
                f'text-anchor="middle">{_fmt(value)}</text>'
            )
    _x_labels(out, categories, left, step, bottom)
    rows = [[c, v] for c, v in zip(categories, values, strict=True)]
    return _close(out, data_table(label, ["", unit.capitalize()], rows))


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
    rows = [
        [category, "" if value is None else round(value, 1), notes[i] if notes else ""]
        for i, (category, value) in enumerate(zip(categories, values, strict=True))
    ]
    return _close(out, data_table(label, ["", "%", "Basis"], rows))


def _text_width(text: str, size: float = 12) -> float:
    """Roughly how wide `text` is in a sans-serif font of `size` user units."""
    return sum(size * (0.3 if ch in " .,'il|" else 0.62 if ch.isupper() else 0.55) for ch in text)


def _wrap(text: str, room: float) -> list[str]:
    """`text` broken at spaces into at most two lines that fit `room` (a longer second line
    ends with an ellipsis; the bar's tooltip and the table still carry the whole name)."""
    if _text_width(text) <= room:
        return [text]
    words, first = text.split(" "), ""
    while words and _text_width((first + " " + words[0]).strip()) <= room:
        first = (first + " " + words.pop(0)).strip()
    if not first:  # one long word: cut it
        cut = max(1, int(len(text) * room / _text_width(text)) - 1)
        first, words = text[:cut] + "-", [text[cut:]]
    second = " ".join(words)
    while _text_width(second) > room and len(second) > 1:
        second = second[:-2] + "…"
    return [first, second]


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
    """One bar per label, largest first as given; a label may link somewhere.

    The label column is as wide as the longest name needs (up to 40% of the chart); a name
    longer than that wraps onto a second line rather than being cut."""
    row = 26
    room = min(width * 0.4, max((_text_width(n) for n in labels), default=60) + 4)
    left, right, top = int(room) + 16, width - 70, 8
    lines = [_wrap(name, room) for name in labels]
    height = top + row * max(1, len(labels)) + 8
    top_value = max(values, default=0) or 1
    out = _open(width, height, label)
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * i
        w = (right - left) * value / top_value
        parts = lines[i]
        first_y = y + 17 if len(parts) == 1 else y + 11
        text = "".join(
            f'<tspan x="{left - 8}" y="{first_y + 12 * j}">{escape(part)}</tspan>'
            for j, part in enumerate(parts)
        )
        link = links[i] if links else None
        if link:
            text = f'<a href="{escape(link)}">{text}</a>'
        size = ' font-size="11"' if len(parts) > 1 else ""
        out.append(
            f'<text class="label" text-anchor="end"{size}><title>{escape(name)}</title>{text}</text>'
        )
        if value > 0:
            out.append(
                f'<rect class="mark" x="{left}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}" '
                f'fill="{color}" data-value="{value:g}"><title>{escape(name)}: {value:,.0f} {unit}'
                "</title></rect>"
            )
        out.append(f'<text class="value" x="{left + w + 6:.1f}" y="{y + 17}">{_fmt(value)}</text>')
    table = data_table(
        label, ["", unit.capitalize()], [[n, v] for n, v in zip(labels, values, strict=True)]
    )
    return _close(out, table)


def timeline(
    points: Sequence[tuple[str, float, str, str | None]],
    label: str,
    *,
    width: int = 960,
    height: int = 240,
    color: str = PALETTE[3],
) -> Markup:
    """A company's rounds on a time axis: (date, figure, tooltip, link) per round.

    Rounds without a figure are drawn as short grey ticks so they are not lost; the legend
    says so."""
    left, right, top, bottom = 60, width - 20, 10, height - 50
    dated = [(d, v, t, link) for d, v, t, link in points if d]
    out = _open(width, height, label)
    table = data_table(label, ["Date", "Jobs cut", "Round"], [[d, v, t] for d, v, t, _ in dated])
    if not dated:
        out.append(
            f'<text class="tick" x="{width / 2}" y="{height / 2}" text-anchor="middle">no dated rounds</text>'
        )
        return _close(out, table)

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
        fill = color if value > 0 else NO_FIGURE
        rect = (
            f'<rect class="mark" x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{fill}" data-value="{value:g}"><title>{escape(tip)}</title></rect>'
        )
        out.append(f'<a href="{escape(link)}">{rect}</a>' if link else rect)
    legend = [Series("Jobs cut in a round (bar height)", [], color)]
    if any(v <= 0 for _, v, _, _ in dated):
        legend.append(Series("A round reported without a figure", [], NO_FIGURE))
    _legend(out, legend, left, bottom + 40, right)
    return _close(out, table)
