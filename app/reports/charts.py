"""Server-side SVG charts for the HR completion dashboard: horizontal bars, a funnel and a
line over time. No JavaScript and no chart library: each function returns one ``<svg>`` as
``Markup``, ready to drop into a Jinja template.

Every chart is accessible (``role="img"``, named by its ``<title>`` and described by a
one-sentence ``<desc>``), writes every value as text and fills bars with a hatch pattern
outlined in a dark stroke, so it reads without colour and prints in black and white.
Colours are presentation attributes, so the SVG looks right on its own, and classes let
``static/css/reports.css`` refine them; there is no ``style=`` attribute and no script, as
the Content-Security-Policy requires. Labels are user data: they are stripped of characters
XML cannot hold and escaped. The output is deterministic: ids come from a slug of the title
and a short hash of the data, so two different charts on a page never share an id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from app.content import moments

BLUE = "#1f5fbf"
DARK = "#1b2a41"
MUTED = "#5b6573"
TRACK = "#e6e9ee"
TRACK_EDGE = "#b9c1cc"
GRID = "#d5dae1"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

WIDTH = 560  # viewBox width of every chart; the svg itself is width="100%"
LABEL_MAX = 28  # characters of a label shown before the ellipsis
DESC_ITEMS = 10  # items named in a <desc> before "and N more"

# Characters XML 1.0 cannot hold at all (escaping does not help): most C0 controls,
# lone surrogates and the two non-characters U+FFFE/U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: ``value`` (e.g. completed) out of ``total`` (e.g. enrolled)."""

    label: str
    value: int
    total: int


@dataclass(frozen=True)
class Step:
    """One step of a funnel, e.g. ("Started", 30)."""

    label: str
    count: int


# -- formatting -----------------------------------------------------------------------------

def _clean(text: object) -> str:
    """Text safe to put in XML once escaped: no forbidden characters, whitespace collapsed."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _e(text: str) -> str:
    return str(escape(text))


def _num(x: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never "-0"."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _count(n: int) -> str:
    return f"{n:,}"


def _date(d: date) -> str:
    """``d`` as every page writes a day, e.g. "5 Jan 2027"."""
    return moments.day(d)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _more(items: list[str], noun: str) -> str:
    """The first ``DESC_ITEMS`` items joined by "; ", then "and N more <noun>"."""
    shown = "; ".join(items[:DESC_ITEMS])
    rest = len(items) - DESC_ITEMS
    return f"{shown}; and {rest} more {noun}" if rest > 0 else shown


def _chart_id(kind: str, title: str, data: object) -> str:
    """``chart-<slug of title>-<8 hex of the data>``: only [a-z0-9-], stable per input."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:32].rstrip("-")
    raw = repr((kind, title, data)).encode("utf-8", "backslashreplace")
    return f"chart-{slug or kind}-{hashlib.sha256(raw).hexdigest()[:8]}"


# -- svg pieces -----------------------------------------------------------------------------

