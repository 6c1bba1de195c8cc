"""Shared pieces of the property tests: reproducible Hypothesis settings and strategies
for hostile text.

The settings are applied per test (``@fixed(60)``) rather than loaded as a global
profile, so the rest of the suite keeps Hypothesis' defaults.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st


def fixed(max_examples: int, **overrides: object) -> settings:
    """The same examples on every run (derandomized, no example database), no per-example
    time limit (CI machines are slow and shared)."""
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=max_examples,
        **overrides,  # type: ignore[arg-type]
    )


# Characters that break naive parsers: NUL and other controls, every line break Python
# knows, BOM, zero-width and bidi marks, private-use and non-character code points, digits
# that are not ASCII, combining marks, case-folding surprises, astral characters.
NASTY = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1f", "\x7f", "\x85", "\xa0",
    "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e", "\ue000", "\ue001", "\ue002",
    "\ue003", "\ue004", "\ue005", "\ue006", "\uffff", "\U0010ffff", "²", "٣", "\uff11",
    "\U0001d7d7", "e\u0301", "ß", "İ", "ﬁ", "漢字", "🙂", " ", "\t", "\n", "\r", "\r\n", "\\",
]  # fmt: skip


# Moodle GIFT's syntax, and values at the edges of what it accepts.
GIFT_TOKENS = [
    "{", "}", "~", "=", "#", "####", "::", ":", "//", "// [id:x] [tag:y]", "[id:", "[tag:",
    "]", "\\", "\\{", "\\}", "\\=", "\\~", "\\#", "\\:", "\\n", "\\\\", "\\]", "->", "%",
    "%50%", "%-25%", "%100%", "%33.33333%", "%1.5%", "%-%", "%5 0%", "%-50.0%", "T",
    "TRUE", "F", "FALSE", "true", "..", "1", "-2.5", "1e308", "1.7e308", "-1e308", "3:0.5",
    "2..4", "*", "[html]", "[moodle]", "[plain]", "[markdown]", "[", "$CATEGORY:",
    "$CATEGORY: a/b", "_____", "Q?", "a", " ", "\n", "\n\n",
]  # fmt: skip


def hostile_text(tokens: list[str], *, max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Text made of a format's own tokens, nasty characters and random Unicode, sometimes
    with one token or character repeated into a very long run somewhere in it."""
    piece = st.one_of(st.sampled_from(tokens), st.sampled_from(NASTY), st.text(max_size=6))
    long_run = st.builds(
        lambda text, times: text * times,
        st.sampled_from(tokens + NASTY),
        st.integers(min_value=200, max_value=20_000),
    )
    return st.builds(
        lambda pieces, run, where: "".join([*pieces[:where], run, *pieces[where:]]),
        st.lists(piece, max_size=max_pieces),
        st.one_of(st.just(""), st.just(""), long_run),
        st.integers(min_value=0, max_value=max_pieces),
    )
