"""Spreadsheet formula injection: user text never starts a cell with a formula."""

from __future__ import annotations

import datetime as dt

import pytest

from app.content.cells import safe_cell


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(1)", "\tx", "\rx", "\nx", "=", "-"],
)
def test_formula_prefixes_are_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Plain text", "a=b", "1-2", "email@example.com", "'already quoted", " =x"],
)
def test_other_text_is_unchanged(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [None, 3, -2, 1.5, dt.date(2027, 1, 12)])
def test_non_text_values_are_unchanged(value: object) -> None:
    assert safe_cell(value) is value
