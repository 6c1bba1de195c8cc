"""The executive's "Before you post" page over HTTP: the live results fragment, lesson
links from the enrolled course, closed periods in the executive's time zone, nothing
stored, and bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app.content import moments
from app.db import Database
from app.models import AuditEntry, Course, Role, User, Workbook
from tests.checker.conftest import add_organisation, add_period, add_phrase, post

LESSONS = "/courses/executive-enablement/lessons"


@pytest.fixture
def executive(login_as: Callable[[Role], User]) -> User:
    return login_as(Role.executive)


def check(client: TestClient, draft: str, **fields: object) -> str:
    response = post(client, "/check", {"draft": draft, "networks": ["linkedin"], **fields},
                    htmx=True)
    assert response.status_code == 200, response.text[:500]
    assert "<html" not in response.text  # only the results block
    return response.text


def test_page_and_navigation(client: TestClient, executive: User) -> None:
    response = client.get("/check")
    assert response.status_code == 200
    assert '<a href="/check" aria-current="page">Before you post</a>' in response.text
    assert 'hx-trigger="input changed delay:400ms from:#f-draft' in response.text
    assert "not saved and not sent anywhere" in response.text


def test_counters_and_findings_with_lesson_links(client: TestClient, executive: User,
                                                 course: Course, enrol) -> None:  # type: ignore[no-untyped-def]
    enrol(course, executive)
    html = check(client, "We expect a great year. See https://example.com/" + "a" * 60,
                 networks=["linkedin", "x"], ai_assisted="1")
    # both networks' counters: X counts the link as 23
    assert "LinkedIn" in html and "X" in html
    assert f">{len('We expect a great year. See ') + 23} / 280<" in html
    assert "“we expect” reads as a statement about future results" in html
    assert f'href="{LESSONS}/disclosure-and-market-rules#section-forward-looking-statements"' \
        in html
    assert f'href="{LESSONS}/posts-mentions-hashtags"' in html  # no section matched "length"
    assert "Drafted with AI help" in html
    # the AI lesson is not in the course yet: the finding shows, without a link
    assert "ai-and-authenticity" not in html


def test_no_links_without_an_enrolment(client: TestClient, executive: User,
                                       course: Course) -> None:
    html = check(client, "We expect a great year.")
    assert "reads as a statement about future results" in html
    assert LESSONS not in html


def test_plain_page_without_javascript(client: TestClient, executive: User) -> None:
    response = post(client, "/check", {"draft": "Mail me at ana@example.com",
                                       "networks": ["x"]})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "An email address" in response.text
    assert "Mail me at ana@example.com</textarea>" in response.text  # kept as typed


def test_empty_draft_and_bad_input(client: TestClient, executive: User) -> None:
    assert "Start typing your draft" in check(client, "   ")
    html = check(client, "Hello", day="2027-13-45", networks=["myspace"])
    assert "Enter a date as YYYY-MM-DD." in html
    response = post(client, "/check", {"draft": "x" * 20_001})
    assert response.status_code == 200
    assert "Paste at most 20,000 characters" in response.text
    # absurd input meets the form model: the app's 400 page, never a 500
    assert post(client, "/check", {"draft": "x" * 200_001}).status_code in (400, 413, 422)


def test_nothing_is_stored(client: TestClient, executive: User, database: Database) -> None:
    def rows() -> tuple[int, int]:
        with database.session() as session:
            return (session.exec(select(func.count()).select_from(Workbook)).one(),
                    session.exec(select(func.count()).select_from(AuditEntry)).one())

    before = rows()
    check(client, "Projekt Falke, ana@example.com, +49 30 1234 5678")
    assert rows() == before


def test_organisation_lists_take_effect(client: TestClient, executive: User,
                                        database: Database) -> None:
    add_phrase(database, "Projekt Falke", "stop", "Internal code name.")
    add_organisation(database, "Contoso")
    html = check(client, "Das projekt falke mit Contoso.")
    assert 'data-severity="stop"' in html and "“Projekt Falke”: Internal code name." in html
    assert "You name “Contoso”" in html
    assert "You name" not in check(client, "Das Projekt mit unserem Kunden Contoso.")


@pytest.mark.parametrize(("zone", "inside"), [("UTC", False), ("Pacific/Auckland", True)])
def test_closed_period_on_the_executives_day(client: TestClient, executive: User,
                                             database: Database, monkeypatch, zone: str,
                                             inside: bool) -> None:  # type: ignore[no-untyped-def]
    add_period(database, "Q4 results", dt.date(2027, 1, 10), dt.date(2027, 1, 31))
    with database.session(write=True) as session:
        user = session.get(User, executive.id)
        assert user is not None
        user.time_zone = zone
    # 12:00 UTC on 9 January: still the 9th in UTC, already the 10th in Auckland
    monkeypatch.setattr(moments, "now_utc",
                        lambda: dt.datetime(2027, 1, 9, 12, 0, tzinfo=dt.UTC))
    html = check(client, "A quiet post.")
    assert ("falls in the closed period “Q4 results”" in html) is inside


def test_closed_period_on_a_planned_day(client: TestClient, executive: User,
                                        database: Database) -> None:
    add_period(database, "Q4 results", dt.date(2027, 1, 10), dt.date(2027, 1, 31))
    assert "2027-01-31 falls in the closed period" in check(client, "Hi", day="2027-01-31")
    assert "closed period" not in check(client, "Hi", day="2027-02-01")


@pytest.mark.parametrize("role", [Role.trainer, Role.hr, Role.admin])
def test_only_executives_check_drafts(client: TestClient, login_as: Callable[[Role], User],
                                      role: Role) -> None:
    login_as(role)
    assert client.get("/check").status_code == 403
    assert post(client, "/check", {"draft": "hi"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/check", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["location"]


def test_what_is_typed_is_escaped(client: TestClient, executive: User,
                                  database: Database) -> None:
    add_phrase(database, "<b>x</b>", "stop", "<script>alert(1)</script>")
    html = check(client, "<b>x</b> <script>alert(2)</script>@example.com")
    assert "<script>" not in html
    assert "“&lt;b&gt;x&lt;/b&gt;”: &lt;script&gt;alert(1)&lt;/script&gt;" in html
