"""Static SVG bar charts for the coverage page, drawn at build time with matplotlib.

matplotlib is imported only when a chart is drawn, so `check` never pays for it. Charts are
byte-reproducible (fixed hash salt, no date or creator metadata) and sized for phones: the
figure is FIG_WIDTH_IN wide, about the width of the content column on a 360 px screen, and
no text is smaller than MIN_FONT_PT, so text stays ≥ 11 px there (see tests/test_coverage.py).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

FIG_WIDTH_IN = 4.5  # 324 pt: the content column of Material on a 360 px phone is ~328 px
MIN_FONT_PT = 12.0
PT_PER_IN = 72
_RC = {
    "svg.hashsalt": "petakla",  # stable clip-path ids
    "svg.fonttype": "path",  # glyphs as paths: looks the same in every browser
    "font.family": "DejaVu Sans",  # ships with matplotlib
    "font.size": MIN_FONT_PT,
    "axes.titlesize": MIN_FONT_PT + 1,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BAR = "#00796b"  # Material teal 700 (the site's primary colour, darker for contrast)
REST = "#d9d9d9"


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


def _figure(chart: Chart):
    """The matplotlib Figure of a chart (no pyplot, no global backend)."""
    from matplotlib.figure import Figure

    labels = [textwrap.fill(b.label, 20) for b in chart.bars]
    lines = sum(label.count("\n") + 1 for label in labels)
    legend = any(b.rest for b in chart.bars)
    height = 0.85 + 0.24 * lines + 0.16 * len(labels) + (0.4 if legend else 0) \
        + (0.3 if chart.xlabel else 0)
    # Constrained layout makes room for everything outside the axes: labels, values, legend.
    fig = Figure(figsize=(FIG_WIDTH_IN, height), layout="constrained")
    ax = fig.add_subplot()
    y = list(range(len(chart.bars)))
    values = [b.value for b in chart.bars]
    ax.barh(y, values, color=BAR, height=0.65, label=chart.value_label or None)
    if legend:
        ax.barh(y, [b.rest for b in chart.bars], left=values, color=REST, height=0.65,
                label=chart.rest_label or None)
    top = max([b.value + b.rest for b in chart.bars] + [1])
    for i, b in enumerate(chart.bars):
        ax.text(b.value + b.rest + top * 0.02, i, b.text or _num(b.value), va="center",
                fontsize=MIN_FONT_PT, clip_on=False)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", length=0)
    if chart.xlabel:
        ax.set_xlabel(chart.xlabel)
    if legend:
        fig.legend(loc="outside upper left", ncols=2, frameon=False, handlelength=1.2,
                   columnspacing=1.0)
    fig.get_layout_engine().set(w_pad=0.03, h_pad=0.03)
    return fig


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def render_svg(chart: Chart) -> str:
    """The chart as a standalone, byte-reproducible SVG with its title and description."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(chart)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    # role=img with <title>/<desc> for when the file is opened on its own (pages use <img alt>).
    head = (f'<title>{escape(chart.title)}</title>\n<desc>{escape(chart.alt)}</desc>\n')
    svg, n = re.subn(r"(<svg\b[^>]*?)>", lambda m: f'{m.group(1)} role="img">\n{head}', svg,
                     count=1)
    assert n == 1, "matplotlib wrote no <svg> element"
    return svg


def view_box(svg: str) -> tuple[float, float]:
    """(width, height) of an SVG's viewBox, in its units (pt for matplotlib)."""
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert m, "SVG without viewBox"
    return float(m.group(1)), float(m.group(2))


def render_all(charts: Sequence[Chart]) -> dict[str, str]:
    return {c.file: render_svg(c) for c in charts}
