"""The HR completion dashboard: figures, breakdowns, the learner table (sort, pages, HTMX
fragment), filters reflected back, invalid values, escaping, secrecy of workbook text and
who may see it. Expected values come from the hand-built dataset in ``conftest.py``."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session

from app.admin import service as admin_service
from app.db import Database
from app.enrolments.service import enrol_users
from app.models import Role, User
from app.reports import service
from app.reports.filters import PAGE_SIZE, SORTS, parse
from tests.courses_data import small_spec
from tests.reports.conftest import (
    ALL,
    AUTUMN,
    BRAND,
    BY_COHORT_ALL,
    BY_DEPARTMENT_ALL,
    EMAILS,
    ESSENTIALS,
    FILTERED,
    MEDIAN_DAYS_ALL,
    OVER_TIME_ALL,
    PERSONA_ALL,
    PERSONA_APPROVED_ENROLMENTS,
    PLAN_ALL,
    QUIZ_AVERAGE_ALL,
    SECRET,
    SORTED,
    SPRING,
    Dataset,
)

FIGURE_IDS = ("enrolled", "started", "completed", "rate", "overdue", "median", "quiz")
LABELS = {"not-started": "Not started", "in-progress": "In progress", "in-review": "In review",
          "changes-requested": "Changes requested", "approved": "Approved"}
HOSTILE = "<script>alert(1)</script>"


# Reading the page -----------------------------------------------------------------------

def figures_shown(page: str) -> dict[str, str]:
    shown = {}
    for name in FIGURE_IDS:
        match = re.search(rf'id="fig-{name}">([^<]*)<', page)
        assert match, f"no #fig-{name}"
        shown[name] = html.unescape(match.group(1)).strip()
    return shown


def counts_shown(page: str, key: str) -> dict[str, int]:
    match = re.search(rf'id="counts-{key}">(.*?)</ul>', page, re.S)
    assert match, f"no #counts-{key}"
    found = re.findall(r'<span class="badge[^"]*">([^<]+)</span>\s*<strong>(\d+)</strong>',
                       match.group(1))
    return {label: int(n) for label, n in found}


def learners_section(page: str) -> str:
    start = page.index('<section id="learners"')
    return page[start:page.index("</section>", start)]


def emails_shown(page: str) -> list[str]:
    return re.findall(r'<span class="meta">([^<@\s]+@[^<\s]+)</span>', learners_section(page))


def table_rows(page: str) -> list[list[str]]:
    """Each learner row's cells as text; the module cell as its "done/required" counts."""
    body = learners_section(page)
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = []
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S):
            counts = re.findall(r'<span class="module-count">([^<]*)</span>', cell)
            text = " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            cells.append(" ".join(counts) if counts else html.unescape(text))
        rows.append(cells)
    return rows


def selected(page: str, name: str) -> list[str]:
    match = re.search(rf'<select id="f-{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {name}"
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)" selected>',
                                                 match.group(1))]


def date_input(page: str, name: str) -> str:
    match = re.search(rf'<input id="f-{name}" name="{name}" type="date" value="([^"]*)"', page)
    assert match, f"no date input {name}"
    return html.unescape(match.group(1))


def export_query(page: str, fmt: str) -> tuple[str, dict[str, list[str]]]:
    match = re.search(rf'id="export-{fmt}" href="([^"]+)"', page)
    assert match, f"no export link {fmt}"
    url = urlsplit(html.unescape(match.group(1)))
    return url.path, parse_qs(url.query)


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def scope_of(session: Session, params: dict[str, str]) -> service.Scope:
    query = parse(params)
    assert not service.check_filter(session, query)
    return service.scope(session, query.filter, today=date.today())


def as_shown(figures: service.Figures) -> dict[str, object]:
    """The service's figures in the page's format."""
    return {
        "enrolled": figures.enrolled, "started": figures.started,
        "completed": figures.completed,
        "rate": "—" if figures.completion_rate is None else f"{figures.completion_rate:.0f}%",
        "overdue": figures.overdue,
        "median": "—" if figures.median_days is None else f"{figures.median_days:.1f}",
        "quiz": "—" if figures.quiz_average is None else f"{figures.quiz_average:.1f}%",
    }


# Figures --------------------------------------------------------------------------------

