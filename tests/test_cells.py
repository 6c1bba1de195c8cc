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


def _csv(headers: list[str], rows: list[list[object]], kinds: list[str] | None) -> list[list[str]]:
    import csv
    import io

    from app.content.cells import csv_chunks

    text = "".join(csv_chunks(headers, iter(rows), kinds))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_columns_written_by_their_kind_match_the_values_own_types() -> None:
    """With each column's kind the writer converts only what needs it; the file is the
    same as when every value's type decides."""
    from app.content.cells import DAY, DECIMAL, INTEGER, LABEL, STAMP, TEXT

    berlin = dt.timezone(dt.timedelta(hours=1))
    headers = ["=Name", "Status", "Percent", "Minutes", "At", "Due"]
    kinds = [TEXT, LABEL, INTEGER, DECIMAL, STAMP, DAY]
    rows: list[list[object]] = [
        ["=HYPERLINK(1)", "In progress", 45, 1.5, dt.datetime(2027, 1, 12, 10, 30, 5, 999,
                                                               tzinfo=berlin),
         dt.date(2027, 2, 1)],
        ["Ada", "Completed", 100, 100.0, dt.datetime(2027, 1, 12, 9, 0, tzinfo=dt.UTC), None],
        ["", "Not started", 0, 2.96, None, None],
        [None, "No", 7, 0.04, None, None],
    ]
    expected = [
        ["'=Name", "Status", "Percent", "Minutes", "At", "Due"],
        ["'=HYPERLINK(1)", "In progress", "45", "1.5", "2027-01-12T09:30:05Z", "2027-02-01"],
        ["Ada", "Completed", "100", "100", "2027-01-12T09:00:00Z", ""],
        ["", "Not started", "0", "3", "", ""],
        ["", "No", "7", "0", "", ""],
    ]
    assert _csv(headers, rows, kinds) == expected
    assert _csv(headers, rows, None) == expected
    with pytest.raises(ValueError, match="one kind per column"):
        _csv(headers, rows, [TEXT] * 5)
    with pytest.raises(ValueError, match="unknown column kinds"):
        _csv(headers, rows, ["text", "label", "integer", "decimal", "stamp", "colour"])
