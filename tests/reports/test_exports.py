"""CSV and XLSX completion exports: exactly the expected rows and headers, ISO 8601 UTC
times, real numbers and dates in XLSX, the dashboard's filters, formula neutralisation of
every text cell, and download headers."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

import openpyxl
import pytest

from app.admin import service as admin_service
from app.db import Database
from app.enrolments.service import enrol_users
from app.models import Role
from app.reports.activity import EXPORT_HEADERS as ACTIVITY_HEADERS
from app.reports.exports import FIXED_HEADERS
from tests.reports.conftest import (
    AUTUMN,
    BRAND,
    EMAILS,
    ESSENTIALS,
    HALF,
    Dataset,
    Progress,
)

QUIZ_HEADERS = ["Best quiz score: Voice (%)", "Best quiz score: Reach (%)"]
WORKBOOK_HEADERS = ["Persona status", "Plan status"]
HEADERS = FIXED_HEADERS + QUIZ_HEADERS + WORKBOOK_HEADERS + ACTIVITY_HEADERS
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The whole unfiltered report as CSV text: course title first ("Brand basics" before
# "Social media essentials"), then name. Derived from the dataset in conftest.py: Alice's
# 1.5 minutes are two reading heartbeats of 60 + 30 s; Frank's 16% is 1 of 6 lessons.
CSV_ROWS = [
    "alice@corp.example,Alice Archer,Sales,Spring 2024,Brand basics,2024-01-10T09:00:00Z,,"
    "Completed,No,100,2024-01-12T09:00:00Z,2024-01-12T09:00:00Z,0,,,Approved,In review",
    "grace@corp.example,Grace Green,Finance,Spring 2024,Brand basics,2024-03-15T09:00:00Z,"
    "2024-06-01,Not started,Yes,0,,,0,,,Not started,Not started",
    "alice@corp.example,Alice Archer,Sales,Spring 2024,Social media essentials,"
    "2024-01-01T09:00:00Z,2099-12-31,Completed,No,100,2024-01-06T09:00:00Z,"
    "2024-01-06T09:00:00Z,1.5,100,100,Approved,In review",
    "bob@corp.example,Bob Baker,Sales,Autumn 2024; Spring 2024,Social media essentials,"
    "2024-01-01T09:00:00Z,2099-06-30,Completed,No,100,2024-01-11T09:00:00Z,"
    "2024-01-11T09:00:00Z,0,50,100,Approved,In progress",
    "carol@corp.example,Carol Chen,Finance,Autumn 2024,Social media essentials,"
    "2024-02-01T00:00:00Z,2099-06-30,Completed,No,100,2024-02-21T00:00:00Z,"
    "2024-02-21T00:00:00Z,0,100,50,In review,Not started",
    "dan@corp.example,Dan Diaz,Finance,Autumn 2024,Social media essentials,"
    "2024-02-29T23:59:00Z,2024-03-31,In progress,Yes,50,,2024-03-10T10:00:00Z,0,50,,"
    "Changes requested,Approved",
    "erin@corp.example,Erin Evans,,,Social media essentials,2024-03-01T00:00:00Z,"
    "2024-03-15,Not started,Yes,0,,,0,,,Not started,Not started",
    "frank@corp.example,Frank Fox,Sales,Spring 2024,Social media essentials,"
    "2024-03-01T12:00:00Z,2099-01-31,In progress,No,16,,2024-03-20T12:00:00Z,0,,,"
    "In progress,Not started",
    "grace@corp.example,Grace Green,Finance,Spring 2024,Social media essentials,"
    "2024-03-15T09:00:00Z,,Not started,No,0,,,0,,,Not started,Not started",
]
# The activity log's aggregates of each row's cohorts (app.reports.activity): nobody has
# logged a week, so every median and share is 0; Spring has 4 executives, Autumn 3, Bob's
# two cohorts 6 together; Erin has no cohort. SSI: nobody recorded one.
ACTIVITY = {"Spring 2024": 4, "Autumn 2024": 3, "Autumn 2024; Spring 2024": 6}


def _activity_csv(cohorts: str) -> list[str]:
    size = ACTIVITY.get(cohorts)
    return [str(size), *["0"] * 6, ""] if size else [""] * len(ACTIVITY_HEADERS)


def _activity_xlsx(cohorts: str | None) -> list[Any]:
    size = ACTIVITY.get(cohorts or "")
    return [size, *[0] * 6, None] if size else [None] * len(ACTIVITY_HEADERS)


EXPECTED_CSV = [(cells := row.split(",")) + _activity_csv(cells[3]) for row in CSV_ROWS]


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# The same rows as XLSX reads them back: naive UTC datetimes, dates as midnight datetimes,
# numbers as numbers, empty cells as None.
EXPECTED_XLSX: list[list[Any]] = [
    ["alice@corp.example", "Alice Archer", "Sales", "Spring 2024", "Brand basics",
     dt("2024-01-10 09:00"), None, "Completed", "No", 100, dt("2024-01-12 09:00"),
     dt("2024-01-12 09:00"), 0, None, None, "Approved", "In review"],
    ["grace@corp.example", "Grace Green", "Finance", "Spring 2024", "Brand basics",
     dt("2024-03-15 09:00"), dt("2024-06-01"), "Not started", "Yes", 0, None, None, 0, None,
     None, "Not started", "Not started"],
    ["alice@corp.example", "Alice Archer", "Sales", "Spring 2024", "Social media essentials",
     dt("2024-01-01 09:00"), dt("2099-12-31"), "Completed", "No", 100, dt("2024-01-06 09:00"),
     dt("2024-01-06 09:00"), 1.5, 100, 100, "Approved", "In review"],
    ["bob@corp.example", "Bob Baker", "Sales", "Autumn 2024; Spring 2024",
     "Social media essentials", dt("2024-01-01 09:00"), dt("2099-06-30"), "Completed", "No",
     100, dt("2024-01-11 09:00"), dt("2024-01-11 09:00"), 0, 50, 100, "Approved",
     "In progress"],
    ["carol@corp.example", "Carol Chen", "Finance", "Autumn 2024", "Social media essentials",
     dt("2024-02-01 00:00"), dt("2099-06-30"), "Completed", "No", 100, dt("2024-02-21 00:00"),
     dt("2024-02-21 00:00"), 0, 100, 50, "In review", "Not started"],
    ["dan@corp.example", "Dan Diaz", "Finance", "Autumn 2024", "Social media essentials",
     dt("2024-02-29 23:59"), dt("2024-03-31"), "In progress", "Yes", 50, None,
     dt("2024-03-10 10:00"), 0, 50, None, "Changes requested", "Approved"],
    ["erin@corp.example", "Erin Evans", None, None, "Social media essentials",
     dt("2024-03-01 00:00"), dt("2024-03-15"), "Not started", "Yes", 0, None, None, 0, None,
     None, "Not started", "Not started"],
    ["frank@corp.example", "Frank Fox", "Sales", "Spring 2024", "Social media essentials",
     dt("2024-03-01 12:00"), dt("2099-01-31"), "In progress", "No", 16, None,
     dt("2024-03-20 12:00"), 0, None, None, "In progress", "Not started"],
    ["grace@corp.example", "Grace Green", "Finance", "Spring 2024", "Social media essentials",
     dt("2024-03-15 09:00"), None, "Not started", "No", 0, None, None, 0, None, None,
     "Not started", "Not started"],
]
EXPECTED_XLSX = [row + _activity_xlsx(row[3]) for row in EXPECTED_XLSX]
NUMERIC_COLUMNS = ["Percent complete", "Time spent (minutes)", *QUIZ_HEADERS]
TIME_COLUMNS = ["Enrolled at (UTC)", "Completed at (UTC)", "Last activity (UTC)"]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark for spreadsheets
    text = content.decode("utf-8-sig")
    assert "\ufeff" not in text
    return list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx(content: bytes) -> tuple[list[list[Any]], list[list[str]], list[list[str]]]:
    """Every row's values, cell data types and number formats."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        assert book.sheetnames == ["Completion"]
        sheet = book["Completion"]
        values, types, formats = [], [], []
        for row in sheet.iter_rows():
            values.append([cell.value for cell in row])
            types.append([cell.data_type for cell in row])
            formats.append([getattr(cell, "number_format", "") for cell in row])
    finally:
        book.close()
    width = max(len(r) for r in values)
    return [r + [None] * (width - len(r)) for r in values], types, formats