def test_unfiltered_figures_counts_charts_and_service_match_the_hand_computed_values(
        dataset: Dataset, hr_client, database: Database) -> None:
    response = hr_client.get("/reports")
    assert response.status_code == 200
    page = response.text
    assert figures_shown(page) == {key: str(value) for key, value in ALL.items()}
    assert counts_shown(page, "persona") == {LABELS[k]: n for k, n in PERSONA_ALL.items()}
    assert counts_shown(page, "plan") == {LABELS[k]: n for k, n in PLAN_ALL.items()}
    # The chart data tables next to each chart.
    cohort = page[page.index('id="chart-cohort"'):page.index('id="chart-department"')]
    for label, enrolled, completed in BY_COHORT_ALL:
        assert re.search(rf'<th scope="row">{label}</th><td class="num">{enrolled}</td>'
                         rf'<td class="num">{completed}</td>', cohort), label
    department = page[page.index('id="chart-department"'):page.index('id="chart-funnel"')]
    for label, enrolled, completed in BY_DEPARTMENT_ALL:
        assert re.search(rf'<th scope="row">{label}</th><td class="num">{enrolled}</td>'
                         rf'<td class="num">{completed}</td>', department), label
    funnel = page[page.index('id="chart-funnel"'):page.index('id="chart-time"')]
    steps = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', funnel)
    assert steps == [("Enrolled", "9"), ("Started", "6"),
                     ("Persona approved", str(PERSONA_APPROVED_ENROLMENTS)), ("Completed", "4")]
    over_time = page[page.index('id="chart-time"'):page.index('<section id="learners"')]
    points = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', over_time)
    assert points == [(f"{d.day} {d:%b %Y}", str(n)) for d, n in OVER_TIME_ALL]
    assert page.count("<svg") >= 4
    assert "(9 enrolments)" in page

    # The service functions, directly.
    with database.session() as s:
        where = scope_of(s, {})
        figures = service.figures(s, where)
        assert (figures.enrolled, figures.started, figures.completed, figures.overdue) == (
            9, 6, 4, 3)
        assert figures.completion_rate == pytest.approx(400 / 9)
        assert figures.median_days == pytest.approx(MEDIAN_DAYS_ALL, abs=1e-6)
        assert figures.quiz_average == pytest.approx(QUIZ_AVERAGE_ALL)
        assert figures.persona == PERSONA_ALL
        assert figures.plan == PLAN_ALL
        assert figures.persona_approved_enrolments == PERSONA_APPROVED_ENROLMENTS
        assert (figures.in_progress, figures.not_started) == (2, 3)
        assert [(g.label, g.enrolled, g.completed)
                for g in service.by_cohort(s, where)] == BY_COHORT_ALL
        assert [(g.label, g.enrolled, g.completed)
                for g in service.by_department(s, where)] == BY_DEPARTMENT_ALL
        assert service.completions_over_time(s, where) == OVER_TIME_ALL

        page = service.learners(s, where, parse({}), total=figures.enrolled)
        assert (page.total, page.page, page.pages) == (9, 1, 1)
        rows = {(r.email, r.course_slug): r for r in page.rows}
        assert [r.email for r in page.rows] == [EMAILS[k] for k in (
            "alice", "alice", "bob", "carol", "dan", "erin", "frank", "grace", "grace")]
        dan = rows[EMAILS["dan"], ESSENTIALS]
        assert (dan.percent, dan.status, dan.overdue, dan.quiz_average) == (
            50, "in-progress", True, 50.0)
        assert [(m.title, m.done, m.required) for m in dan.modules] == [
            ("Voice", 3, 3), ("Reach", 0, 3)]
        assert (dan.persona, dan.plan) == ("changes-requested", "approved")
        alice = rows[EMAILS["alice"], ESSENTIALS]
        assert (alice.percent, alice.seconds_spent, alice.quiz_average) == (100, 90, 100.0)
        assert alice.completed_at is not None and alice.completed_at.isoformat() == (
            "2024-01-06T09:00:00+00:00")
        frank = rows[EMAILS["frank"], ESSENTIALS]
        assert (frank.percent, frank.status, frank.quiz_average) == (16, "in-progress", None)
        assert frank.last_activity_at is not None
        assert frank.last_activity_at.isoformat() == "2024-03-20T12:00:00+00:00"
        grace = rows[EMAILS["grace"], BRAND]
        assert (grace.status, grace.overdue, grace.last_activity_at, grace.modules) == (
            "not-started", True, None, [service.ModuleCell("Story", 0, 1)])


