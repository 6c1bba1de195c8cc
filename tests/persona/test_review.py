"""The review round trip: an executive submits, a trainer asks for changes with comments
per field, the executive fixes and resubmits, the trainer approves; approval completes the
persona activity lesson and unlocks the exports."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from sqlmodel import select

from app.content.limits import see_more_split
from app.db import Database
from app.models import Course, Lesson, LessonProgress, ReviewComment, Role, User
from app.persona.definition import rows
from tests.conftest import csrf_from, form_post, login
from tests.persona.conftest import fill_persona, save_step
from tests.persona.test_builder import (
    draft_of,
    shows,
    sign_in_executive,
    submit,
    versions_of,
    workbook_of,
)

COURSE_DIR = Path(__file__).resolve().parents[2] / "courses" / "executive-enablement"
PERSONA_LESSON = "build-your-persona"
MakeUser = Callable[..., User]


# --- helpers -----------------------------------------------------------------------------

def sign_in_trainer(new_client: Callable[[], TestClient], make_user: MakeUser) -> TestClient:
    trainer = make_user(Role.trainer)
    browser = new_client()
    login(browser, trainer.email)
    return browser


def submitted_persona(client: TestClient, make_user: MakeUser, **kwargs: Any) -> User:
    """An executive signed in on ``client`` who has filled and submitted their persona."""
    user = sign_in_executive(client, make_user, **kwargs)
    fill_persona(client)
    assert submit(client).headers["location"] == "/persona?notice=submitted"
    return user


def version_id(database: Database, user: User, number: int) -> int:
    version = next(v for v in versions_of(database, user) if v.number == number)
    assert version.id is not None
    return version.id


def decide(trainer: TestClient, vid: int, decision: str, **fields: str) -> Any:
    return form_post(trainer, f"/manage/reviews/{vid}", {"decision": decision, **fields},
                     page=f"/manage/reviews/{vid}")


def comments_on(database: Database, vid: int) -> dict[str, str]:
    with database.session() as session:
        return {c.field: c.body for c in session.exec(
            select(ReviewComment).where(ReviewComment.version_id == vid))}


def persona_lesson_progress(database: Database, course: Course,
                            user: User) -> LessonProgress | None:
    with database.session() as session:
        lesson = session.exec(select(Lesson).where(Lesson.course_id == course.id,
                                                   Lesson.slug == PERSONA_LESSON)).one()
        assert lesson.kind == "persona"
        return session.get(LessonProgress, (user.id, lesson.id))


def review_row(page: str, label: str) -> str:
    """The <section> of the review page that shows the field labelled ``label``."""
    pattern = r'<section class="panel panel-compact review-row[^"]*".*?</section>'
    for section in re.findall(pattern, page, re.S):
        if re.search(rf'class="review-label">{re.escape(label)}[ <]', section):
            return section
    raise AssertionError(f"no review row for {label}")


# --- the round trip ----------------------------------------------------------------------

def test_the_trainer_sees_the_submission_in_the_queue(client, new_client, make_user,
                                                      database) -> None:
    trainer = sign_in_trainer(new_client, make_user)
    assert "Nothing is waiting for review." in trainer.get("/manage/reviews").text
    user = submitted_persona(client, make_user, full_name="Dana Whitfield")
    queue = trainer.get("/manage/reviews")
    assert queue.status_code == 200
    table = re.search(r'<table class="table" id="review-queue">.*?</table>', queue.text, re.S)
    assert table
    assert "Dana Whitfield" in table.group(0)
    assert user.email in table.group(0)
    assert f'href="/manage/reviews/{version_id(database, user, 1)}"' in table.group(0)
    assert "Digital persona" in table.group(0)


def test_the_review_page_shows_every_field(client, new_client, make_user, database) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    page = trainer.get(f"/manage/reviews/{version_id(database, user, 1)}")
    assert page.status_code == 200
    shown = rows(draft_of(database, user))
    assert len(shown) == 14
    for row in shown:
        assert row.text, row.key
        assert shows(review_row(page.text, row.label), row.text), row.key
        assert f'name="comment:{row.key}"' in page.text
    assert "review-row-changed" not in page.text  # a first review marks nothing
    assert 'value="approved"' in page.text and 'value="changes-requested"' in page.text


def test_asking_for_changes_needs_a_comment_or_a_note(client, new_client, make_user,
                                                      database) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    vid = version_id(database, user, 1)
    empty = decide(trainer, vid, "changes-requested", **{"comment:x_bio": "   ", "note": " "})
    assert empty.status_code == 422
    assert "Say what should change: comment on a field or leave a note." in empty.text
    assert 'id="review-error"' in empty.text
    [version] = versions_of(database, user)
    assert version.outcome == "pending"
    assert workbook_of(database, user).status == "in-review"
    assert comments_on(database, vid) == {}


def test_a_refused_decision_keeps_what_the_trainer_typed(client, new_client, make_user,
                                                         database) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    vid = version_id(database, user, 1)
    response = decide(trainer, vid, "", **{"comment:x_bio": "Mention the cycling.",
                                           "comment:li_headline": "Shorter, please.",
                                           "note": "Nearly there."})
    assert response.status_code == 422
    assert "Choose to approve or to ask for changes." in response.text
    assert re.search(r'name="comment:x_bio"[^>]*>Mention the cycling\.</textarea>',
                     response.text)
    assert re.search(r'name="comment:li_headline"[^>]*>Shorter, please\.</textarea>',
                     response.text)
    assert re.search(r'name="note"[^>]*>Nearly there\.</textarea>', response.text)
    assert comments_on(database, vid) == {}


def test_changes_requested_reach_the_executive(client, new_client, make_user,
                                               database) -> None:
    user = submitted_persona(client, make_user)
    trainer_user = make_user(Role.trainer, full_name="Theo Trainer")
    trainer = new_client()
    login(trainer, trainer_user.email)
    vid = version_id(database, user, 1)
    response = decide(trainer, vid, "changes-requested",
                      **{"comment:x_bio": "Say what you post about.", "comment:role": "",
                         "comment:not_a_field": "ignored", "note": "Good start."})
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/reviews?notice=review-changes"
    assert workbook_of(database, user).status == "changes-requested"
    [version] = versions_of(database, user)
    assert version.outcome == "changes-requested"
    assert version.reviewed_by_id == trainer_user.id
    assert version.reviewed_at is not None
    assert version.review_note == "Good start."
    assert comments_on(database, vid) == {"x_bio": "Say what you post about."}
    # next to the field on the step page
    step = client.get("/persona/steps/x-profile")
    assert re.search(r'class="trainer-comment-body">Say what you post about\.</p>', step.text)
    assert "field-commented" in step.text
    assert "trainer-comment" not in client.get("/persona/steps/role").text
    # and in the overview, linking to the field
    overview = client.get("/persona")
    assert "Your trainer asked for changes" in overview.text
    assert "Theo Trainer" in overview.text
    assert "Good start." in overview.text
    assert ('<a href="/persona/steps/x-profile#f-x_bio">X bio</a>: Say what you post about.'
            in overview.text)
    assert "Changes requested" in overview.text
    # the trainer's queue lists it as recently reviewed, no longer waiting
    queue = trainer.get("/manage/reviews")
    assert "Nothing is waiting for review." in queue.text
    assert f'href="/manage/reviews/{vid}"' in queue.text


def test_fix_resubmit_and_approve(client, new_client, make_user, database, load_course,
                                  enrol) -> None:
    course = load_course(COURSE_DIR)
    user = sign_in_executive(client, make_user)
    enrol(course, user)
    fill_persona(client)
    submit(client)
    trainer = sign_in_trainer(new_client, make_user)
    first = version_id(database, user, 1)
    decide(trainer, first, "changes-requested", **{"comment:x_bio": "Add a human detail."})
    assert persona_lesson_progress(database, course, user) is None

    save_step(client, "x-profile", {"x_name": "Dana Whitfield",
                                    "x_bio": "CEO of Northwind. Clean logistics. Cyclist."})
    assert client.get("/persona").status_code == 200
    assert submit(client).headers["location"] == "/persona?notice=submitted"
    assert [(v.number, v.outcome) for v in versions_of(database, user)] == [
        (1, "changes-requested"), (2, "pending")]
    assert workbook_of(database, user).status == "in-review"
    # the comments are no longer shown while the new version waits
    assert "trainer-comment" not in client.get("/persona/steps/x-profile").text

    second = version_id(database, user, 2)
    page = trainer.get(f"/manage/reviews/{second}")
    assert "fields changed since the last review are marked" in page.text
    assert page.text.count("review-row review-row-changed") == 1
    changed = review_row(page.text, "X bio")
    assert "review-row-changed" in changed
    assert '<span class="badge badge-info">changed</span>' in changed
    assert "review-row-changed" not in review_row(page.text, "X display name")
    # the first version's page shows its comment, read-only
    old = trainer.get(f"/manage/reviews/{first}")
    assert "Add a human detail." in old.text
    assert 'value="approved"' not in old.text

    response = decide(trainer, second, "approved", note="Well done.")
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/reviews?notice=review-approved"
    workbook = workbook_of(database, user)
    assert workbook.status == "approved"
    assert workbook.approved_at is not None
    assert versions_of(database, user)[1].outcome == "approved"
    progress = persona_lesson_progress(database, course, user)
    assert progress is not None and progress.completed_at is not None
    overview = client.get("/persona")
    assert "Approved" in overview.text
    assert 'href="/persona/export.md"' in overview.text
    assert "Your approved persona is up to date." in overview.text


def test_an_executive_enrolled_after_approval_has_the_activity_complete(
        client, new_client, make_user, database, load_course, enrol) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    assert decide(trainer, version_id(database, user, 1), "approved").status_code == 303
    course = load_course(COURSE_DIR)
    enrol(course, user)
    progress = persona_lesson_progress(database, course, user)
    assert progress is not None and progress.completed_at is not None
    # another executive enrolled at the same time, without an approved persona, is not
    other = make_user(Role.executive)
    enrol(course, other)
    assert persona_lesson_progress(database, course, other) is None


def test_a_decided_version_cannot_be_reviewed_again(client, new_client, make_user,
                                                    database) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    vid = version_id(database, user, 1)
    assert decide(trainer, vid, "approved").status_code == 303
    again = decide(trainer, vid, "changes-requested", **{"comment:x_bio": "Too late"})
    assert again.status_code == 422
    assert "already been reviewed" in again.text
    assert versions_of(database, user)[0].outcome == "approved"
    assert workbook_of(database, user).status == "approved"
    assert comments_on(database, vid) == {}


def test_a_withdrawn_version_points_to_the_newer_one(client, new_client, make_user,
                                                     database) -> None:
    user = submitted_persona(client, make_user)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "Newer bio"})
    submit(client)
    assert [(v.number, v.outcome) for v in versions_of(database, user)] == [
        (1, "withdrawn"), (2, "pending")]
    trainer = sign_in_trainer(new_client, make_user)
    first, second = version_id(database, user, 1), version_id(database, user, 2)
    queue = trainer.get("/manage/reviews").text
    assert f'href="/manage/reviews/{second}"' in queue
    assert f'href="/manage/reviews/{first}"' not in queue
    page = trainer.get(f"/manage/reviews/{first}")
    assert "The executive submitted a newer version" in page.text
    response = decide(trainer, first, "approved")
    assert response.status_code == 422
    assert "review that one instead" in response.text
    assert versions_of(database, user)[0].outcome == "withdrawn"
    assert workbook_of(database, user).status == "in-review"


# --- exports -----------------------------------------------------------------------------

def test_exports_wait_for_approval(client, new_client, make_user, database) -> None:
    user = submitted_persona(client, make_user, full_name="Dana Whitfield")
    assert client.get("/persona/export.md").status_code == 404
    assert client.get("/persona/print").status_code == 404
    trainer = sign_in_trainer(new_client, make_user)
    decide(trainer, version_id(database, user, 1), "approved")

    md = client.get("/persona/export.md")
    assert md.status_code == 200
    assert md.headers["content-disposition"] == 'attachment; filename="digital-persona.md"'
    assert md.headers["cache-control"] == "no-store"
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Digital persona: Dana Whitfield\n")
    assert "Approved version 1" in md.text
    assert "## Expertise" in md.text and "- Electric fleets" in md.text

    printable = client.get("/persona/print")
    assert printable.status_code == 200
    assert "<h1>Dana Whitfield</h1>" in printable.text
    assert "approved version 1" in printable.text
    assert "Electric fleets" in printable.text


def test_exports_show_the_approved_version_not_the_draft(client, new_client, make_user,
                                                         database) -> None:
    user = submitted_persona(client, make_user)
    trainer = sign_in_trainer(new_client, make_user)
    decide(trainer, version_id(database, user, 1), "approved")
    save_step(client, "role", {"role": "Chair of the board", "company": "Northwind"})
    md = client.get("/persona/export.md").text
    assert "Chief Executive Officer" in md
    assert "Chair of the board" not in md
    assert "Chair of the board" not in client.get("/persona/print").text


@pytest.mark.parametrize("about", [
    "I run Northwind because clean delivery can be fast. " * 6,
    "x" * 195 + " end. More text follows here and goes on.",
], ids=["cut-after-a-word", "cut-after-a-full-stop"])
def test_the_exported_about_section_reads_as_written(client, new_client, make_user, database,
                                                     about: str) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client, linkedin_profile={"li_headline": "CEO", "li_about": about})
    submit(client)
    trainer = sign_in_trainer(new_client, make_user)
    decide(trainer, version_id(database, user, 1), "approved")
    html = MarkdownIt("commonmark").render(client.get("/persona/export.md").text)
    visible, _rest = see_more_split(about)
    assert f"<strong>{visible.strip()}</strong>" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert about.strip() in text
    assert "**" not in text


def test_an_activity_lesson_cannot_be_completed_by_hand(client, make_user, database,
                                                        load_course, enrol) -> None:
    course = load_course(COURSE_DIR)
    user = sign_in_executive(client, make_user)
    enrol(course, user)
    url = f"/courses/{course.slug}/lessons/{PERSONA_LESSON}"
    assert client.get(url).status_code == 200
    token = csrf_from(client, url)
    response = client.post(f"{url}/complete", data={"csrf_token": token})
    assert response.status_code == 404
    progress = persona_lesson_progress(database, course, user)
    assert progress is None or progress.completed_at is None
    # a reading lesson of the same course can be
    reading = f"/courses/{course.slug}/lessons/expertise-and-interests"
    done = client.post(f"{reading}/complete", data={"csrf_token": token})
    assert done.status_code == 303