def _svg(kind: str, chart_id: str, height: int, title: str, desc: str,
         body: Sequence[str], *, hatch: bool = False) -> Markup:
    """Wrap ``body`` (already-safe strings) in the accessible ``<svg>`` element."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" height="{height}" preserveAspectRatio="xMidYMin meet" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="{chart_id}-title">{_e(title)}</title>',
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>',
    ]
    if hatch:
        size = 6
        parts.append(
            f'<defs><pattern id="{chart_id}-hatch" class="chart-hatch" width="{size}" '
            f'height="{size}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect class="chart-hatch-bg" width="{size}" height="{size}" fill="{BLUE}"/>'
            f'<line class="chart-hatch-line" x1="0" y1="0" x2="0" y2="{size}" '
            f'stroke="#ffffff" stroke-opacity="0.45" stroke-width="2.5"/></pattern></defs>'
        )
    parts.extend(body)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (data-derived text goes through _e)


def _text(cls: str, x: float, y: float, content: str, *, anchor: str = "start",
          fill: str = DARK) -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (f'<text class="{cls}" x="{_num(x)}" y="{_num(y)}"{anchor_attr} fill="{fill}">'
            f"{_e(content)}</text>")


def _rect(cls: str, x: float, y: float, w: float, h: float, fill: str, stroke: str) -> str:
    return (f'<rect class="{cls}" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
            f'height="{_num(h)}" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="1"/>')


def _empty(kind: str, chart_id: str, title: str, message: str) -> Markup:
    height = 48
    body = [_text("chart-empty", WIDTH / 2, 28, message, anchor="middle", fill=MUTED)]
    return _svg(kind, chart_id, height, title, f"{message}.", body)


# -- bar chart ------------------------------------------------------------------------------

BAR_ROW = 28
BAR_HEIGHT = 16
BAR_PAD = 10
BAR_X = 212  # labels (28 characters) end at BAR_X - 8, bars start here
BAR_MAX = 180  # width of the longest track; the value text (~160) follows it


def _bar_text(value: int, total: int) -> str:
    if total == 0:
        return f"{_count(value)} of {_count(total)}"
    return f"{_count(value)} of {_count(total)} \u00b7 {round(100 * value / total)}%"


def bar_chart(bars: Sequence[Bar], *, title: str, value_name: str = "completed",
              total_name: str = "enrolled") -> Markup:
    """Horizontal bars, one row per ``Bar``: the label on the left, a light track for
    ``total`` and a hatched bar for ``value``, both scaled to the largest total so group
    sizes compare, then "12 of 40 · 30%" ("0 of 0" when the total is 0)."""
    title = _clean(title)
    value_name, total_name = _clean(value_name), _clean(total_name)
    chart_id = _chart_id("bars", title, (value_name, total_name, tuple(bars)))
    if not bars:
        return _empty("bars", chart_id, title, "No data to show")

    scale = max(max(b.total, b.value, 0) for b in bars) or 1
    hatch = f"url(#{chart_id}-hatch)"
    body: list[str] = []
    summary: list[str] = []
    for i, bar in enumerate(bars):
        label = _clean(bar.label) or "(no name)"
        shown = _short(label)
        text = _bar_text(bar.value, bar.total)
        track_w = BAR_MAX * max(bar.total, 0) / scale
        bar_w = BAR_MAX * max(bar.value, 0) / scale
        top = BAR_PAD + i * BAR_ROW
        bar_y = top + (BAR_ROW - BAR_HEIGHT) / 2
        baseline = top + BAR_ROW / 2 + 4
        body.append(
            f'<g class="chart-row"><title>{_e(label)}</title>'
            + _text("chart-label", BAR_X - 8, baseline, shown, anchor="end")
            + _rect("chart-track", BAR_X, bar_y, track_w, BAR_HEIGHT, TRACK, TRACK_EDGE)
            + _rect("chart-bar", BAR_X, bar_y, bar_w, BAR_HEIGHT, hatch, DARK)
            + _text("chart-value", BAR_X + max(track_w, bar_w) + 6, baseline, text)
            + "</g>"
        )
        pct = f" ({round(100 * bar.value / bar.total)}%)" if bar.total else ""
        summary.append(f"{shown} {_count(bar.value)} of {_count(bar.total)}{pct}")
    desc = f"{_capital(value_name)} of {total_name} by group: {_more(summary, 'groups')}."
    height = 2 * BAR_PAD + len(bars) * BAR_ROW
    return _svg("bars", chart_id, height, title, desc, body, hatch=True)


# -- funnel ---------------------------------------------------------------------------------

FUNNEL_ROW = 46
FUNNEL_HEIGHT = 18
FUNNEL_PAD = 10


def _step_text(label: str, count: int, first: int) -> str:
    """"Started: 30 (75% of first)"; just "Started: 30" when the first step counts 0."""
    if first <= 0:
        return f"{label}: {_count(count)}"
    return f"{label}: {_count(count)} ({round(100 * count / first)}% of first)"


def funnel_chart(steps: Sequence[Step], *, title: str) -> Markup:
    """A horizontal funnel: one centred bar per step over a full-width track, its width
    proportional to the first step's count (or to the largest when the first is 0),
    labelled "label: count (xx% of first)"."""
    title = _clean(title)
    chart_id = _chart_id("funnel", title, tuple(steps))
    if not steps:
        return _empty("funnel", chart_id, title, "No steps to show")

    first = steps[0].count
    base = first if first > 0 else max(max(s.count for s in steps), 1)  # widths' 100%
    full = WIDTH - 2 * FUNNEL_PAD
    hatch = f"url(#{chart_id}-hatch)"
    body: list[str] = []
    summary: list[str] = []
    for i, step in enumerate(steps):
        label = _clean(step.label) or "(no name)"
        shown = _short(label)
        text = _step_text(shown, step.count, first)
        share = min(max(step.count, 0) / base, 1.0)
        width = full * share
        top = FUNNEL_PAD + i * FUNNEL_ROW
        bar_y = top + 20
        body.append(
            f'<g class="chart-row"><title>{_e(label)}</title>'
            + _text("chart-value", WIDTH / 2, top + 14, text, anchor="middle")
            + _rect("chart-track", FUNNEL_PAD, bar_y, full, FUNNEL_HEIGHT, TRACK, TRACK_EDGE)
            + _rect("chart-bar", (WIDTH - width) / 2, bar_y, width, FUNNEL_HEIGHT, hatch, DARK)
            + "</g>"
        )
        summary.append(text)
    noun = "step" if len(steps) == 1 else "steps"
    desc = f"Funnel of {len(steps)} {noun}: {_more(summary, 'steps')}."
    height = 2 * FUNNEL_PAD + len(steps) * FUNNEL_ROW - (FUNNEL_ROW - 20 - FUNNEL_HEIGHT)
    return _svg("funnel", chart_id, height, title, desc, body, hatch=True)


# -- line chart -----------------------------------------------------------------------------

LINE_HEIGHT = 240
PLOT_LEFT = 56
PLOT_RIGHT = WIDTH - 20
PLOT_TOP = 30
PLOT_BOTTOM = LINE_HEIGHT - 40


def nice_ticks(peak: int) -> list[int]:
    """Three to five evenly spaced ticks from 0 to at least ``peak``, in steps of 1, 2 or 5
    times a power of ten: 34 -> [0, 10, 20, 30, 40]; 0 -> [0, 1, 2]."""
    peak = max(peak, 0)
    step, magnitude = 1, 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-peak // step) <= 4:
                intervals = max(-(-peak // step), 2)
                return [k * step for k in range(intervals + 1)]
        magnitude *= 10


def line_chart(points: Sequence[tuple[date, int]], *, title: str,
               y_name: str = "completions") -> Markup:
    """A line over time with a marker per point (each with a "12 Jan 2027: 34" tooltip),
    y from 0 with labelled gridlines, and the first and last dates on the x axis. Points
    are expected sorted, one per period; no points gives "No completions yet"."""
    title = _clean(title)
    y_name = _clean(y_name) or "values"
    chart_id = _chart_id("line", title, (y_name, tuple(points)))
    if not points:
        return _empty("line", chart_id, title, f"No {y_name} yet")

    ticks = nice_ticks(max(v for _, v in points))
    top_tick = ticks[-1]
    plot_h = PLOT_BOTTOM - PLOT_TOP

    def y_of(value: float) -> float:
        return PLOT_BOTTOM - plot_h * max(value, 0) / top_tick

    days = [d.toordinal() for d, _ in points]
    span = max(days) - min(days)

    def x_of(i: int) -> float:
        if len(points) == 1:
            return (PLOT_LEFT + PLOT_RIGHT) / 2
        share = (days[i] - min(days)) / span if span > 0 else i / (len(points) - 1)
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * share

    body: list[str] = [_text("chart-axis-name", 8, 14, _capital(y_name), fill=MUTED)]
    for tick in ticks:
        y = _num(y_of(tick))
        cls, colour = ("chart-axis", DARK) if tick == 0 else ("chart-grid", GRID)
        body.append(f'<line class="{cls}" x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" '
                    f'y2="{y}" stroke="{colour}" stroke-width="1"/>')
        body.append(_text("chart-tick", PLOT_LEFT - 8, y_of(tick) + 4, _count(tick),
                          anchor="end", fill=MUTED))

    ends = [0] if len(points) == 1 else [0, len(points) - 1]
    for i in ends:
        x = x_of(i)
        anchor = "middle" if len(points) == 1 else ("start" if i == 0 else "end")
        body.append(f'<line class="chart-axis" x1="{_num(x)}" y1="{PLOT_BOTTOM}" '
                    f'x2="{_num(x)}" y2="{PLOT_BOTTOM + 5}" stroke="{DARK}" stroke-width="1"/>')
        body.append(_text("chart-tick chart-date", x, PLOT_BOTTOM + 20, _date(points[i][0]),
                          anchor=anchor, fill=MUTED))

    coords = [(x_of(i), y_of(v)) for i, (_, v) in enumerate(points)]
    if len(points) > 1:
        joined = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        body.append(f'<polyline class="chart-line" points="{joined}" fill="none" '
                    f'stroke="{BLUE}" stroke-width="2" stroke-linejoin="round"/>')
    for (x, y), (d, v) in zip(coords, points, strict=True):
        body.append(f'<circle class="chart-point" cx="{_num(x)}" cy="{_num(y)}" r="4" '
                    f'fill="#ffffff" stroke="{DARK}" stroke-width="2">'
                    f"<title>{_e(_date(d))}: {_count(v)}</title></circle>")

    (first_day, first_v), (last_day, last_v) = points[0], points[-1]
    name = _capital(y_name)
    if len(points) == 1:
        desc = f"{name}: {_count(first_v)} on {_date(first_day)}."
    else:
        peak_day, peak = max(points, key=lambda p: p[1])  # first of equal peaks
        desc = (f"{name} from {_date(first_day)} to {_date(last_day)} ({len(points)} points):"
                f" {_count(first_v)} at the start, {_count(last_v)} at the end, highest"
                f" {_count(peak)} on {_date(peak_day)}.")
    return _svg("line", chart_id, LINE_HEIGHT, title, desc, body)
