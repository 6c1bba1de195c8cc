"""``podium reports export``: the same content as the dashboard's downloads for the same
filter (a cohort given by name), and clear refusals that leave no file behind."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from app.cli import cli
from tests.conftest import TEST_SECRET
from tests.reports.conftest import AUTUMN, ESSENTIALS, SPRING, Dataset

runner = CliRunner()


def env(database_url: str) -> dict[str, str]:
    return {"PODIUM_DATABASE_URL": database_url, "PODIUM_SECRET_KEY": TEST_SECRET,
            "PODIUM_ENV": "production", "PODIUM_BASE_URL": "https://testserver"}


def run(database_url: str, out: Path, fmt: str, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["reports", "export", "--format", fmt, "--out", str(out),
                               *options], env=env(database_url))


def xlsx_cells(content: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [[(cell.value, cell.data_type) for cell in row]
                for row in book["Completion"].iter_rows()]
    finally:
        book.close()


# (CLI options, the browser's query parameters; cohorts by name, replaced by their id)
VIEWS: list[tuple[list[str], dict[str, str], int]] = [
    ([], {}, 9),
    (["--course", ESSENTIALS], {"course": ESSENTIALS}, 7),
    (["--cohort", AUTUMN], {"cohort": AUTUMN}, 3),
    (["--course", ESSENTIALS, "--cohort", SPRING], {"course": ESSENTIALS, "cohort": SPRING}, 4),
    (["--department", "Finance", "--status", "overdue", "--enrolled-from", "2024-02-01",
      "--enrolled-to", "2024-12-31"],
     {"department": "Finance", "status": "overdue", "enrolled_from": "2024-02-01",
      "enrolled_to": "2024-12-31"}, 2),  # Dan, Grace/brand
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_writes_what_the_browser_downloads(dataset: Dataset, hr_client, database_url: str,
                                               tmp_path: Path, fmt: str) -> None:
    for options, params, rows in VIEWS:
        out = tmp_path / f"report-{len(options)}.{fmt}"
        if not options:  # missing folders are created
            out = tmp_path / "nightly" / "hr" / f"report-0.{fmt}"
        result = run(database_url, out, fmt, *options)
        assert result.exit_code == 0, result.output
        assert f"Wrote {rows} row(s) to {out}." in result.output
        browser = hr_client.get(f"/reports/export.{fmt}", params=dataset.params(params))
        assert browser.status_code == 200
        if fmt == "csv":
            text = out.read_bytes().decode("utf-8-sig")
            assert text == browser.content.decode("utf-8-sig"), options
            assert out.read_bytes().startswith(b"\xef\xbb\xbf")
            assert text.count("\r\n") == rows + 1, options
        else:
            cells = xlsx_cells(out.read_bytes())
            assert cells == xlsx_cells(browser.content), options
            assert len(cells) == rows + 1, options
    # no temporary files left
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        {f"report-{len(o)}.{fmt}" for o, _, _ in VIEWS})


BAD = [
    (["--format", "pdf"], "--format: use csv or xlsx."),
    (["--course", "no-such-course"], "--course: There is no course with this name."),
    (["--cohort", "Winter 2031"], "--cohort: there is no cohort named 'Winter 2031'."),
    (["--cohort", "1"], "--cohort: there is no cohort named '1'."),  # names, not ids
    (["--enrolled-from", "2024-02-30"], "--enrolled-from: Enter a date as YYYY-MM-DD."),
    (["--enrolled-from", "2024-03-02", "--enrolled-to", "2024-03-01"],
     "--enrolled-to: The end of the range is before its start."),
    (["--status", "done"], "--status: Choose a status from the list."),
]


@pytest.mark.parametrize(("options", "message"), BAD, ids=[o[0] + "-" + o[1] for o, _ in BAD])
def test_cli_refuses_bad_options_without_writing(database_url: str, tmp_path: Path,
                                                 options: list[str], message: str) -> None:
    fmt = "csv"
    if options[0] == "--format":
        fmt, options = options[1], []
    out = tmp_path / "out" / "report.csv"
    result = run(database_url, out, fmt, *options)
    assert result.exit_code != 0
    assert message in result.output
    assert "Wrote" not in result.output
    assert not out.exists()
    # An earlier report at that path is left as it was.
    out.parent.mkdir(exist_ok=True)
    out.write_text("earlier report")
    again = run(database_url, out, fmt, *options)
    assert again.exit_code != 0
    assert out.read_text() == "earlier report"
    assert [p.name for p in out.parent.iterdir()] == ["report.csv"]