def test_every_filter_gives_the_hand_computed_figures_on_page_and_in_the_service(
        dataset: Dataset, hr_client, database: Database) -> None:
    for values, expected in FILTERED:
        params = dataset.params(values)
        response = hr_client.get("/reports", params=params)
        assert response.status_code == 200, (values, response.text[:300])
        shown = figures_shown(response.text)
        assert shown == {k: str(v) for k, v in expected.items()}, values
        with database.session() as s:
            assert as_shown(service.figures(s, scope_of(s, params))) == expected, values

    # Breakdowns and workbook counts of some filtered views.
    with database.session() as s:
        autumn = scope_of(s, dataset.params({"cohort": AUTUMN}))
        figures = service.figures(s, autumn)
        # Bob (approved, in progress), Carol (in review, none), Dan (changes, approved)
        assert figures.persona == {"not-started": 0, "in-progress": 0, "in-review": 1,
                                   "changes-requested": 1, "approved": 1}
        assert figures.plan == {"not-started": 1, "in-progress": 1, "in-review": 0,
                                "changes-requested": 0, "approved": 1}
        assert figures.persona_approved_enrolments == 1
        assert [(g.label, g.enrolled, g.completed) for g in service.by_department(s, autumn)] \
            == [("Finance", 2, 1), ("Sales", 1, 1)]
        assert service.completions_over_time(s, autumn) == [
            (date(2024, 1, 8), 1), (date(2024, 2, 19), 2)]
        brand = scope_of(s, {"course": BRAND})
        assert [(g.label, g.enrolled, g.completed) for g in service.by_cohort(s, brand)] == [
            (SPRING, 2, 1)]
        assert service.completions_over_time(s, brand) == [(date(2024, 1, 8), 1)]
        overdue = scope_of(s, {"status": "overdue"})
        assert service.completions_over_time(s, overdue) == []
        assert service.figures(s, overdue).persona_approved_enrolments == 0
    page = hr_client.get("/reports", params={"status": "overdue"}).text
    assert counts_shown(page, "persona") == {"Not started": 2, "In progress": 0,
                                             "In review": 0, "Changes requested": 1,
                                             "Approved": 0}
    assert "No completions yet." in page


def test_filters_are_reflected_in_the_form_and_the_export_links(dataset: Dataset,
                                                                hr_client) -> None:
    params = {"course": ESSENTIALS, "cohort": str(dataset.cohorts[SPRING]),
              "department": "Sales", "enrolled_from": "2024-01-01",
              "enrolled_to": "2024-03-31", "status": "in-progress", "sort": "-progress",
              "page": "1"}
    page = hr_client.get("/reports", params=params).text
    assert selected(page, "course") == [ESSENTIALS]
    assert selected(page, "cohort") == [params["cohort"]]
    assert selected(page, "department") == ["Sales"]
    assert selected(page, "status") == ["in-progress"]
    assert date_input(page, "enrolled_from") == "2024-01-01"
    assert date_input(page, "enrolled_to") == "2024-03-31"
    filters = {k: [v] for k, v in params.items() if k not in ("sort", "page")}
    for fmt in ("csv", "xlsx"):
        path, query = export_query(page, fmt)
        assert path == f"/reports/export.{fmt}"
        assert query == filters  # the filters, without the table's sort and page
    assert emails_shown(page) == [EMAILS["frank"]]  # Frank: Sales, Spring, in progress
    # Nothing chosen: nothing selected, plain export links.
    plain = hr_client.get("/reports").text
    for name in ("course", "cohort", "department", "status"):
        assert selected(plain, name) == []
    assert export_query(plain, "csv") == ("/reports/export.csv", {})


