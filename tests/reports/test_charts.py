"""The dashboard's SVG charts: well-formed, accessible, escaped, readable without colour,
free of inline styles and scripts, deterministic, and robust to empty or odd data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from app.reports.charts import Bar, Step, bar_chart, funnel_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Tom & Jerry's <b>"]


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    text = str(svg)
    assert text.count("<svg") == 1
    root = ET.fromstring(text)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    return root


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(el.itertext()) for el in by_class(root, cls)]


def row_titles(root: ET.Element) -> list[str]:
    return [row.findtext(f"{SVG}title") or "" for row in by_class(root, "chart-row")]


def num(el: ET.Element, attr: str) -> float:
    return float(el.get(attr, "nan"))


def check_accessible(root: ET.Element, title: str) -> tuple[str, str]:
    """The svg is an image named by its <title> and described by its <desc>."""
    assert root.get("role") == "img"
    title_el, desc_el = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_el is not None and desc_el is not None
    assert root.get("aria-labelledby") == f"{title_el.get('id')} {desc_el.get('id')}"
    assert title_el.text == title
    assert desc_el.text and desc_el.text.endswith(".")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"chart-[a-z0-9-]+", i or "") for i in ids)
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 560 ")
    return title_el.text, desc_el.text


def check_no_style_or_script(svg: Markup) -> None:
    root = parse(svg)
    assert "style=" not in str(svg)
    assert "<script" not in str(svg).lower()
    assert not [el for el in root.iter() if "style" in el.attrib or el.tag.endswith("script")]
    assert not [name for el in root.iter() for name in el.attrib if name.startswith("on")]


def check_hatched(root: ET.Element) -> None:
    """Filled bars use this chart's hatch pattern and a dark outline."""
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert len(patterns) == 1
    pattern_id = patterns[0].get("id")
    assert patterns[0].find(f"{SVG}line") is not None  # the stripes
    bars = by_class(root, "chart-bar")
    assert bars
    for bar in bars:
        assert bar.get("fill") == f"url(#{pattern_id})"
        assert bar.get("stroke") == "#1b2a41"


# -- bar chart ------------------------------------------------------------------------------

BARS = [Bar("EMEA", 12, 40), Bar("APAC", 40, 80), Bar("Empty", 0, 0), Bar("Big", 1234, 4000)]


def test_bar_chart_writes_values_and_describes_them() -> None:
    root = parse(bar_chart(BARS, title="Completion by region"))
    _, desc = check_accessible(root, "Completion by region")
    assert desc == ("Completed of enrolled by group: EMEA 12 of 40 (30%); APAC 40 of 80 (50%);"
                    " Empty 0 of 0; Big 1,234 of 4,000 (31%).")
    assert texts(root, "chart-label") == ["EMEA", "APAC", "Empty", "Big"]
    assert texts(root, "chart-value") == [
        "12 of 40 · 30%", "40 of 80 · 50%", "0 of 0", "1,234 of 4,000 · 31%"]
    assert row_titles(root) == ["EMEA", "APAC", "Empty", "Big"]
    check_hatched(root)


def test_bar_chart_names_come_from_arguments() -> None:
    root = parse(bar_chart(BARS[:1], title="T", value_name="passed", total_name="invited"))
    _, desc = check_accessible(root, "T")
    assert desc.startswith("Passed of invited by group: EMEA 12 of 40 (30%)")


def test_bars_scale_to_the_largest_total() -> None:
    root = parse(bar_chart([Bar("A", 10, 40), Bar("B", 80, 80)], title="Scale"))
    tracks = [num(el, "width") for el in by_class(root, "chart-track")]
    bars = [num(el, "width") for el in by_class(root, "chart-bar")]
    assert tracks[0] == pytest.approx(tracks[1] / 2)
    assert bars[0] == pytest.approx(tracks[1] / 8)
    assert bars[1] == pytest.approx(tracks[1])
    # the value text sits after the end of the track
    values = by_class(root, "chart-value")
    starts = [num(el, "x") for el in by_class(root, "chart-track")]
    assert all(num(v, "x") > s + w for v, s, w in zip(values, starts, tracks, strict=True))


def test_bar_chart_rounds_percent() -> None:
    root = parse(bar_chart([Bar("A", 1, 3), Bar("B", 2, 3), Bar("C", 40, 40)], title="R"))
    assert texts(root, "chart-value") == ["1 of 3 · 33%", "2 of 3 · 67%", "40 of 40 · 100%"]


def test_long_labels_are_truncated_with_the_full_label_in_a_title() -> None:
    label = "Customer Success and Renewals, Northern Europe"
    root = parse(bar_chart([Bar(label, 1, 2)], title="Long"))
    (shown,) = texts(root, "chart-label")
    assert len(shown) == 28 and shown.endswith("\u2026")
    assert label.startswith(shown[:-1])
    assert row_titles(root) == [label]


