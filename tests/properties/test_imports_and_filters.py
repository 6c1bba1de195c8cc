"""Accounts pasted as CSV and the report's filters in a URL: any text an admin pastes gives a
plan of rows with messages (or a message for the file), and any query string gives a view
with messages, whose queries run on the database. Neither ever raises."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from app.admin.importer import plan_import
from app.reports import service
from app.reports.filters import parse
from tests.properties.conftest import NASTY, fixed, hostile_text

CSV_TOKENS = [
    "email", "full name", "name", "role", "department", "cohort", "Email", " EMAIL ", ",",
    ";", "\t", '"', '""', "\n", "\r\n", "\r", "a@example.com", "A@EXAMPLE.COM",
    "İ@example.com", "executive", "trainer", "admin", "hr", "HR", "=cmd|' /C calc'!A0",
    "+1", "-1", "@SUM(1)", "Équipe Nord", "équipe nord", "x" * 300,
]  # fmt: skip
HEADER = st.sampled_from(["email,full name,role,department,cohort\n",
                          "Email;Name;Role\r\n", "email\tfull name\trole\n", ""])
csv_texts = st.builds(lambda head, body: head + body, HEADER, hostile_text(CSV_TOKENS))

# Function-scoped fixtures are fine here: nothing below writes to the database.
NO_WRITES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@fixed(200, suppress_health_check=NO_WRITES)
@given(text=csv_texts)
@example(text='email,full name,role\n"unclosed,quote\n')
@example(text="email,full name,role\n" + "a@example.com,A,executive\n" * 3)
@example(text="email,full name,role\nx@example.com,\x00,hr\n")
def test_any_pasted_csv_gives_a_plan(database, text: str) -> None:
    with database.session() as session:
        plan = plan_import(session, text)
    assert plan.file_errors or plan.rows
    for row in plan.rows:
        assert row.line >= 2
        assert all(isinstance(reason, str) and reason for reason in row.reasons)


FILTER_KEYS = ["course", "cohort", "department", "enrolled_from", "enrolled_to", "status",
               "sort", "page"]
filter_values = st.one_of(
    st.sampled_from(["", "1", "0", "-1", "²", "٣", "2147483648", "9" * 30, "2026-02-30",
                     "2026-12-04", "0001-01-01", "9999-12-31", "completed", "overdue",
                     "-name", "name", "--name", "pilot", "%", "_", "' OR 1=1 --", *NASTY]),
    st.text(max_size=40))


@fixed(150, suppress_health_check=NO_WRITES)
@given(params=st.dictionaries(st.sampled_from(FILTER_KEYS), filter_values))
@example(params={"enrolled_from": "9999-12-31", "enrolled_to": "9999-12-31"})
@example(params={"cohort": "999999999", "page": "999999"})
def test_any_query_string_gives_a_view(database, params: dict[str, str]) -> None:
    query = parse(params)
    assert set(query.errors) <= set(FILTER_KEYS)
    with database.session() as session:
        errors = service.check_filter(session, query)
        where = service.scope(session, query.filter, today=date(2026, 12, 4))
        figures = service.figures(session, where)
        page = service.learners(session, where, query, total=figures.enrolled)
    assert set(errors) >= set(query.errors)
    assert figures.enrolled == 0 and list(page.rows) == []