def test_learner_table_shows_progress_modules_dates_and_statuses(dataset: Dataset,
                                                                 hr_client) -> None:
    page = hr_client.get("/reports", params={"course": ESSENTIALS}).text
    rows = table_rows(page)
    # name+email, department, enrolled, due, status, progress, modules, last activity,
    # score, persona, plan (no course column: the view is one course)
    assert rows == [
        ["Alice Archer alice@corp.example", "Sales", "1 Jan 2024", "31 Dec 2099",
         "Completed", "100%", "3/3 3/3", "6 Jan 2024", "100%", "Approved", "In review"],
        ["Bob Baker bob@corp.example", "Sales", "1 Jan 2024", "30 Jun 2099", "Completed",
         "100%", "3/3 3/3", "11 Jan 2024", "75%", "Approved", "In progress"],
        ["Carol Chen carol@corp.example", "Finance", "1 Feb 2024", "30 Jun 2099",
         "Completed", "100%", "3/3 3/3", "21 Feb 2024", "75%", "In review", "Not started"],
        ["Dan Diaz dan@corp.example", "Finance", "29 Feb 2024", "31 Mar 2024 Overdue",
         "In progress", "50%", "3/3 0/3", "10 Mar 2024", "50%", "Changes requested",
         "Approved"],
        ["Erin Evans erin@corp.example", "—", "1 Mar 2024", "15 Mar 2024 Overdue",
         "Not started", "0%", "0/3 0/3", "—", "—", "Not started", "Not started"],
        ["Frank Fox frank@corp.example", "Sales", "1 Mar 2024", "31 Jan 2099",
         "In progress", "16%", "1/3 0/3", "20 Mar 2024", "—", "In progress", "Not started"],
        ["Grace Green grace@corp.example", "Finance", "15 Mar 2024", "—", "Not started",
         "0%", "0/3 0/3", "—", "—", "Not started", "Not started"],
    ]
    # Across courses the table names the course.
    every = table_rows(hr_client.get("/reports").text)
    # by name, then by enrolment (each essentials enrolment was made before brand's)
    assert [row[2] for row in every] == [
        "Social media essentials", "Brand basics", "Social media essentials",
        "Social media essentials", "Social media essentials", "Social media essentials",
        "Social media essentials", "Social media essentials", "Brand basics"]


# Sorting and pages ----------------------------------------------------------------------

def test_every_sort_column_orders_rows_both_ways(dataset: Dataset, hr_client,
                                                 database: Database) -> None:
    for sort, order in SORTED.items():
        params = {"course": ESSENTIALS, "sort": sort}
        response = hr_client.get("/reports", params=params)
        assert response.status_code == 200, sort
        assert emails_shown(response.text) == [EMAILS[k] for k in order], sort
        column = sort.removeprefix("-")
        direction = "descending" if sort.startswith("-") else "ascending"
        headings = re.findall(r'aria-sort="(\w+)">\s*<a href="[^"]*" hx-get="[^"]*">([^<]+)',
                              response.text)
        assert headings == [(direction, SORTS[column])], sort
        with database.session() as s:
            query = parse(params)
            page = service.learners(s, scope_of(s, params), query, total=7)
            assert [r.email for r in page.rows] == [EMAILS[k] for k in order], sort


@pytest.fixture
def many_enrolments(database: Database, load_course) -> int:  # type: ignore[no-untyped-def]
    """55 executives enrolled in one course, inserted directly (no password hashing)."""
    course = load_course(small_spec())
    with database.session(write=True) as s:
        users = [User(email=f"pager{i:02d}@corp.example", full_name=f"Pager {i:02d}",
                      role=Role.executive, department="Ops") for i in range(1, 56)]
        s.add_all(users)
        s.flush()
        enrol_users(s, course=course, users=users, due_date=None)
    return len(users)


def test_table_pages_by_fifty(many_enrolments: int, hr_client, make_user) -> None:
    assert PAGE_SIZE == 50
    first = hr_client.get("/reports")
    assert first.status_code == 200
    assert emails_shown(first.text) == [f"pager{i:02d}@corp.example" for i in range(1, 51)]
    assert "Page 1 of 2" in first.text
    assert 'href="/reports?page=2"' in first.text and 'rel="prev"' not in first.text
    assert 'id="fig-enrolled">55<' in first.text
    second = hr_client.get("/reports", params={"page": "2"})
    assert second.status_code == 200
    assert emails_shown(second.text) == [f"pager{i:02d}@corp.example" for i in range(51, 56)]
    assert "Page 2 of 2" in second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    # Pages follow the sort.
    backwards = hr_client.get("/reports", params={"page": "2", "sort": "-name"})
    assert emails_shown(backwards.text) == [f"pager{i:02d}@corp.example"
                                            for i in range(5, 0, -1)]


