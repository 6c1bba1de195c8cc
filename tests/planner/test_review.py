"""The 90-day plan's review: submission (only when ready), the trainer's queue and comments
per item, resubmission, approval completing the course's plan lesson, versions and
restore."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.db import Database
from app.models import Course, Lesson, LessonProgress, Role, User, Workbook
from app.planner import definition as plan
from app.workbooks import service as workbooks
from tests.conftest import csrf_from, login
from tests.planner.test_routes import (
    EVEN_DAYS,
    START,
    add_item,
    day,
    fill_plan,
    item_form,
    item_id_on,
    list_row,
    post,
    save_message,
    stored,
    stored_items,
    versions,
)

COURSE = Path(__file__).resolve().parents[2] / "courses" / "executive-enablement"


@pytest.fixture
def executive(login_as: Callable[[Role], User]) -> User:
    return login_as(Role.executive)


@pytest.fixture
def trainer(new_client: Callable[[], TestClient],
            make_user: Callable[..., User]) -> TestClient:
    """A trainer signed in in a browser of their own."""
    user = make_user(Role.trainer)
    browser = new_client()
    login(browser, user.email)
    return browser


def message_form(page: str) -> str:
    start = page.index('id="message-form"')
    return page[start:page.index("</form>", start)]


def submit(client: TestClient) -> Any:
    return post(client, "/plan/submit")


def workbook_of(database: Database, user: User) -> Workbook:
    with database.session() as session:
        workbook = workbooks.get_workbook(session, user_id=user.id, kind=plan.KIND)
        assert workbook is not None
        return workbook


def decide(trainer: TestClient, version_id: int, decision: str,
           comments: dict[str, str] | None = None, note: str = "") -> Any:
    page = f"/manage/reviews/{version_id}"
    token = csrf_from(trainer, page)
    data = {"csrf_token": token, "decision": decision, "note": note,
            **{f"comment:{key}": text for key, text in (comments or {}).items()}}
    return trainer.post(page, data=data)


# --- submission ---------------------------------------------------------------------------

def test_submit_without_a_plan_is_refused(client: TestClient, executive: User,
                                          database: Database) -> None:
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?notice=not-ready"
    assert versions(database) == []


def test_submit_with_fewer_than_6_items_is_refused(client: TestClient, executive: User,
                                                   database: Database) -> None:
    fill_plan(client, days=EVEN_DAYS[:5])
    page = client.get("/plan").text
    assert "Plan at least 6 items (5 so far)." in page
    assert 'action="/plan/submit"' not in page
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?notice=not-ready"
    assert versions(database) == []
    assert workbook_of(database, executive).status == workbooks.IN_PROGRESS
    assert "Not submitted yet" in client.get(response.headers["location"]).text


def test_submit_without_a_message_is_refused(client: TestClient, executive: User,
                                             database: Database) -> None:
    assert save_message(client, message="").status_code == 303
    for offset in EVEN_DAYS:
        assert add_item(client, offset).status_code == 303
    assert submit(client).headers["location"] == "/plan?notice=not-ready"
    assert versions(database) == []
    assert 'href="#f-message"' in client.get("/plan").text


def test_submit_with_an_over_limit_item_is_refused(client: TestClient, executive: User,
                                                   database: Database) -> None:
    fill_plan(client)
    add_item(client, 3, network="x", draft="g" * 281)
    assert submit(client).headers["location"] == "/plan?notice=not-ready"
    assert versions(database) == []


def test_items_left_outside_a_moved_window_block_submission(client: TestClient,
                                                            executive: User,
                                                            database: Database) -> None:
    fill_plan(client)
    # Moving the first day 30 days later leaves the items of days 14 and 28 behind.
    assert save_message(client, starts_on=day(30)).status_code == 303
    assert len(stored_items(database, executive)) == 6
    page = client.get("/plan").text
    problems = page[page.index('id="submit-problems"'):]
    assert problems.count('<a href="/plan/items/') == 2
    assert submit(client).headers["location"] == "/plan?notice=not-ready"
    assert versions(database) == []


def test_a_ready_plan_is_submitted_as_version_1(client: TestClient, executive: User,
                                                database: Database) -> None:
    fill_plan(client)
    assert 'action="/plan/submit"' in client.get("/plan").text
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?notice=submitted"
    [version] = versions(database)
    assert (version.number, version.kind, version.outcome) == (1, "submitted", "pending")
    assert version.starts_on == START
    assert json.loads(version.data) == stored(database, executive)[0]
    assert workbook_of(database, executive).status == workbooks.IN_REVIEW
    page = client.get("/plan").text
    assert "Waiting for your trainer" in page
    assert 'href="/plan/versions/1"' in page
    # Nothing changed since: nothing new to submit.
    assert submit(client).headers["location"] == "/plan?notice=nothing-new"
    assert len(versions(database)) == 1


# --- the trainer's review -----------------------------------------------------------------

def test_trainer_sees_the_plan_in_the_queue_and_each_item(client: TestClient, executive: User,
                                                          trainer: TestClient,
                                                          database: Database) -> None:
    fill_plan(client, days=EVEN_DAYS, network="threads", source="video")
    add_item(client, 86, network="x", format="poll", source="other",
             source_other="Town hall", draft="Ask the room.", status="scheduled")
    submit(client)
    queue = trainer.get("/manage/reviews")
    assert queue.status_code == 200
    table = queue.text[queue.text.index('id="review-queue"'):]
    assert "90-day plan" in table
    assert executive.full_name in table
    [version] = versions(database)
    assert f'href="/manage/reviews/{version.id}"' in table

    review = trainer.get(f"/manage/reviews/{version.id}")
    assert review.status_code == 200
    text = review.text
    assert "Open the Lyon electric depot" in text
    assert "By June our Lyon depot runs on electric vans." in text
    for item in plan.items(json.loads(version.data)):
        assert plan.item_label(item) in text
        assert item.draft in text
        assert f'name="comment:items.{item.id}"' in text
    assert "X · Poll · Town hall · Scheduled" in text
    assert "Ask the room." in text


def test_changes_requested_then_resubmitted_then_approved(client: TestClient,
                                                          executive: User,
                                                          trainer: TestClient,
                                                          database: Database) -> None:
    fill_plan(client)
    submit(client)
    [v1] = versions(database)
    commented = item_id_on(database, executive, 28)
    other = item_id_on(database, executive, 42)

    response = decide(trainer, v1.id, "changes-requested",
                      {f"items.{commented}": "Name the driver in this one.", "message": ""},
                      note="Close, one item to sharpen.")
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/reviews?notice=review-changes"
    assert workbook_of(database, executive).status == workbooks.CHANGES_REQUESTED
    assert versions(database)[0].outcome == workbooks.CHANGES_REQUESTED

    page = client.get("/plan?view=list").text
    assert "Your trainer asked for changes" in page
    assert "Close, one item to sharpen." in page
    assert "Name the driver in this one." in list_row(page, commented)
    assert "Name the driver in this one." not in list_row(page, other)
    item_page = client.get(f"/plan/items/{commented}").text
    assert "Trainer's comment" in item_page
    assert "Name the driver in this one." in item_page
    assert "Name the driver in this one." not in client.get(f"/plan/items/{other}").text

    response = post(client, f"/plan/items/{commented}",
                    item_form(28, draft="Amal, our first electric driver, explains."))
    assert response.status_code == 303
    assert submit(client).headers["location"] == "/plan?notice=submitted"
    v1, v2 = versions(database)
    assert (v2.number, v2.outcome) == (2, workbooks.PENDING)
    assert v1.outcome == workbooks.CHANGES_REQUESTED
    assert workbook_of(database, executive).status == workbooks.IN_REVIEW
    # The comment was for version 1: it is no longer shown once resubmitted.
    assert "Name the driver in this one." not in client.get("/plan?view=list").text

    review = trainer.get(f"/manage/reviews/{v2.id}").text
    assert "fields changed since the last review are marked" in review
    assert "Amal, our first electric driver, explains." in review
    assert review.count('<span class="badge badge-info">changed</span>') == 1

    response = decide(trainer, v2.id, "approved")
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/reviews?notice=review-approved"
    workbook = workbook_of(database, executive)
    assert workbook.status == workbooks.APPROVED
    assert workbook.approved_at is not None
    assert versions(database)[1].outcome == workbooks.APPROVED
    page = client.get("/plan").text
    assert "Your approved plan is up to date." in page
    assert 'action="/plan/submit"' not in page


def test_comments_on_the_message_are_shown_next_to_the_fields(client: TestClient,
                                                              executive: User,
                                                              trainer: TestClient,
                                                              database: Database) -> None:
    fill_plan(client)
    submit(client)
    [v1] = versions(database)
    decide(trainer, v1.id, "changes-requested",
           {"initiative": "Name the city.", "message": "<script>alert(1)</script>{{7*7}}"})
    page = client.get("/plan").text
    form = message_form(page)
    assert "Name the city." in form
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in form


def test_a_comment_on_the_first_day_is_shown_to_the_executive(client: TestClient,
                                                              executive: User,
                                                              trainer: TestClient,
                                                              database: Database) -> None:
    fill_plan(client)
    submit(client)
    [v1] = versions(database)
    assert 'name="comment:starts_on"' in trainer.get(f"/manage/reviews/{v1.id}").text
    response = decide(trainer, v1.id, "changes-requested",
                      {"starts_on": "Start after the spring holidays."})
    assert response.status_code == 303
    assert "Start after the spring holidays." in client.get("/plan/versions/1").text
    page = client.get("/plan").text
    form = message_form(page)
    assert "Start after the spring holidays." in form


def test_resubmitting_while_pending_replaces_the_waiting_version(client: TestClient,
                                                                 executive: User,
                                                                 trainer: TestClient,
                                                                 database: Database) -> None:
    fill_plan(client)
    submit(client)
    add_item(client, 5)
    submit(client)
    v1, v2 = versions(database)
    assert (v1.outcome, v2.outcome) == (workbooks.WITHDRAWN, workbooks.PENDING)
    response = decide(trainer, v1.id, "approved")
    assert response.status_code == 422
    assert workbook_of(database, executive).status == workbooks.IN_REVIEW


def test_asking_for_changes_needs_a_comment(client: TestClient, executive: User,
                                            trainer: TestClient, database: Database) -> None:
    fill_plan(client)
    submit(client)
    [v1] = versions(database)
    response = decide(trainer, v1.id, "changes-requested", {"items.00000000": "Not an item"})
    assert response.status_code == 422
    assert "Say what should change" in response.text
    assert versions(database)[0].outcome == workbooks.PENDING


def lesson_completed(database: Database, course: Course, user: User, slug: str) -> bool:
    with database.session() as session:
        lesson = session.exec(select(Lesson).where(Lesson.course_id == course.id,
                                                   Lesson.slug == slug)).one()
        progress = session.exec(select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)).first()
        return progress is not None and progress.completed_at is not None


def test_approval_completes_the_plan_lesson(client: TestClient, executive: User,
                                            trainer: TestClient, database: Database,
                                            load_course: Callable[[Path], Course],
                                            enrol: Callable[..., None]) -> None:
    course = load_course(COURSE)
    enrol(course, executive)
    with database.session() as session:
        kinds = dict(session.exec(select(Lesson.slug, Lesson.kind).where(
            Lesson.course_id == course.id,
            col(Lesson.slug).in_(["your-90-day-plan", "build-your-persona"]))).all())
    assert kinds == {"your-90-day-plan": "plan", "build-your-persona": "persona"}

    fill_plan(client)
    submit(client)
    [v1] = versions(database)
    assert not lesson_completed(database, course, executive, "your-90-day-plan")
    decide(trainer, v1.id, "changes-requested", note="One more pass.")
    assert not lesson_completed(database, course, executive, "your-90-day-plan")

    add_item(client, 3)
    submit(client)
    v2 = versions(database)[1]
    assert decide(trainer, v2.id, "approved").status_code == 303
    assert lesson_completed(database, course, executive, "your-90-day-plan")
    assert not lesson_completed(database, course, executive, "build-your-persona")


# --- versions and restore -----------------------------------------------------------------

def test_versions_page_compares_with_the_draft(client: TestClient, executive: User,
                                               database: Database) -> None:
    fill_plan(client)
    submit(client)
    same = client.get("/plan/versions/1")
    assert same.status_code == 200
    assert "Your draft is the same as this version." in same.text

    edited = item_id_on(database, executive, 14)
    post(client, f"/plan/items/{edited}", item_form(14, draft="Draft for day fourteen."))
    post(client, f"/plan/items/{item_id_on(database, executive, 84)}/delete")
    page = client.get("/plan/versions/1")
    assert page.status_code == 200
    text = page.text
    assert re.search(r"2 of \d+ fields differ", text)
    assert "<del>14.</del>" in text
    assert "<ins>fourteen.</ins>" in text
    assert "Draft for day 84." in text  # shown as removed
    assert 'class="compare-removed"' in text
    assert 'action="/plan/versions/1/restore"' in text
    assert client.get("/plan/versions/2").status_code == 404


def test_versions_page_of_someone_without_a_plan(client: TestClient, executive: User) -> None:
    assert client.get("/plan/versions/1").status_code == 404


def test_restore_brings_the_items_back_and_keeps_the_changed_draft(
        client: TestClient, executive: User, database: Database) -> None:
    fill_plan(client)
    submit(client)
    original, _ = stored(database, executive)

    post(client, f"/plan/items/{item_id_on(database, executive, 14)}/delete")
    post(client, f"/plan/items/{item_id_on(database, executive, 28)}/delete")
    add_item(client, 50, draft="A brand new idea.")
    save_message(client, message="A changed message.", starts_on=day(-3))
    changed, changed_start = stored(database, executive)
    assert changed_start == START - dt.timedelta(days=3)

    response = post(client, "/plan/versions/1/restore")
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?notice=restored"
    restored, starts_on = stored(database, executive)
    assert restored == original
    assert starts_on == START
    assert sorted(i["date"] for i in restored["items"]) == [day(n) for n in EVEN_DAYS]

    v1, snapshot = versions(database)
    assert (snapshot.number, snapshot.kind, snapshot.outcome) == (2, "snapshot", None)
    assert json.loads(snapshot.data) == changed
    assert snapshot.starts_on == changed_start
    assert v1.outcome == workbooks.PENDING
    page = client.get("/plan").text
    assert "Kept before a restore" in page

    # Restoring again adds no snapshot: the draft now matches version 1.
    assert post(client, "/plan/versions/1/restore").status_code == 303
    assert len(versions(database)) == 2
    # And the snapshot can be restored in turn.
    assert post(client, "/plan/versions/2/restore").status_code == 303
    assert stored(database, executive) == (changed, changed_start)
    assert len(versions(database)) == 2


def test_restore_of_an_unknown_version(client: TestClient, executive: User) -> None:
    fill_plan(client, days=(1,))
    assert post(client, "/plan/versions/9/restore").status_code == 404


def test_versions_are_private(client: TestClient, executive: User, database: Database,
                              new_client: Callable[[], TestClient],
                              make_user: Callable[..., User]) -> None:
    fill_plan(client)
    submit(client)
    before = stored(database, executive)
    intruder = make_user(Role.executive)
    other = new_client()
    login(other, intruder.email)
    assert other.get("/plan/versions/1").status_code == 404
    assert post(other, "/plan/versions/1/restore").status_code == 404
    assert stored(database, executive) == before
