"""Colour contrast of the design tokens in static/css/podium.css and reports.css: every text
colour reaches WCAG AA (4.5:1) on every background it is used on, in light and dark mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "css"

TEXT = ["ink", "ink-soft", "muted", "accent", "ok", "warn", "error", "info"]
BACKGROUNDS = ["bg", "surface", "surface-2", "row-hover", "accent-soft"]
# a colour on its own "soft" background (badges, notices, callouts), text on fills
PAIRS = [("ok", "ok-soft"), ("warn", "warn-soft"), ("error", "error-soft"),
         ("info", "info-soft"), ("accent", "info-soft"), ("muted", "ok-soft"),
         ("muted", "warn-soft"), ("muted", "error-soft"), ("muted", "info-soft"),
         ("ink-soft", "warn-soft"), ("ink", "highlight"), ("ink-soft", "highlight"),
         ("accent-ink", "accent"), ("accent-ink", "accent-hover"), ("on-error", "error"),
         ("ink", "ok-soft"), ("ink", "warn-soft"), ("ink", "error-soft"), ("ink", "info-soft")]


def _block(css: str, start: int) -> str:
    """The text between the brace opening at or after ``start`` and its closing brace."""
    opening = css.index("{", start)
    depth, index = 0, opening
    while True:
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return css[opening + 1:index]
        index += 1


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\b", block))


def palettes() -> dict[str, dict[str, str]]:
    css = (CSS / "podium.css").read_text(encoding="utf-8")
    light = _tokens(_block(css, css.index(":root")))
    dark_query = css.index("@media (prefers-color-scheme: dark)")
    dark = {**light, **_tokens(_block(_block(css, dark_query), 0))}
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#6b7380", "#f6f7f9") == pytest.approx(4.46, abs=0.01)  # the grey


def test_both_palettes_define_every_token() -> None:
    found = palettes()
    needed = set(TEXT + BACKGROUNDS) | {name for pair in PAIRS for name in pair}
    for mode, tokens in found.items():
        assert needed <= set(tokens), (mode, needed - set(tokens))
    assert found["light"]["bg"] != found["dark"]["bg"]  # dark mode really redefines them


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_text_colour_reaches_aa_on_every_background(mode: str) -> None:
    tokens = palettes()[mode]
    pairs = [(t, b) for t in TEXT for b in BACKGROUNDS] + PAIRS
    failing = [f"--{t} on --{b}: {contrast(tokens[t], tokens[b]):.2f}"
               for t, b in pairs if contrast(tokens[t], tokens[b]) < 4.5]
    assert failing == []


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_report_sort_arrows_reach_aa(mode: str) -> None:
    reports = (CSS / "reports.css").read_text(encoding="utf-8")
    blue = _tokens(_block(reports, reports.index(":root")))["report-blue"]
    if mode == "dark":
        query = reports.index("@media (prefers-color-scheme: dark)")
        blue = _tokens(_block(_block(reports, query), 0))["report-blue"]
    tokens = palettes()[mode]
    for background in ("surface", "surface-2"):
        assert contrast(blue, tokens[background]) >= 4.5, (mode, background)
