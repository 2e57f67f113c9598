"""The SVG charts say what they show: a legend for every kind of mark, whole names, and the
numbers behind each chart as a table and a CSV."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from html import unescape

from headcount.web import charts


def _csv(svg: str) -> list[list[str]]:
    href = re.search(r'<a class="chart-csv" href="([^"]+)"', svg)
    assert href is not None
    data = unescape(href.group(1))
    assert data.startswith("data:text/csv;charset=utf-8,")
    return list(csv.reader(io.StringIO(urllib.parse.unquote(data.split(",", 1)[1]))))


def test_a_timeline_explains_its_grey_bars_only_when_it_has_some() -> None:
    rounds = [
        ("2023-01-04", 8000.0, "8,000 jobs", "/events/a"),
        ("2023-11-17", 0.0, "no figure", "/events/b"),
    ]
    svg = str(charts.timeline(rounds, "Rounds at Amazon"))
    legend = re.findall(r'<text class="legend"[^>]*>([^<]+)</text>', svg)
    assert legend == ["Jobs cut in a round (bar height)", "A round reported without a figure"]
    assert f'fill="{charts.NO_FIGURE}"' in svg
    assert _csv(svg) == [
        ["Date", "Jobs cut", "Round"],
        ["2023-01-04", "8000.0", "8,000 jobs"],
        ["2023-11-17", "0.0", "no figure"],
    ]
    only_figures = str(charts.timeline(rounds[:1], "Rounds at Amazon"))
    assert "without a figure" not in only_figures


def test_long_company_names_are_not_cut() -> None:
    names = ["Amazon", "Consolidated Precision Products Holdings International", "X"]
    svg = str(charts.horizontal_bars(names, [300.0, 200.0, 100.0], "Top companies"))
    labels = re.findall(r'<text class="label"[^>]*>(.*?)</text>', svg)
    assert len(labels) == 3
    shown = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)) for label in labels]
    assert shown == names  # wrapped onto two lines at most, every word kept
    assert all(len(re.findall("<tspan", label)) <= 2 for label in labels)
    # The label column is as wide as the longest line needs, the bars start after it.
    bars = [float(x) for x in re.findall(r'<rect class="mark" x="([\d.]+)"', svg)]
    assert len(set(bars)) == 1 and 200 < bars[0] <= 960 * 0.4 + 16


def test_every_chart_has_its_numbers_as_a_table_and_a_csv() -> None:
    series = [
        charts.Series("Retail", [10.0, 0.0], charts.PALETTE[0]),
        charts.Series("Media", [5.0, 7.0], charts.PALETTE[1]),
    ]
    stacked = str(charts.stacked_bars(["2023-01", "2023-02"], series, "Jobs per month"))
    assert _csv(stacked) == [
        ["", "Retail", "Media", "Total"],
        ["2023-01", "10.0", "5.0", "15.0"],
        ["2023-02", "0.0", "7.0", "7.0"],
    ]
    assert 'download="jobs-per-month.csv"' in stacked
    table = re.search(r"<table>.*</table>", stacked)
    assert table is not None and table.group(0).count("<tr>") == 3
    grouped = str(charts.grouped_bars(["2023", "2024"], series, "By kind"))
    assert _csv(grouped)[0] == ["", "Retail", "Media"]
    line = str(charts.line_chart(["2024 Q1", "2024 Q2"], [25.0, None], "AI", notes=["1 of 4", ""]))
    assert _csv(line) == [["", "%", "Basis"], ["2024 Q1", "25.0", "1 of 4"], ["2024 Q2", "", ""]]