def get_csv(client, **params: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get("/reports/export.csv", params=params)
    assert response.status_code == 200, response.text[:300]
    return read_csv(response.content)


def get_xlsx(client, **params: str) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    response = client.get("/reports/export.xlsx", params=params)
    assert response.status_code == 200, response.text[:300]
    values, types, formats = read_xlsx(response.content)
    assert not any("f" in row for row in types)  # never a formula
    for row, row_formats in zip(values[1:], formats[1:], strict=True):
        for header in TIME_COLUMNS:  # shown as ISO 8601 UTC
            column = HEADERS.index(header)
            if row[column] is not None:
                assert row_formats[column] == 'yyyy-mm-dd"T"hh:mm:ss"Z"', header
    return values


def project(rows: list[list[Any]], headers: list[str]) -> list[list[Any]]:
    """Expected rows restricted to some headers (exports without quiz columns)."""
    index = [HEADERS.index(h) for h in headers]
    return [[row[i] for i in index] for row in rows]


def test_csv_and_xlsx_have_exactly_the_expected_header_and_rows(dataset: Dataset,
                                                               hr_client) -> None:
    rows = get_csv(hr_client)
    assert rows[0] == HEADERS
    assert rows[1:] == EXPECTED_CSV
    for row in rows[1:]:
        for header in TIME_COLUMNS:
            value = row[HEADERS.index(header)]
            assert value == "" or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value)

    # XLSX: the same rows with real numbers and dates.
    rows = get_xlsx(hr_client)
    assert rows[0] == HEADERS
    assert rows[1:] == EXPECTED_XLSX
    for row in rows[1:]:
        for header in NUMERIC_COLUMNS:
            value = row[HEADERS.index(header)]
            assert value is None or (isinstance(value, int | float)
                                     and not isinstance(value, bool)), (header, value)
        for header in [*TIME_COLUMNS, "Due date"]:
            value = row[HEADERS.index(header)]
            assert value is None or isinstance(value, datetime), (header, value)
    alice = rows[3]
    assert isinstance(alice[HEADERS.index("Time spent (minutes)")], float)
    assert isinstance(alice[HEADERS.index("Percent complete")], int)