def test_zero_totals_do_not_crash() -> None:
    root = parse(bar_chart([Bar("A", 0, 0), Bar("B", 0, 0)], title="Zeros"))
    assert texts(root, "chart-value") == ["0 of 0", "0 of 0"]
    assert {num(el, "width") for el in by_class(root, "chart-bar")} == {0.0}
    assert "A 0 of 0; B 0 of 0." in check_accessible(root, "Zeros")[1]


def test_empty_bar_chart() -> None:
    root = parse(bar_chart([], title="Nothing"))
    check_accessible(root, "Nothing")
    assert texts(root, "chart-empty") == ["No data to show"]
    assert not by_class(root, "chart-bar")


def test_two_hundred_bars() -> None:
    bars = [Bar(f"Group {i}", i, 200) for i in range(200)]
    svg = bar_chart(bars, title="Many")
    root = parse(svg)
    _, desc = check_accessible(root, "Many")
    assert len(by_class(root, "chart-row")) == 200
    # percent is round(): 4.5% rounds half to even
    assert desc.endswith("Group 8 8 of 200 (4%); Group 9 9 of 200 (4%); and 190 more groups.")
    assert "Group 10 " not in desc
    height = int(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 560 {height}"
    assert height >= 200 * 20
    last_bar = by_class(root, "chart-bar")[-1]
    assert num(last_bar, "y") + num(last_bar, "height") <= height


# -- funnel ---------------------------------------------------------------------------------

STEPS = [Step("Enrolled", 40), Step("Started", 30), Step("Completed", 12)]


def test_funnel_writes_counts_and_share_of_first() -> None:
    root = parse(funnel_chart(STEPS, title="Learner funnel"))
    _, desc = check_accessible(root, "Learner funnel")
    expected = ["Enrolled: 40 (100% of first)", "Started: 30 (75% of first)",
                "Completed: 12 (30% of first)"]
    assert texts(root, "chart-value") == expected
    assert desc == f"Funnel of 3 steps: {'; '.join(expected)}."
    widths = [num(el, "width") for el in by_class(root, "chart-bar")]
    assert widths[1] == pytest.approx(widths[0] * 0.75)
    assert widths[2] == pytest.approx(widths[0] * 0.3)
    check_hatched(root)


def test_funnel_with_zero_first_step_and_empty_funnel() -> None:
    root = parse(funnel_chart([Step("Enrolled", 0), Step("Started", 0)], title="Zero"))
    assert texts(root, "chart-value") == ["Enrolled: 0", "Started: 0"]
    root = parse(funnel_chart([], title="None"))
    check_accessible(root, "None")
    assert texts(root, "chart-empty") == ["No steps to show"]


# -- line chart -----------------------------------------------------------------------------

POINTS = [(date(2027, 1, 5), 3), (date(2027, 1, 12), 34), (date(2027, 1, 19), 34),
          (date(2027, 3, 30), 34)]


def test_line_chart_axes_points_and_tooltips() -> None:
    root = parse(line_chart(POINTS, title="Completions over time"))
    _, desc = check_accessible(root, "Completions over time")
    assert desc == ("Completions from 5 Jan 2027 to 30 Mar 2027 (4 points): 3 at the start,"
                    " 34 at the end, highest 34 on 12 Jan 2027.")
    assert texts(root, "chart-date") == ["5 Jan 2027", "30 Mar 2027"]
    ticks = [t for t in texts(root, "chart-tick") if t not in texts(root, "chart-date")]
    assert ticks == ["0", "10", "20", "30", "40"]
    points = by_class(root, "chart-point")
    assert [p.findtext(f"{SVG}title") for p in points] == [
        "5 Jan 2027: 3", "12 Jan 2027: 34", "19 Jan 2027: 34", "30 Mar 2027: 34"]
    (line,) = by_class(root, "chart-line")
    coords = [tuple(map(float, pair.split(","))) for pair in line.get("points", "").split()]
    assert coords == [(num(p, "cx"), num(p, "cy")) for p in points]
    xs = [x for x, _ in coords]
    assert xs == sorted(xs) and len(set(xs)) == 4
    # x follows the dates: a week is much shorter than the ten weeks that follow
    week = xs[1] - xs[0]
    assert xs[2] - xs[1] == pytest.approx(week, abs=0.02)
    assert xs[3] - xs[2] == pytest.approx(10 * week, abs=0.2)
    # y: equal values at equal heights, higher values nearer the top
    ys = [y for _, y in coords]
    assert ys[1] == ys[2] == ys[3] < ys[0]
    (axis,) = [el for el in by_class(root, "chart-axis") if el.get("y1") == el.get("y2")]
    grids = by_class(root, "chart-grid")
    assert len(grids) == 4
    top = min(num(g, "y1") for g in grids)
    bottom = num(axis, "y1")
    assert ys[0] == pytest.approx(bottom - (bottom - top) * 3 / 40, abs=0.01)


def test_line_chart_with_one_point() -> None:
    root = parse(line_chart([(date(2027, 1, 12), 34)], title="One"))
    _, desc = check_accessible(root, "One")
    assert desc == "Completions: 34 on 12 Jan 2027."
    assert texts(root, "chart-date") == ["12 Jan 2027"]
    assert len(by_class(root, "chart-point")) == 1
    assert not by_class(root, "chart-line")


def test_empty_line_chart_says_no_completions_yet() -> None:
    root = parse(line_chart([], title="Empty"))
    check_accessible(root, "Empty")
    assert texts(root, "chart-empty") == ["No completions yet"]
    assert not by_class(root, "chart-point")


def test_line_chart_of_zeros_and_same_dates() -> None:
    day = date(2027, 1, 1)
    root = parse(line_chart([(day, 0), (day, 0)], title="Flat"))
    assert len(by_class(root, "chart-point")) == 2
    assert len({num(p, "cx") for p in by_class(root, "chart-point")}) == 2


@pytest.mark.parametrize("peak", [0, 1, 2, 3, 4, 5, 7, 10, 34, 99, 100, 101, 999, 12345])
def test_nice_ticks(peak: int) -> None:
    ticks = nice_ticks(peak)
    assert 3 <= len(ticks) <= 5
    assert ticks[0] == 0 and ticks[-1] >= peak
    step = ticks[1]
    assert ticks == [k * step for k in range(len(ticks))]
    assert re.fullmatch(r"[125]0*", str(step))


def test_many_line_points() -> None:
    start = date(2027, 1, 4)
    points = [(start + timedelta(weeks=i), i * 3) for i in range(120)]
    root = parse(line_chart(points, title="Weekly"))
    assert len(by_class(root, "chart-point")) == 120
    assert texts(root, "chart-date") == ["4 Jan 2027", "16 Apr 2029"]  # 119 weeks later


# -- all charts -----------------------------------------------------------------------------

def all_charts(label: str, title: str = "Chart") -> list[Markup]:
    return [
        bar_chart([Bar(label, 1, 2)], title=title),
        funnel_chart([Step(label, 2), Step("Done", 1)], title=title),
        line_chart([(date(2027, 1, 1), 1)], title=title, y_name=label),
    ]


@pytest.mark.parametrize("label", HOSTILE)
def test_labels_are_escaped(label: str) -> None:
    bars, funnel, line = all_charts(label, title=label)
    for svg in (bars, funnel, line):
        text = str(svg)
        assert "<script" not in text and "<img" not in text and "<b>" not in text
        root = parse(svg)
        check_accessible(root, label)
        check_no_style_or_script(svg)
    assert row_titles(parse(bars)) == [label]
    assert row_titles(parse(funnel))[0] == label
    if len(label) <= 28:
        assert texts(parse(bars), "chart-label") == [label]
        assert texts(parse(funnel), "chart-value")[0] == f"{label}: 2 (100% of first)"
    assert texts(parse(line), "chart-axis-name") == [label[:1].upper() + label[1:]]


def test_characters_xml_cannot_hold_are_dropped() -> None:
    for svg in all_charts("bad\x00\x1b label\ufffe\ud800\n\tend", title="T\x07itle"):
        root = parse(svg)
        check_accessible(root, "Title")
    assert row_titles(parse(all_charts("bad\x00\x1b label\n\tend")[0])) == ["bad label end"]


def test_no_inline_style_or_script_anywhere() -> None:
    charts = [*all_charts("A"), bar_chart(BARS, title="B"), funnel_chart(STEPS, title="F"),
              line_chart(POINTS, title="L"), bar_chart([], title="E"), line_chart([], title="E")]
    for svg in charts:
        check_no_style_or_script(svg)


def test_every_shape_has_presentation_colours() -> None:
    charts = [bar_chart(BARS, title="B"), funnel_chart(STEPS, title="F"),
              line_chart(POINTS, title="L")]
    for svg in charts:
        root = parse(svg)
        for el in root.iter():
            tag = el.tag.removeprefix(SVG)
            if tag in {"rect", "circle", "text"}:
                assert el.get("fill"), el.attrib
            if tag in {"line", "polyline", "circle"}:
                assert el.get("stroke"), el.attrib


def test_output_is_deterministic_and_ids_differ_between_charts() -> None:
    assert bar_chart(BARS, title="Same") == bar_chart(list(BARS), title="Same")
    assert line_chart(POINTS, title="Same") == line_chart(list(POINTS), title="Same")

    first = parse(bar_chart(BARS, title="Completion by region"))
    second = parse(bar_chart(BARS[:2], title="Completion by region"))
    other = parse(funnel_chart(STEPS, title="Completion by region"))
    ids = [{el.get("id") for el in root.iter() if el.get("id")} for root in (first, second, other)]
    assert not ids[0] & ids[1] and not ids[0] & ids[2] and not ids[1] & ids[2]
    assert all(i.startswith("chart-completion-by-region-") for i in ids[0])
    # a title made only of symbols still gives a valid id
    root = parse(bar_chart(BARS, title="<>&!"))
    assert re.fullmatch(r"chart-bars-[0-9a-f]{8}-title", root.find(f"{SVG}title").get("id"))