def test_htmx_request_for_the_table_returns_only_the_table(dataset: Dataset,
                                                           hr_client) -> None:
    headers = {"HX-Request": "true", "HX-Target": "learners"}
    # Another target, or no HX-Target, gets the whole page.
    whole = hr_client.get("/reports", headers={"HX-Request": "true"})
    assert "<html" in whole.text and 'id="fig-enrolled"' in whole.text
    response = hr_client.get("/reports", params={"course": ESSENTIALS, "sort": "-score"},
                             headers=headers)
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text and "<form" not in text and 'id="fig-enrolled"' not in text
    assert text.lstrip().startswith('<section id="learners"')
    assert emails_shown(text) == [EMAILS[k] for k in SORTED["-score"]]
    assert SECRET not in text
    second = hr_client.get("/reports", params={"page": "0"}, headers=headers)
    assert second.status_code == 400 and "<html" not in second.text


# Invalid values -------------------------------------------------------------------------

INVALID = [
    ({"enrolled_from": "2024-13-01"}, "enrolled_from", "Enter a date as YYYY-MM-DD."),
    ({"enrolled_to": "yesterday"}, "enrolled_to", "Enter a date as YYYY-MM-DD."),
    ({"enrolled_from": "2024-03-02", "enrolled_to": "2024-03-01"}, "enrolled_to",
     "The end of the range is before its start."),
    ({"status": "finished"}, "status", "Choose a status from the list."),
    ({"course": "no-such-course"}, "course",
     "There is no course with this name. Choose one from the list."),
    ({"cohort": "abc"}, "cohort", "Choose a cohort from the list."),
    ({"cohort": "-1"}, "cohort", "Choose a cohort from the list."),
    ({"cohort": "999999"}, "cohort", "There is no such cohort. Choose one from the list."),
    ({"department": "x" * 121}, "department", "Use at most 120 characters."),
]


def test_invalid_filters_are_a_400_with_the_message_next_to_their_field(
        dataset: Dataset, hr_client) -> None:
    for params, field, message in INVALID:
        response = hr_client.get("/reports", params=params)
        assert response.status_code == 400, params
        page = response.text
        assert field_error(page, field) == message, params
        assert f'aria-describedby="f-{field}-error"' in page, params
        others = [n for n in ("course", "cohort", "department", "enrolled_from",
                              "enrolled_to", "status") if n != field]
        assert all(field_error(page, n) is None for n in others), params
        # What was typed stays in the date inputs.
        for name in ("enrolled_from", "enrolled_to"):
            assert date_input(page, name) == params.get(name, ""), params
        # The unusable value is dropped: the figures are those of the rest of the filter.
        if set(params) == {field}:
            assert figures_shown(page) == {k: str(v) for k, v in ALL.items()}, params
        for fmt in ("csv", "xlsx"):
            export = hr_client.get(f"/reports/export.{fmt}", params=params)
            assert export.status_code == 400, (fmt, params)
            assert "attachment" not in export.headers.get("content-disposition", "")
    # A valid value next to an invalid one is kept.
    both = hr_client.get("/reports", params={"course": ESSENTIALS, "status": "nope"})
    assert both.status_code == 400
    assert selected(both.text, "course") == [ESSENTIALS]
    assert figures_shown(both.text)["enrolled"] == "7"


def test_unknown_sort_bad_pages_and_hostile_values_are_refused_never_a_500(
        dataset: Dataset, hr_client) -> None:
    response = hr_client.get("/reports", params={"course": ESSENTIALS, "sort": "password"})
    assert response.status_code == 400
    assert '<p class="field-error">Unknown sort column.</p>' in response.text
    assert emails_shown(response.text) == [EMAILS[k] for k in SORTED["name"]]
    for value in ("0", "-1", "two", "1234567"):
        response = hr_client.get("/reports", params={"page": value})
        assert response.status_code == 400, value
        assert '<p class="field-error">Unknown page.</p>' in response.text, value
        assert emails_shown(response.text)[:1] == [EMAILS["alice"]]
    for params in ({"course": "'; DROP TABLE user_account; --"}, {"cohort": "1e3"},
                   {"cohort": "99999999999"}, {"enrolled_from": "2024-02-30"},
                   {"enrolled_to": "9999-99-99"}, {"sort": "-"}, {"sort": "--name"},
                   {"page": "9" * 50}, {"status": "<b>"}, {"course": "x" * 500},
                   {"status": "\x00"}, {"cohort": "\x00"}, {"enrolled_from": "\x00"}):
        response = hr_client.get("/reports", params=params)
        assert response.status_code in (200, 400), params
        assert hr_client.get("/reports/export.csv", params=params).status_code in (200, 400)


