"""Static SVG bar charts for the coverage page, written directly as SVG at build time.

Horizontal bars with their labels on the left, the value after each bar, an optional grey
rest (e.g. kelurahan still without) with a legend, and an x axis with whole-number ticks.
Laid out here with the advance widths of DejaVu Sans (petakla/textwidth.py), the first font
asked for: other sans-serif fonts are narrower, so the text still fits (labels end at the axis,
values start after their bar). No drawing library: matplotlib's import and layout were about
1.2 s of every build. Charts are byte-reproducible and sized for phones: FIG_WIDTH_IN wide,
about the width of the content column on a 360 px screen, and no text is smaller than
MIN_FONT_PT, so text stays >= 11 px there (see tests/test_coverage.py).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

from .textwidth import text_width

FIG_WIDTH_IN = 4.5  # 324 pt: the content column of Material on a 360 px phone is ~328 px
MIN_FONT_PT = 12.0
PT_PER_IN = 72
FONT = "DejaVu Sans, sans-serif"
BAR = "#00796b"  # Material teal 700 (the site's primary colour, darker for contrast)
REST = "#d9d9d9"
INK = "#000000"

# Layout, in pt (the viewBox's unit)
_PAD = 4.0  # around the figure
_LINE = MIN_FONT_PT * 1.2  # line pitch of a wrapped label
_ROW = 28.0  # pitch of a one-line bar
_BAR_H = 18.0
_GAP = 5.0  # label | axis, bar | value
_TICK = 3.5
_WRAP = 20  # characters per label line
_BASELINE = 0.36 * MIN_FONT_PT  # from a line's middle to its baseline (DejaVu Sans)
_ASCENT, _DESCENT = 0.76 * MIN_FONT_PT, 0.24 * MIN_FONT_PT
_SWATCH_W, _SWATCH_H = 14.4, 8.4  # legend keys


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    rest: float = 0.0  # drawn after `value` in grey (e.g. kelurahan still without)
    text: str = ""  # printed after the bar; the value when empty


@dataclass(frozen=True)
class Chart:
    name: str  # file name without .svg
    title: str
    alt: str
    bars: tuple[Bar, ...]
    value_label: str = ""  # legend text for `value` when some bar has `rest`
    rest_label: str = ""
    xlabel: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.svg"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _f(x: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (stable bytes)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _width(text: str) -> float:
    return text_width(text, MIN_FONT_PT)


def _ticks(top: float, span: float) -> list[int]:
    """Whole-number ticks from 0 to `top`, as many as fit `span` pt without their labels
    touching."""
    label_w = _width(_num(top)) + 2 * MIN_FONT_PT
    for step in (m * 10 ** e for e in range(0, 9) for m in (1, 2, 5)):
        if step >= top or span * step / top >= label_w:
            return list(range(0, int(top) + 1, step))
    return [0]


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    where = f'x="{_f(x)}" y="{_f(y)}"'
    if anchor != "start":
        where += f' text-anchor="{anchor}"'
    return f"<text {where}>{escape(text)}</text>"


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" fill="{fill}"/>'


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
            f'stroke="{INK}" stroke-width="0.8"/>')


def render_svg(chart: Chart) -> str:
    """The chart as a standalone, byte-reproducible SVG with its title and description."""
    width = FIG_WIDTH_IN * PT_PER_IN
    labels = [textwrap.fill(b.label, _WRAP).split("\n") for b in chart.bars]
    values = [b.text or _num(b.value) for b in chart.bars]
    legend = any(b.rest for b in chart.bars)
    top = max([b.value + b.rest for b in chart.bars] + [1])
    x0 = _PAD + max((_width(line) for lines in labels for line in lines), default=0) + _GAP
    x1 = width - _PAD - max((_width(v) for v in values), default=0) - _GAP
    scale = (x1 - x0) / top
    body: list[str] = []
    y = _PAD
    if legend:  # keys above the plot, left-aligned
        x, mid = _PAD, y + _LINE / 2
        for fill, text in ((BAR, chart.value_label), (REST, chart.rest_label)):
            body.append(_rect(x, mid - _SWATCH_H / 2, _SWATCH_W, _SWATCH_H, fill))
            x += _SWATCH_W + _GAP
            body.append(_text(x, mid + _BASELINE, text))
            x += _width(text) + MIN_FONT_PT
        y += _LINE + 2 * _GAP
    plot_top = y
    for bar, lines, value in zip(chart.bars, labels, values, strict=True):
        row = max(_ROW, len(lines) * _LINE + 8)
        mid = y + row / 2
        if bar.value:
            body.append(_rect(x0, mid - _BAR_H / 2, bar.value * scale, _BAR_H, BAR))
        if bar.rest:
            body.append(_rect(x0 + bar.value * scale, mid - _BAR_H / 2, bar.rest * scale,
                              _BAR_H, REST))
        first = mid - (len(lines) - 1) * _LINE / 2 + _BASELINE
        for i, line in enumerate(lines):
            body.append(_text(x0 - _GAP, first + i * _LINE, line, "end"))
        body.append(_text(x0 + (bar.value + bar.rest) * scale + _GAP, mid + _BASELINE, value))
        y += row
    body.append(_line(x0, plot_top, x0, y))  # the axes
    body.append(_line(x0, y, x1, y))
    tick_base = y + _TICK + 2 + _ASCENT
    for t in _ticks(top, x1 - x0):
        x = x0 + t * scale
        body.append(_line(x, y, x, y + _TICK))
        body.append(_text(x, tick_base, str(t), "middle"))
    bottom = tick_base + _DESCENT
    if chart.xlabel:
        bottom += _LINE
        body.append(_text((x0 + x1) / 2, bottom - _DESCENT, chart.xlabel, "middle"))
    height = bottom + _PAD
    # role=img with <title>/<desc> for when the file is opened on its own (pages use <img alt>).
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}pt" '
            f'height="{_f(height)}pt" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
            f'font-family="{FONT}" font-size="{_f(MIN_FONT_PT)}" fill="{INK}">\n'
            f"<title>{escape(chart.title)}</title>\n<desc>{escape(chart.alt)}</desc>\n"
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n'
            + "\n".join(body) + "\n</svg>\n")


def view_box(svg: str) -> tuple[float, float]:
    """(width, height) of an SVG's viewBox, in its units (pt)."""
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert m, "SVG without viewBox"
    return float(m.group(1)), float(m.group(2))


def render_all(charts: Sequence[Chart]) -> dict[str, str]:
    return {c.file: render_svg(c) for c in charts}