FILTERS = [
    # (params, emails in order, has quiz columns)
    ({"course": BRAND}, ["alice", "grace"], False),
    ({"course": ESSENTIALS}, ["alice", "bob", "carol", "dan", "erin", "frank", "grace"], True),
    ({"cohort": AUTUMN}, ["bob", "carol", "dan"], True),
    ({"department": "Finance"}, ["grace", "carol", "dan", "grace"], True),
    ({"enrolled_from": "2024-02-01", "enrolled_to": "2024-02-29"}, ["carol", "dan"], True),
    ({"status": "overdue"}, ["grace", "dan", "erin"], True),
    ({"status": "completed"}, ["alice", "alice", "bob", "carol"], True),
    ({"status": "not-started", "course": ESSENTIALS}, ["erin", "grace"], True),
]


def test_exports_apply_the_dashboard_filters(dataset: Dataset, hr_client) -> None:
    for values, emails, quizzes in FILTERS:
        params = dataset.params(values)
        headers = (FIXED_HEADERS + (QUIZ_HEADERS if quizzes else []) + WORKBOOK_HEADERS
                   + ACTIVITY_HEADERS)
        csv_rows = get_csv(hr_client, **params)
        assert csv_rows[0] == headers, values
        assert [row[0] for row in csv_rows[1:]] == [EMAILS[e] for e in emails], values
        # The same cells as in the full report (rows picked by email and course).
        full = {(row[0], row[4]): row for row in project(EXPECTED_CSV, headers)}
        assert csv_rows[1:] == [full[row[0], row[4]] for row in csv_rows[1:]], values
        xlsx_rows = get_xlsx(hr_client, **params)
        full_x = {(row[0], row[4]): row for row in project(EXPECTED_XLSX, headers)}
        assert xlsx_rows[0] == headers, values
        assert xlsx_rows[1:] == [full_x[row[0], row[4]] for row in xlsx_rows[1:]], values
        assert [row[0] for row in xlsx_rows[1:]] == [EMAILS[e] for e in emails], values


def test_csv_is_streamed_in_chunks_and_an_empty_view_has_only_the_header(
        dataset: Dataset, hr_client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_csv(hr_client, department="Nobody") == [HEADERS]
    assert get_xlsx(hr_client, department="Nobody") == [HEADERS]
    monkeypatch.setattr("app.content.cells.CSV_CHUNK_ROWS", 2)
    response = hr_client.get("/reports/export.csv")
    assert response.content.count(b"\xef\xbb\xbf") == 1  # one byte-order mark, at the start
    assert read_csv(response.content)[1:] == EXPECTED_CSV


# Formula neutralisation -----------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1", "-2+3", "@SUM(A1)", "\t=1",
           "\r=1", "\n=1"]