def test_a_nul_character_in_course_or_department_is_not_a_500(hr_client) -> None:
    for params in ({"department": "Sales\x00"}, {"course": "essentials\x00"}):
        for path in ("/reports", "/reports/export.csv"):
            response = hr_client.get(path, params=params)
            assert response.status_code in (200, 400), (path, params)


def test_unicode_digits_in_cohort_and_page_are_a_400_not_a_500(hr_client) -> None:
    # str.isdigit() accepts these, int() does not: they must be refused, not crash.
    for params, field in (({"cohort": "²"}, "cohort"), ({"page": "²"}, "page")):
        response = hr_client.get("/reports", params=params)
        assert response.status_code == 400, params
        if field == "cohort":
            assert field_error(response.text, "cohort") == "Choose a cohort from the list."
        else:
            assert '<p class="field-error">Unknown page.</p>' in response.text


# Secrecy, escaping ----------------------------------------------------------------------

def test_workbook_text_never_appears_on_the_page_or_in_exports(dataset: Dataset,
                                                               hr_client) -> None:
    for params in ({}, {"course": ESSENTIALS}, {"status": "completed"}):
        page = hr_client.get("/reports", params=params)
        assert page.status_code == 200
        assert SECRET not in page.text
        for fmt in ("csv", "xlsx"):
            export = hr_client.get(f"/reports/export.{fmt}", params=params)
            assert export.status_code == 200
            if fmt == "csv":
                assert SECRET not in export.content.decode("utf-8-sig")
            else:  # every part of the (zipped) workbook, uncompressed
                with zipfile.ZipFile(io.BytesIO(export.content)) as book:
                    for part in book.namelist():
                        assert SECRET.encode() not in book.read(part), part
    # The statuses are there, though.
    assert "Changes requested" in hr_client.get("/reports").text


def test_html_in_names_departments_and_cohorts_is_escaped_in_page_and_charts(
        dataset: Dataset, hr_client, database: Database, make_user) -> None:
    user = make_user(Role.executive, email="xss@corp.example", full_name=HOSTILE,
                     department=HOSTILE, password=None)
    with database.session(write=True) as s:
        cohort = admin_service.create_cohort(s, name=HOSTILE)
        admin_service.add_user_to_cohorts(s, user=user, cohort_ids=[cohort.id])
        enrol_users(s, course=dataset.essentials, users=[user], due_date=None)
    escaped = html.escape(HOSTILE, quote=False)
    for params in ({}, {"department": HOSTILE}, {"cohort": str(cohort.id)}):
        response = hr_client.get("/reports", params=params)
        assert response.status_code == 200, params
        page = response.text
        assert HOSTILE not in page
        assert "alert(1)" in page  # it is shown, as text
        for chart in ("chart-cohort", "chart-department"):
            start = page.index(f'id="{chart}"')
            svg = page[page.index("<svg", start):page.index("</svg>", start)]
            assert escaped in svg or "&lt;script&gt;" in svg, (chart, params)
            assert "<script" not in svg
    rows = table_rows(hr_client.get("/reports", params={"department": HOSTILE}).text)
    assert rows[0][0] == f"{HOSTILE} xss@corp.example" and rows[0][1] == HOSTILE


# Access ---------------------------------------------------------------------------------

ROUTES = ("/reports", "/reports/export.csv", "/reports/export.xlsx")


@pytest.mark.parametrize("role", [Role.executive, Role.trainer])
def test_executives_and_trainers_are_refused(client, login_as, role: Role) -> None:
    login_as(role)
    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "attachment" not in response.headers.get("content-disposition", "")
        assert 'id="fig-enrolled"' not in response.text and "Email," not in response.text


@pytest.mark.parametrize("role", [Role.hr, Role.admin])
def test_hr_and_admins_may_see_everything(client, login_as, role: Role) -> None:
    login_as(role)
    for path in ROUTES:
        assert client.get(path).status_code == 200, path


def test_anonymous_visitors_are_sent_to_login(client, database: Database) -> None:
    for path in ROUTES:
        response = client.get(path, params={"course": ESSENTIALS})
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path