@pytest.fixture
def hostile(dataset: Dataset, database: Database, make_user) -> list[str]:  # type: ignore[no-untyped-def]
    """One executive per dangerous prefix, with that text as name, department and only
    cohort; each enrolled in essentials, the first with a quiz score of 50."""
    users = [make_user(Role.executive, email=f"hostile{i}@corp.example", full_name=text,
                       department=text, password=None) for i, text in enumerate(HOSTILE)]
    with database.session(write=True) as s:
        for user, text in zip(users, HOSTILE, strict=True):
            cohort = admin_service.create_cohort(s, name=text)
            admin_service.add_user_to_cohorts(s, user=user, cohort_ids=[cohort.id])
        enrol_users(s, course=dataset.essentials, users=users, due_date=None)
        first = Progress(s, dataset.essentials, users[0])
        first.attempt("voice-quiz", HALF, datetime.fromisoformat("2024-05-01T10:00:00+00:00"),
                      started=datetime.fromisoformat("2024-05-01T09:50:00+00:00"))
    return [u.email for u in users]


def _xlsx_text(value: Any) -> Any:
    # xlsxwriter stores a carriage return as the OOXML escape _x000D_ (Excel reads it back
    # as "\r"); openpyxl leaves the escape as is.
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def test_every_dangerous_prefix_is_neutralised_in_csv_and_xlsx(hostile: list[str],
                                                               hr_client) -> None:
    name, dept, cohorts = (HEADERS.index(h) for h in ("Name", "Department", "Cohorts"))
    percent, score = HEADERS.index("Percent complete"), HEADERS.index(QUIZ_HEADERS[0])
    csv_rows = {row[0]: row for row in get_csv(hr_client, course=ESSENTIALS)[1:]}
    xlsx_rows = {row[0]: row for row in get_xlsx(hr_client, course=ESSENTIALS)[1:]}
    for email, text in zip(hostile, HOSTILE, strict=True):
        for kind, row in (("csv", csv_rows[email]), ("xlsx", xlsx_rows[email])):
            for column in (name, dept, cohorts):
                value = _xlsx_text(row[column]) if kind == "xlsx" else row[column]
                assert value == "'" + text, (kind, HEADERS[column], repr(text), repr(value))
    # Numbers stay numbers, never prefixed.
    first = hostile[0]
    # (the passed quiz is 1 of the course's 6 required lessons: 16%)
    assert csv_rows[first][percent] == "16" and csv_rows[first][score] == "50"
    assert xlsx_rows[first][percent] == 16 and xlsx_rows[first][score] == 50
    assert isinstance(xlsx_rows[first][score], int | float)
    assert all(isinstance(xlsx_rows[e][percent], int) for e in hostile)
    # Harmless texts are left alone.
    assert csv_rows[EMAILS["alice"]][name] == "Alice Archer"
    # Filters compare the stored text, not the neutralised cell.
    rows = get_csv(hr_client, course=ESSENTIALS, department="+1")
    assert [row[0] for row in rows[1:]] == [hostile[1]]
    assert rows[1][1:4] == ["'+1", "'+1", "'+1"]


# Download headers -----------------------------------------------------------------------

def test_download_headers_and_a_hostile_course_value(dataset: Dataset, hr_client) -> None:
    for fmt, media_type in (("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)):
        for params, subject in (({}, "all-courses"), ({"course": ESSENTIALS}, ESSENTIALS)):
            response = hr_client.get(f"/reports/export.{fmt}", params=params)
            assert response.status_code == 200
            assert response.headers["content-type"] == media_type
            assert response.headers["cache-control"] == "no-store"
            assert re.fullmatch(
                rf'attachment; filename="podium-completion-{subject}-\d{{8}}-\d{{4}}\.{fmt}"',
                response.headers["content-disposition"]), response.headers

    # The file name is the server's: a course value must first be an existing slug.
    for value in ('x"; filename="evil.exe', "essentials\r\nSet-Cookie: a=b", "../../etc",
                  "ESSENTIALS", "essentials "):
        for fmt in ("csv", "xlsx"):
            response = hr_client.get(f"/reports/export.{fmt}", params={"course": value})
            if value.strip() == ESSENTIALS:  # the same slug, only surrounded by spaces
                assert response.status_code == 200
                assert "evil" not in response.headers["content-disposition"]
                continue
            assert response.status_code == 400, (value, fmt)
            assert "content-disposition" not in response.headers
            assert all(v != "a=b" for v in response.headers.values())
