"""Trainer authoring through the browser routes: courses and their structure, lessons with
a live preview, drafts that executives never see, publishing with revisions, history,
diffs and restores, two trainers on one lesson, quizzes, images, and who may do any of it."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import warnings
from html import escape, unescape

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from app.authoring import draft_fields
from app.authoring.import_export import course_to_spec
from app.authoring.routes import router as authoring_router
from app.cli import cli
from app.courses.package import write_package
from app.courses.package.writer import lesson_markdown
from app.courses.spec import spec_from_dict, spec_to_dict
from app.models import (
    Course,
    CourseAsset,
    CourseDraft,
    CourseRevision,
    Lesson,
    Module,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    Role,
)
from app.questions.gift.reader import parse_gift
from app.questions.spec import QType
from app.security.images import MAX_IMAGE_BYTES, NOT_AN_IMAGE, SVG_REFUSED
from tests.authoring.conftest import (
    QUIZ_SLUG,
    SLUG,
    attributes_of,
    base_of,
    checked,
    diff_lines,
    draft_dict,
    draft_lesson,
    draft_outline,
    draft_row,
    field_error,
    form_html,
    hidden_fields,
    inner,
    input_value,
    lesson_article,
    lesson_row,
    post,
    preview_of,
    progress_rows,
    publish,
    quiz_post,
    revisions,
    save_lesson,
    submit,
    textarea,
    tiny_png,
    token,
)
from tests.conftest import csrf_from
from tests.routes_walk import api_routes

runner = CliRunner()
NEW_COURSE = {"slug": "social-basics", "title": "Social basics", "summary": "The basics.",
              "audience": "New executives", "estimated_hours": "2"}


def press(client, action: str, data: dict[str, object] | None = None):
    """Submit the form posting to ``action`` from the page that shows it, as a browser."""
    if action.endswith("/restore"):
        page = action.removesuffix("/restore") + "/history"
    else:
        page = "/".join(action.split("/")[:3])  # the course page
    return submit(client, page, action, data)


def _lesson_page(browser, lesson: str = "world", slug: str = SLUG) -> str:
    response = browser.get(f"/courses/{slug}/lessons/{lesson}")
    assert response.status_code == 200, response.text
    return lesson_article(response.text)


# ------------------------------------------------------------------- new courses


def test_create_course_refuses_bad_input_and_keeps_what_was_typed(client, trainer, database):
    typed = {**NEW_COURSE, "title": "   ", "slug": "Bad_Slug", "estimated_hours": "lots"}
    response = post(client, "/author/courses", typed)
    assert response.status_code == 422
    html = response.text
    assert field_error(html, "title") == "This is required."
    assert field_error(html, "slug").startswith("Use lowercase letters, digits and single hyphens")
    assert field_error(html, "estimated_hours") == "Enter the hours as a number from 0.5 to 200."
    assert input_value(html, "slug") == "Bad_Slug"
    assert input_value(html, "estimated_hours") == "lots"
    assert textarea(html, "f-summary") == "The basics."
    assert textarea(html, "f-audience") == "New executives"
    with database.session() as s:
        assert s.exec(select(CourseDraft)).all() == []


def test_create_course_makes_a_never_published_draft(client, trainer, database, pilot):
    response = post(client, "/author/courses", NEW_COURSE)
    assert response.status_code == 303
    assert response.headers["location"] == "/author/social-basics?notice=course-created"
    data = draft_dict(database, "social-basics")
    assert data is not None
    assert (data["title"], data["summary"], data["audience"], data["estimated_hours"]) == (
        "Social basics", "The basics.", "New executives", 2)
    assert data["modules"] == []
    assert draft_row(database, "social-basics").updated_by_id == trainer.id
    with database.session() as s:
        assert s.exec(select(Course).where(Course.slug == "social-basics")).first() is None
    page = client.get("/author/social-basics")
    assert page.status_code == 200 and "Never published" in page.text
    assert "The course was created as a draft" in client.get(response.headers["location"]).text
    index = client.get("/author").text
    assert "/author/social-basics" in index and "/author/pilot" in index

    # the same slug again, and the slug of a published course, are refused
    for slug in ("social-basics", SLUG):
        again = post(client, "/author/courses", {**NEW_COURSE, "slug": slug, "title": "Other"})
        assert again.status_code == 422
        assert field_error(again.text, "slug") == (
            "A course with this name exists already; choose another.")
        assert input_value(again.text, "title") == "Other"
    with database.session() as s:
        assert len(s.exec(select(CourseDraft)).all()) == 1


def test_a_course_without_lessons_cannot_be_published(client, trainer, database):
    post(client, "/author/courses", NEW_COURSE)
    response = publish(client, "First version", slug="social-basics")
    assert response.status_code == 422
    assert ("<code>social-basics/course.yaml:1</code> add at least one module with a lesson "
            "before publishing") in response.text
    with database.session() as s:
        assert s.exec(select(Course)).all() == []


# ------------------------------------------------------------------- structure


def test_add_rename_move_and_remove_modules_and_lessons(client, trainer, database):
    assert post(client, "/author/courses", NEW_COURSE).status_code == 303
    base = "/author/social-basics"
    assert press(client, f"{base}/modules", {"module_title": "Getting started"}
                ).status_code == 303
    assert press(client, f"{base}/modules", {"module_title": "Going further",
                                            "module_slug": "further"}).status_code == 303
    for module, title, kind in (("getting-started", "Why bother", "reading"),
                                ("getting-started", "First quiz", "quiz"),
                                ("getting-started", "Your persona", "persona"),
                                ("further", "Keep going", "reading")):
        response = press(client, f"{base}/modules/{module}/lessons",
                        {"lesson_title": title, "kind": kind})
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith(base)
    assert draft_outline(database, "social-basics") == [
        ("getting-started", ["why-bother", "first-quiz", "your-persona"]),
        ("further", ["keep-going"])]
    lessons = {les["slug"]: les for m in draft_dict(database, "social-basics")["modules"]
               for les in m["lessons"]}
    assert [lessons[s]["kind"] for s in ("why-bother", "first-quiz", "your-persona")] == [
        "reading", "quiz", "persona"]
    page = client.get(base).text
    for title in ("Getting started", "Going further", "Why bother", "First quiz",
                  "Your persona", "Keep going"):
        assert title in page

    # refused: a second persona activity, a taken slug, a bad slug, no title
    refused = press(client, f"{base}/modules/further/lessons",
                   {"lesson_title": "Another persona", "kind": "persona"})
    assert refused.status_code == 422
    assert "The course has its activity: persona builder already." in refused.text
    taken = press(client, f"{base}/modules/further/lessons",
                 {"lesson_title": "Again", "lesson_slug": "why-bother", "kind": "reading"})
    assert taken.status_code == 422
    assert ('<p class="field-error" id="lesson_slug-further-error">This name is already used '
            "in the course; choose another.</p>") in taken.text
    assert attributes_of(taken.text, "input", id="lesson_title-further")["value"] == "Again"
    assert attributes_of(taken.text, "input", id="lesson_slug-further")["value"] == "why-bother"
    bad_module = press(client, f"{base}/modules", {"module_title": "X", "module_slug": "No Way"})
    assert bad_module.status_code == 422
    assert field_error(bad_module.text, "module_slug").startswith("Use lowercase letters")
    assert input_value(bad_module.text, "module_slug") == "No Way"
    reserved = press(client, f"{base}/modules", {"module_title": "Pictures",
                                                "module_slug": "assets"})
    assert reserved.status_code == 422
    assert "reserved for the course&#39;s images" in reserved.text
    untitled = press(client, f"{base}/modules", {"module_title": " "})
    assert untitled.status_code == 422
    assert field_error(untitled.text, "module_title") == "This is required."
    unknown_kind = press(client, f"{base}/modules/further/lessons",
                        {"lesson_title": "Odd", "kind": "video"})
    assert unknown_kind.status_code == 422 and "Choose what kind of item to add." in (
        unknown_kind.text)

    # rename a module
    assert press(client, f"{base}/modules/further", {"title": "Further still",
                                                    "summary": "More."}).status_code == 303
    further = draft_dict(database, "social-basics")["modules"][1]
    assert (further["title"], further["summary"]) == ("Further still", "More.")

    # move modules
    assert press(client, f"{base}/modules/further/move", {"direction": "up"}).status_code == 303
    assert [m for m, _ in draft_outline(database, "social-basics")] == [
        "further", "getting-started"]
    assert press(client, f"{base}/modules/further/move", {"direction": "up"}).status_code == 303
    assert [m for m, _ in draft_outline(database, "social-basics")] == [
        "further", "getting-started"]  # already first
    assert press(client, f"{base}/modules/further/move", {"direction": "down"}
                ).status_code == 303
    assert [m for m, _ in draft_outline(database, "social-basics")] == [
        "getting-started", "further"]

    # move lessons within a module, past its end into the next, and back
    press(client, f"{base}/lessons/why-bother/move", {"direction": "down"})
    assert draft_outline(database, "social-basics")[0][1] == [
        "first-quiz", "why-bother", "your-persona"]
    press(client, f"{base}/lessons/your-persona/move", {"direction": "down"})
    assert draft_outline(database, "social-basics") == [
        ("getting-started", ["first-quiz", "why-bother"]),
        ("further", ["your-persona", "keep-going"])]
    press(client, f"{base}/lessons/your-persona/move", {"direction": "up"})
    assert draft_outline(database, "social-basics") == [
        ("getting-started", ["first-quiz", "why-bother", "your-persona"]),
        ("further", ["keep-going"])]
    press(client, f"{base}/lessons/first-quiz/move", {"direction": "up"})  # first: stays
    press(client, f"{base}/lessons/keep-going/move", {"direction": "down"})  # last: stays
    assert draft_outline(database, "social-basics") == [
        ("getting-started", ["first-quiz", "why-bother", "your-persona"]),
        ("further", ["keep-going"])]

    # remove a lesson, then a module
    assert press(client, f"{base}/lessons/why-bother/remove").status_code == 303
    assert draft_outline(database, "social-basics")[0][1] == ["first-quiz", "your-persona"]
    assert press(client, f"{base}/modules/further/remove").status_code == 303
    assert draft_outline(database, "social-basics") == [
        ("getting-started", ["first-quiz", "your-persona"])]
    assert post(client, f"{base}/lessons/keep-going/remove").status_code == 404
    assert post(client, f"{base}/modules/further/move", {"direction": "up"}).status_code == 404


def test_structure_changes_come_back_to_the_item_with_a_notice(client, trainer, pilot):
    for action, data, anchor in (
            (f"/author/{SLUG}/modules/basics/lessons", {"lesson_title": "New one",
                                                        "kind": "reading"}, "module-basics"),
            (f"/author/{SLUG}/modules/basics/move", {"direction": "down"}, "module-basics"),
            (f"/author/{SLUG}/lessons/hello/move", {"direction": "down"}, "lesson-hello")):
        response = press(client, action, data)
        assert response.status_code == 303
        assert response.headers["location"] == f"/author/{SLUG}?notice=draft-saved#{anchor}"


def test_a_refused_module_rename_shows_the_message_next_to_the_module_field(
        client, trainer, database, pilot):
    action = f"/author/{SLUG}/modules/basics"
    response = press(client, action, {"title": " ", "summary": "Kept summary"})
    assert response.status_code == 422
    rename = form_html(response.text, action)
    assert "This is required." in rename
    assert textarea(rename, "m-basics-summary").strip() == "Kept summary"
    assert "This is required." not in form_html(response.text, f"/author/{SLUG}/settings")
    assert draft_row(database) is None


def test_a_refused_settings_form_keeps_the_ticked_box(client, trainer, database, pilot):
    response = press(client, f"/author/{SLUG}/settings", {
        "title": "Pilot course", "summary": "S", "audience": "A", "estimated_hours": "abc",
        "sequential": "on"})
    assert response.status_code == 422
    assert input_value(response.text, "estimated_hours") == "abc"
    assert checked(response.text, "sequential")


def test_course_settings_sequential_and_hours(client, trainer, database, pilot):
    page = client.get(f"/author/{SLUG}").text
    assert not checked(page, "sequential")
    assert "Complete when every required item is done" in page
    form = {"title": "Pilot course, revised", "summary": "Shorter.", "audience": "Testers",
            "estimated_hours": "1.5", "sequential": "on"}
    assert press(client, f"/author/{SLUG}/settings", form).status_code == 303
    data = draft_dict(database)
    assert (data["title"], data["sequential"], data["estimated_hours"], data["completion"]) == (
        "Pilot course, revised", True, 1.5, "all-required")
    assert checked(client.get(f"/author/{SLUG}").text, "sequential")
    # unticking the box turns it off
    del form["sequential"]
    assert press(client, f"/author/{SLUG}/settings", form).status_code == 303
    assert draft_dict(database)["sequential"] is False
    with database.session() as s:
        assert s.exec(select(Course)).one().title == "Pilot course"  # still the draft only

    for hours in ("abc", "0", "-1", "201", "nan"):
        refused = press(client, f"/author/{SLUG}/settings", {**form, "estimated_hours": hours,
                                                             "title": "Typed title"})
        assert refused.status_code == 422, hours
        assert field_error(refused.text, "estimated_hours") == (
            "Enter the hours as a number from 0.5 to 200.")
        assert input_value(refused.text, "estimated_hours") == hours
        assert input_value(refused.text, "title") == "Typed title"
    assert draft_dict(database)["title"] == "Pilot course, revised"
    empty = press(client, f"/author/{SLUG}/settings", {**form, "title": ""})
    assert empty.status_code == 422 and field_error(empty.text, "title") == "This is required."

    # published: the course now requires modules in order
    press(client, f"/author/{SLUG}/settings", {**form, "sequential": "on"})
    assert publish(client, "Take modules in order").status_code == 303
    with database.session() as s:
        course = s.exec(select(Course)).one()
        assert (course.sequential, course.estimated_hours) == (True, 1.5)


# ------------------------------------------------------------- lessons and drafts


def test_lesson_edit_stays_in_the_draft_until_published(client, trainer, database, pilot,
                                                        learner):
    executive, _ = learner(pilot)
    assert "The world." in _lesson_page(executive)
    response = save_lesson(client, "world", "The **new** world.\n\nSecond paragraph.")
    assert response.status_code == 303
    assert response.headers["location"] == f"/author/{SLUG}/lessons/world?notice=draft-saved"
    assert draft_lesson(database, "world")["body"] == "The **new** world.\n\nSecond paragraph.\n"
    assert draft_row(database).updated_by_id == trainer.id
    editor = client.get(response.headers["location"]).text
    assert "Saved to the draft" in editor
    assert textarea(editor, "f-body") == "The **new** world.\n\nSecond paragraph."
    assert "<strong>new</strong>" in preview_of(editor)
    assert "Draft with unpublished changes" in client.get(f"/author/{SLUG}").text

    # the executive (and the published tables) still have the old text
    article = _lesson_page(executive)
    assert "The world." in article and "new" not in article
    assert lesson_row(database, "world").body_md == "The world.\n"
    assert revisions(database) == []

    # a publish needs a message; nothing is published without one
    missing = publish(client, "  ")
    assert missing.status_code == 422
    assert field_error(missing.text, "message") == "Say in a few words what changed."
    too_long = publish(client, "x" * 201)
    assert too_long.status_code == 422
    assert field_error(too_long.text, "message") == "Use at most 200 characters."
    assert "new" not in _lesson_page(executive)
    assert revisions(database) == []

    done = publish(client, "Rewrote the world lesson")
    assert done.status_code == 303
    assert done.headers["location"] == f"/author/{SLUG}?notice=published"
    article = _lesson_page(executive)
    assert "The <strong>new</strong> world." in article and "Second paragraph." in article
    assert draft_row(database) is None
    assert "Published: the draft matches what executives see" in client.get(
        f"/author/{SLUG}").text
    first, second = revisions(database)
    assert (first.number, first.author_id, first.message) == (
        1, None, "As published before revisions were kept")
    assert (second.number, second.author_id, second.message) == (
        2, trainer.id, "Rewrote the world lesson")
    assert json.loads(first.spec)["modules"][0]["lessons"][1]["body"] == "The world.\n"
    assert json.loads(second.spec)["modules"][0]["lessons"][1]["body"] == (
        "The **new** world.\n\nSecond paragraph.\n")
    assert second.created_at is not None


def _problems_on(html: str) -> list[str]:
    return [f"{unescape(file)}: {unescape(message)}"
            for file, message in re.findall(r"<li><code>([^<]+)</code> ([^<]+)</li>", html)]


def test_publishing_an_invalid_draft_lists_every_problem_and_changes_nothing(
        client, trainer, database, pilot, tmp_path):
    assert save_lesson(client, "world", "First line.\n\nSee [x](nope.md).").status_code == 303
    assert save_lesson(client, "deep", "Intro.\n\nAlso [y](../basics/gone.md).").status_code == 303
    response = publish(client, "Broken links")
    assert response.status_code == 422
    shown = _problems_on(response.text)
    assert "2 problems to fix first" in response.text
    assert input_value(response.text, "message") == "Broken links"  # kept
    # exactly what `podium courses check` says about the draft written as a package
    folder = write_package(spec_from_dict(draft_dict(database)), tmp_path)
    result = runner.invoke(cli, ["courses", "check", str(folder)])
    assert result.exit_code == 1
    assert shown == [line for line in result.output.splitlines() if ".md:" in line]
    # the line is the line in the lesson's file: after the front matter and a blank line
    world = lesson_markdown(spec_from_dict(draft_dict(database)).modules[0].lessons[1])
    line = world.splitlines().index("See [x](nope.md).") + 1
    assert shown[0].startswith(f"pilot/basics/world.md:{line}: broken link 'nope.md'")
    assert shown[1].startswith("pilot/advanced/deep.md:")
    # nothing was published
    assert lesson_row(database, "world").body_md == "The world.\n"
    assert lesson_row(database, "deep").body_md.startswith("Back to")
    assert revisions(database) == []
    assert draft_lesson(database, "world")["body"] == "First line.\n\nSee [x](nope.md).\n"


def test_minutes_are_estimated_from_the_text_or_typed(client, trainer, database, pilot):
    words = " ".join(["word"] * 450)
    assert save_lesson(client, "world", words).status_code == 303
    assert draft_lesson(database, "world")["minutes"] == 3  # 450 words at 200 a minute
    editor = client.get(f"/author/{SLUG}/lessons/world").text
    assert input_value(editor, "minutes") == ""  # the estimate is used
    assert "About 3 min from the text" in editor
    assert save_lesson(client, "world", words, minutes="7").status_code == 303
    assert draft_lesson(database, "world")["minutes"] == 7
    assert input_value(client.get(f"/author/{SLUG}/lessons/world").text, "minutes") == "7"
    assert save_lesson(client, "world", "Short.", minutes="").status_code == 303
    assert draft_lesson(database, "world")["minutes"] == 1

    for typed in ("abc", "0", "121", "-3", "2.5"):
        body = f"Typed text for {typed} <kept>"
        refused = save_lesson(client, "world", body, minutes=typed, title="Typed title")
        assert refused.status_code == 422, typed
        assert field_error(refused.text, "minutes") == (
            "Enter whole minutes from 1 to 120, or leave it empty to estimate from the text.")
        assert input_value(refused.text, "minutes") == typed
        assert input_value(refused.text, "title") == "Typed title"
        assert textarea(refused.text, "f-body") == body
    assert draft_lesson(database, "world")["body"] == "Short.\n"

    empty = save_lesson(client, "world", "   ", title="")
    assert empty.status_code == 422
    assert field_error(empty.text, "title") == "This is required."
    assert field_error(empty.text, "body") == "This is required."


def test_optional_lesson_and_title_are_saved(client, trainer, database, pilot):
    assert save_lesson(client, "world", "The world.", title="The whole world",
                       required=False).status_code == 303
    lesson = draft_lesson(database, "world")
    assert (lesson["title"], lesson["required"]) == ("The whole world", False)
    publish(client, "Optional now")
    row = lesson_row(database, "world")
    assert (row.title, row.required) == ("The whole world", False)


def test_live_preview_renders_and_sanitises_like_the_lesson_page(client, trainer, database,
                                                                 pilot):
    body = ("**bold** and [next](world.md) <script>alert(1)</script>\n\n"
            "[click](javascript:alert(1)) <img src=x onerror=alert(2)>\n\n"
            "![pic](../assets/nothing.png)\n")
    response = client.post(f"/author/{SLUG}/lessons/hello/preview", data={"body": body},
                           headers={"X-CSRF-Token": token(client), "HX-Request": "true"})
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html  # a fragment
    assert "<strong>bold</strong>" in html
    assert 'href="/courses/pilot/lessons/world"' in html  # links between lessons resolved
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and "<img src=x" not in html
    assert "onerror=alert(2)" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    assert 'id="estimate" hx-swap-oob="true"' in html
    # such a link is not published at all; without it the page is rendered the same way
    assert save_lesson(client, "hello", body).status_code == 303
    refused = publish(client, "Unsafe")
    assert refused.status_code == 422
    assert "unsafe link &#39;javascript:alert(1)&#39;" in refused.text
    body = body.replace("[click](javascript:alert(1)) ", "").replace(
        "![pic](../assets/nothing.png)", "")
    assert save_lesson(client, "hello", body).status_code == 303
    assert publish(client, "Preview check").status_code == 303
    published = lesson_row(database, "hello").body_html
    fragment = client.post(f"/author/{SLUG}/lessons/hello/preview", data={"body": body},
                           headers={"X-CSRF-Token": token(client)}).text
    assert fragment.startswith(published.strip())
    assert preview_of(client.get(f"/author/{SLUG}/lessons/hello").text).strip() == (
        published.strip())

    estimate = client.post(f"/author/{SLUG}/lessons/hello/preview",
                           data={"body": "word " * 450}, headers={"X-CSRF-Token": token(client)})
    assert "About 3 min from the text" in estimate.text

    refused = client.post(f"/author/{SLUG}/lessons/hello/preview", data={"body": "x"})
    assert refused.status_code == 403
    assert client.post(f"/author/{SLUG}/lessons/nope/preview", data={"body": "x"},
                       headers={"X-CSRF-Token": token(client)}).status_code == 404


# ---------------------------------------------------------- two trainers, one lesson


def test_second_save_from_a_stale_form_is_refused_with_both_versions(
        client, trainer, database, pilot, signed_in):
    other, other_user = signed_in(Role.trainer, full_name="Otto Other")
    mine = client.get(f"/author/{SLUG}/lessons/world").text
    theirs = other.get(f"/author/{SLUG}/lessons/world").text
    assert base_of(mine) == base_of(theirs)
    stale = base_of(theirs)

    first = save_lesson(client, "world", "Tina's line.\nShared line.", base=base_of(mine))
    assert first.status_code == 303
    second = save_lesson(other, "world", "Otto's line.\nShared line.", base=stale)
    assert second.status_code == 409
    html = second.text
    assert "Someone else changed this lesson while you were editing" in html
    assert "Tina Trainer saved it" in html
    assert "Nothing was overwritten" in html
    # their version in full, mine still in the editor, and the diff between them
    assert inner(html, "pre", id="their-version").strip() == "Tina's line.\nShared line."
    assert textarea(html, "f-body") == "Otto's line.\nShared line."
    removed, added = diff_lines(html)
    assert removed == ["Tina's line."] and added == ["Otto's line."]
    assert "Shared line." in html  # unchanged lines are shown too
    assert hidden_fields(html, f"/author/{SLUG}/lessons/world")["overwrite"] == "yes"
    assert "Save mine over theirs" in html
    # nothing was silently overwritten
    assert draft_lesson(database, "world")["body"] == "Tina's line.\nShared line.\n"
    assert draft_row(database).updated_by_id == trainer.id

    # Otto has seen both and keeps his: the form he is shown saves over theirs
    action = f"/author/{SLUG}/lessons/world"
    kept = other.post(action, data={
        **hidden_fields(html, action), "title": input_value(html, "title"),
        "minutes": input_value(html, "minutes"), "body": textarea(html, "f-body"),
        "required": "on"})
    assert kept.status_code == 303
    assert draft_lesson(database, "world")["body"] == "Otto's line.\nShared line.\n"
    assert draft_row(database).updated_by_id == other_user.id


def test_two_trainers_editing_different_lessons_keep_both_changes(client, trainer, database,
                                                                  pilot, signed_in):
    other, _ = signed_in(Role.trainer)
    hello = client.get(f"/author/{SLUG}/lessons/hello").text
    world = other.get(f"/author/{SLUG}/lessons/world").text
    assert save_lesson(client, "hello", "Hello again. See [next](world.md).",
                       base=base_of(hello)).status_code == 303
    assert save_lesson(other, "world", "World again.", base=base_of(world)).status_code == 303
    assert draft_lesson(database, "hello")["body"] == "Hello again. See [next](world.md).\n"
    assert draft_lesson(database, "world")["body"] == "World again.\n"


def test_a_form_saved_twice_is_not_a_conflict_with_itself_but_a_stale_one_is(
        client, trainer, database, pilot):
    page = client.get(f"/author/{SLUG}/lessons/world").text
    base = base_of(page)
    assert save_lesson(client, "world", "Once.", base=base).status_code == 303
    # the editor reloaded after the save has the new base
    assert save_lesson(client, "world", "Twice.").status_code == 303
    # the original, older form is now stale even for the same trainer
    assert save_lesson(client, "world", "Thrice.", base=base).status_code == 409
    assert draft_lesson(database, "world")["body"] == "Twice.\n"


# ------------------------------------------------------------- revisions and history


def _publish_texts(client, *texts: str) -> None:
    for number, text in enumerate(texts, start=1):
        assert save_lesson(client, "world", text).status_code == 303
        assert publish(client, f"Version {number}").status_code == 303


def test_lesson_history_lists_revisions_and_shows_a_readable_diff(client, trainer, database,
                                                                  pilot):
    _publish_texts(client, "Line one.\nSecond text.", "Line one.\nThird text.")
    numbers = [(r.number, r.message, r.author_id) for r in revisions(database)]
    assert numbers == [(1, "As published before revisions were kept", None),
                       (2, "Version 1", trainer.id), (3, "Version 2", trainer.id)]
    page = client.get(f"/author/{SLUG}/lessons/world/history")
    assert page.status_code == 200
    table = page.text[page.text.index('id="lesson-revisions"'):]
    table = table[:table.index("</table>")]
    assert [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", table)] == [3, 2, 1]
    assert "Version 2" in table and "Version 1" in table and "Tina Trainer" in table
    # by default: the last two versions
    assert "From revision 2 to revision 3" in page.text
    diff = client.get(f"/author/{SLUG}/lessons/world/history?a=1&b=2")
    assert diff.status_code == 200
    assert "From revision 1 to revision 2" in diff.text
    section = diff.text[diff.text.index('id="diff"'):]
    # the minutes went from 5 to the estimate (1), and the text changed line by line
    assert diff_lines(section) == (["5", "The world."], ["1", "Line one.", "Second text."])
    assert "Minutes:" in section
    same = client.get(f"/author/{SLUG}/lessons/world/history?a=2&b=2")
    assert "No differences." in same.text
    assert client.get(f"/author/{SLUG}/lessons/world/history?a=1&b=99").status_code == 400
    # a lesson that never changed has one version: the first
    hello = client.get(f"/author/{SLUG}/lessons/hello/history").text
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", hello) == ["1"]
    assert client.get(f"/author/{SLUG}/lessons/nope/history").status_code == 404
    press(client, f"/author/{SLUG}/modules/basics/lessons",
          {"lesson_title": "Brand new", "kind": "reading"})
    unpublished = client.get(f"/author/{SLUG}/lessons/brand-new/history")
    assert unpublished.status_code == 200
    assert "This lesson has not been published yet." in unpublished.text

    # unpublished changes are shown against the live version
    save_lesson(client, "world", "Line one.\nDraft text.")
    draft_view = client.get(f"/author/{SLUG}/lessons/world/history").text
    assert "Unpublished changes in the draft" in draft_view
    draft_section = draft_view[draft_view.index('id="draft-diff"'):]
    assert diff_lines(draft_section) == (["Third text."], ["Draft text."])


def test_restore_a_lesson_from_an_earlier_revision(client, trainer, database, pilot, learner):
    executive, _ = learner(pilot)
    _publish_texts(client, "Second text.", "Third text.")
    assert "Third text." in _lesson_page(executive)
    response = press(client, f"/author/{SLUG}/lessons/world/restore", {"revision": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/author/{SLUG}/lessons/world?notice=revision-restored")
    assert draft_lesson(database, "world")["body"] == "The world.\n"
    assert draft_lesson(database, "hello")["body"].startswith("Welcome.")  # others untouched
    assert "Third text." in _lesson_page(executive)  # a restore goes to the draft
    assert publish(client, "Back to the original").status_code == 303
    assert "The world." in _lesson_page(executive)
    assert revisions(database)[-1].number == 4

    assert press(client, f"/author/{SLUG}/lessons/world/restore", {"revision": "9"}
                ).status_code == 404
    assert post(client, f"/author/{SLUG}/lessons/nope/restore", {"revision": "1"}
                ).status_code == 409


def test_restore_brings_back_a_removed_lesson_into_its_module(client, trainer, database,
                                                              pilot):
    press(client, f"/author/{SLUG}/lessons/extra/remove")
    assert publish(client, "Without the extra").status_code == 303
    assert lesson_row(database, "extra").retired_at is not None
    history = client.get(f"/author/{SLUG}/lessons/extra/history")
    assert history.status_code == 200  # still has its history
    assert press(client, f"/author/{SLUG}/lessons/extra/restore", {"revision": "1"}
                ).status_code == 303
    assert draft_outline(database)[0] == ("basics", ["hello", "world", "extra"])
    assert publish(client, "Extra is back").status_code == 303
    assert lesson_row(database, "extra").retired_at is None


def test_a_lesson_whose_module_is_gone_cannot_be_restored(client, trainer, database, pilot):
    save_lesson(client, "hello", "Welcome.")  # no link to the module about to go
    assert press(client, f"/author/{SLUG}/modules/advanced/remove").status_code == 303
    assert publish(client, "No advanced module").status_code == 303
    refused = press(client, f"/author/{SLUG}/lessons/deep/restore", {"revision": "1"})
    assert refused.status_code == 409
    assert "The lesson&#39;s module is no longer in the course" in refused.text
    assert draft_row(database) is None  # nothing changed


def test_restore_the_whole_course_and_discard_a_draft(client, trainer, database, pilot):
    save_lesson(client, "world", "Changed world.")
    press(client, f"/author/{SLUG}/lessons/extra/remove")
    assert publish(client, "Big change").status_code == 303
    page = client.get(f"/author/{SLUG}/history")
    assert page.status_code == 200
    assert "Big change" in page.text and "As published before revisions were kept" in page.text
    assert "Live" in page.text

    response = press(client, f"/author/{SLUG}/restore", {"revision": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/author/{SLUG}?notice=revision-restored"
    first = json.loads(revisions(database)[0].spec)
    assert spec_to_dict(spec_from_dict(draft_dict(database))) == first
    assert draft_outline(database)[0] == ("basics", ["hello", "world", "extra"])
    assert lesson_row(database, "world").body_md == "Changed world.\n"  # still the draft only
    assert press(client, f"/author/{SLUG}/restore", {"revision": "7"}).status_code == 404

    discarded = press(client, f"/author/{SLUG}/discard")
    assert discarded.status_code == 303
    assert discarded.headers["location"] == f"/author/{SLUG}?notice=draft-discarded"
    assert draft_row(database) is None
    assert draft_outline_published(client) == ["hello", "world", "deep"]

    # a course never published has only its draft: it cannot be discarded
    post(client, "/author/courses", NEW_COURSE)
    assert post(client, "/author/social-basics/discard").status_code == 409
    assert draft_row(database, "social-basics") is not None


def draft_outline_published(client) -> list[str]:
    """The lessons of the course page as the trainer's draft shows it (no row: published)."""
    page = client.get(f"/author/{SLUG}").text
    return re.findall(r'<a class="au-row-title" href="/author/pilot/lessons/([a-z-]+)">', page)


def test_publishing_the_same_course_twice_in_a_row_records_one_revision(client, trainer,
                                                                        database, pilot):
    save_lesson(client, "world", "Same.")
    assert publish(client, "Once").status_code == 303
    # the draft now matches: the course page offers no publish form
    assert 'action="/author/pilot/publish"' not in client.get(f"/author/{SLUG}").text
    assert [r.number for r in revisions(database)] == [1, 2]


# ----------------------------------------------------------- progress is kept


def test_publishing_keeps_progress_on_lessons_that_remain(client, trainer, database, pilot,
                                                          learner):
    executive, user = learner(pilot)
    for lesson in ("hello", "world", "extra"):
        executive.get(f"/courses/{SLUG}/lessons/{lesson}")
        done = post(executive, f"/courses/{SLUG}/lessons/{lesson}/complete")
        assert done.status_code == 303
    before = progress_rows(database, user)
    assert before["hello"].completed_at is not None and before["world"].completed_at is not None

    assert press(client, f"/author/{SLUG}/lessons/world/remove").status_code == 303
    assert save_lesson(client, "hello", "Welcome, revised.").status_code == 303
    # the optional lesson moves past the end of its module into the next one
    assert press(client, f"/author/{SLUG}/lessons/extra/move", {"direction": "down"}
                 ).status_code == 303
    assert draft_outline(database) == [("basics", ["hello"]), ("advanced", ["extra", "deep"])]
    assert publish(client, "Dropped the world lesson").status_code == 303

    after = progress_rows(database, user)
    assert set(after) == set(before)  # no progress row was lost
    assert after["hello"].completed_at == before["hello"].completed_at
    assert after["world"].completed_at == before["world"].completed_at
    assert after["extra"].completed_at == before["extra"].completed_at
    extra = lesson_row(database, "extra")
    assert extra.id == before["extra"].lesson_id and extra.retired_at is None
    with database.session() as s:
        assert s.get(Module, extra.module_id).slug == "advanced"
    assert lesson_row(database, "world").retired_at is not None
    assert lesson_row(database, "hello").id == before["hello"].lesson_id  # the same lesson
    course_page = executive.get(f"/courses/{SLUG}").text
    assert "World" not in re.sub(r"<head>.*?</head>", "", course_page, flags=re.S)
    assert re.search(r'href="/courses/pilot/lessons/hello">Hello</a>.*?Completed', course_page,
                     re.S)
    assert executive.get(f"/courses/{SLUG}/lessons/world").status_code == 404
    assert "Welcome, revised." in _lesson_page(executive, "hello")


# --------------------------------------------------------- quizzes in progress


def _start_attempt(executive) -> str:
    url = f"/courses/{SLUG}/quizzes/{QUIZ_SLUG}"
    response = post(executive, url + "/attempts")
    assert response.status_code == 303, response.text
    return response.headers["location"]


def _question_ids(layout: str) -> list[int]:
    return [entry["id"] for entry in json.loads(layout)]


NEW_GIFT = "::Renamed::Capital of Italy?{=Rome ~Milan}\n\n::Fresh::The sky is green.{F}\n"


def test_an_attempt_in_progress_keeps_the_questions_it_started_with(
        client, trainer, database, quiz_course, learner):
    executive, user = learner(quiz_course)
    url = _start_attempt(executive)
    (attempt,) = _attempts(database, user.id)
    old_ids = _question_ids(attempt.layout)
    assert len(old_ids) == 3

    response = quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": NEW_GIFT})
    assert response.status_code == 303, response.text
    assert publish(client, "New questions").status_code == 303
    with database.session() as s:
        rows = {row.id: row for row in s.exec(select(QuizQuestion))}
    assert all(rows[i].retired_at is not None for i in old_ids)
    live = sorted(i for i, row in rows.items() if row.retired_at is None)
    assert len(live) == 2

    page = executive.get(url)
    assert page.status_code == 200
    assert "Capital of France?" in page.text and "Capital of Italy?" not in page.text
    # submitted against the old questions: all three right
    answers = {f"q{old_ids[0]}": "0", f"q{old_ids[1]}": "true", f"q{old_ids[2]}": "220"}
    submitted = post(executive, url + "/submit", answers)
    assert submitted.status_code == 303
    (attempt,) = _attempts(database, user.id)
    assert attempt.score == 100.0 and attempt.passed is True
    with database.session() as s:
        graded = s.exec(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)).all()
    assert sorted(a.question_id for a in graded) == sorted(old_ids)

    # a new attempt gets the new questions
    second_url = _start_attempt(executive)
    assert second_url.endswith("/attempts/2")
    second = _attempts(database, user.id)[1]
    assert sorted(_question_ids(second.layout)) == live
    page = executive.get(second_url).text
    assert "Capital of Italy?" in page and "Capital of France?" not in page


def _attempts(database, user_id: int) -> list[QuizAttempt]:
    with database.session() as s:
        return list(s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user_id)
                           .order_by(col(QuizAttempt.number))).all())


# ----------------------------------------------------------------- quiz editing

QUESTION_FORMS: dict[str, dict[str, str]] = {
    "single": {"text": "Pick the capital of Spain", "choice-0-text": "Madrid",
               "choice-0-grade": "100", "choice-1-text": "Seville", "choice-1-grade": "0"},
    "multiple": {"text": "Pick the networks", "choice-0-text": "LinkedIn",
                 "choice-0-grade": "50", "choice-1-text": "X", "choice-1-grade": "50",
                 "choice-2-text": "Fax", "choice-2-grade": "-50"},
    "truefalse": {"text": "Posts can be edited", "correct": "true"},
    "short": {"text": "Name the blue network", "choice-0-text": "LinkedIn",
              "choice-0-grade": "100"},
    "numerical": {"text": "Characters in an X post", "numerical-0-value": "280",
                  "numerical-0-tolerance": "0", "numerical-0-grade": "100"},
    "matching": {"text": "Match the networks", "pair-0-question": "LinkedIn",
                 "pair-0-answer": "Professional", "pair-1-question": "Instagram",
                 "pair-1-answer": "Pictures", "pair-2-question": "",
                 "pair-2-answer": "Fax"},
    "essay": {"text": "Describe your audience"},
    "description": {"text": "Some words before the next question"},
}


def _quiz_body(database) -> list:
    questions, _ = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])
    return questions


QUIZ_PAGE = f"/author/{SLUG}/lessons/{QUIZ_SLUG}"
QUESTIONS = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/questions"


def _save_question(client, number: int, values: dict[str, str], qtype: str | None = None):
    """Open the question's form (of ``qtype`` for a new one) and save it with ``values``."""
    page = f"{QUESTIONS}/{number}" + (f"?type={qtype}" if qtype else "")
    return submit(client, page, f"{QUESTIONS}/{number}", values)


def _on_quiz_page(client, action: str, data: dict[str, str] | None = None):
    """Press a button (move, remove) on the quiz editor page."""
    return submit(client, QUIZ_PAGE, action, data)


def test_add_a_question_of_every_type_edit_move_and_remove(client, trainer, database,
                                                           quiz_course):
    for qtype, values in QUESTION_FORMS.items():
        form = client.get(f"{QUESTIONS}/0?type={qtype}")
        assert form.status_code == 200
        assert hidden_fields(form.text, f"{QUESTIONS}/0")["qtype"] == qtype
        response = _save_question(client, 0, values, qtype)
        assert response.status_code == 303, (qtype, response.text)
        assert response.headers["location"] == f"{QUIZ_PAGE}?notice=draft-saved"
    questions = _quiz_body(database)
    assert [q.type.value for q in questions] == [
        "single", "truefalse", "numerical", *QUESTION_FORMS]
    added = questions[3:]
    assert added[0].choices[0].text == "Madrid" and added[0].choices[0].fraction == 1.0
    assert [c.fraction for c in added[1].choices] == [0.5, 0.5, -0.5]
    assert added[2].correct is True
    assert [c.text for c in added[3].choices] == ["LinkedIn"]
    assert added[4].numerical[0].value == 280
    assert [(p.question, p.answer) for p in added[5].pairs] == [
        ("LinkedIn", "Professional"), ("Instagram", "Pictures"), ("", "Fax")]
    assert [added[6].type, added[7].type] == [QType.essay, QType.description]

    # the editor shows every question as the executive will see it
    page = client.get(QUIZ_PAGE)
    assert page.status_code == 200
    assert "Questions (11)" in page.text
    for values in QUESTION_FORMS.values():
        assert values["text"] in page.text
    assert 'type="radio"' in page.text and 'type="checkbox"' in page.text
    assert "<select" in page.text  # matching
    assert "Madrid" in page.text and "Seville" in page.text
    assert lesson_row(database, QUIZ_SLUG).body_md.count("::") == 6  # published unchanged

    # edit question 4 (single): its form shows the stored values
    edit = client.get(f"{QUESTIONS}/4")
    assert edit.status_code == 200
    assert attributes_of(edit.text, "input", name="choice-0-text")["value"] == "Madrid"
    changed = _save_question(client, 4, {**QUESTION_FORMS["single"],
                                         "text": "Pick the capital of Portugal",
                                         "choice-0-text": "Lisbon"})
    assert changed.status_code == 303
    assert _quiz_body(database)[3].text == "Pick the capital of Portugal"
    assert len(_quiz_body(database)) == 11

    # move it up, then remove the first question
    assert _on_quiz_page(client, f"{QUESTIONS}/4/move", {"direction": "up"}
                         ).status_code == 303
    texts = [q.text for q in _quiz_body(database)]
    assert texts[2] == "Pick the capital of Portugal"
    assert texts[3] == "LinkedIn headline limit?"
    assert _on_quiz_page(client, f"{QUESTIONS}/1/remove").status_code == 303
    texts = [q.text for q in _quiz_body(database)]
    assert len(texts) == 10 and "Capital of France?" not in texts
    current = hidden_fields(client.get(QUIZ_PAGE).text, f"{QUESTIONS}/1/remove")
    assert client.post(f"{QUESTIONS}/99/remove", data=current).status_code == 404
    assert client.get(f"{QUESTIONS}/99").status_code == 404
    assert client.get(f"{QUESTIONS}/0?type=video").status_code == 400

    # and it publishes
    assert publish(client, "More questions").status_code == 303
    with database.session() as s:
        live = s.exec(select(QuizQuestion).where(col(QuizQuestion.retired_at).is_(None))
                      .order_by(col(QuizQuestion.position))).all()
    assert [row.qtype for row in live][:2] == ["truefalse", "single"]
    assert len(live) == 10


def test_a_refused_question_keeps_what_was_typed(client, trainer, database, quiz_course):
    response = _save_question(client, 0, {"text": "Which one?", "choice-0-text": "Only answer",
                                          "choice-0-grade": "100"}, "single")
    assert response.status_code == 422
    assert "Write at least 2 answers." in response.text
    assert attributes_of(response.text, "input", name="choice-0-text")["value"] == (
        "Only answer")
    assert "Which one?" in response.text
    assert draft_row(database) is None

    # a quiz needs a question to answer: a description alone is refused
    press(client, f"/author/{SLUG}/modules/basics/lessons",
         {"lesson_title": "Empty quiz", "kind": "quiz"})
    lonely = submit(client, f"/author/{SLUG}/quizzes/empty-quiz/questions/0?type=description",
                    f"/author/{SLUG}/quizzes/empty-quiz/questions/0", {"text": "Just words"})
    assert lonely.status_code == 422
    assert "A quiz needs at least one question to answer." in lonely.text
    assert draft_lesson(database, "empty-quiz")["body"] == ""


def test_a_question_saved_from_a_stale_quiz_is_refused(client, trainer, database,
                                                       quiz_course, signed_in):
    other, _ = signed_in(Role.trainer)
    stale_question = other.get(f"{QUESTIONS}/2").text
    stale_quiz = other.get(QUIZ_PAGE).text
    # meanwhile the first trainer removes question 1: question 2 is now another question
    assert _on_quiz_page(client, f"{QUESTIONS}/1/remove").status_code == 303
    before = draft_lesson(database, QUIZ_SLUG)["body"]

    action = f"{QUESTIONS}/2"
    refused = other.post(action, data={**hidden_fields(stale_question, action),
                                       "text": "Edited statement", "correct": "false"})
    assert refused.status_code == 409
    assert "Someone else changed this quiz while you were editing" in refused.text
    assert "Edited statement" in refused.text  # what was typed is kept
    for button, data in ((f"{QUESTIONS}/2/move", {"direction": "up"}),
                         (f"{QUESTIONS}/1/remove", {})):
        stale = other.post(button, data={**hidden_fields(stale_quiz, button), **data})
        assert stale.status_code == 422
        assert "Someone else changed this quiz meanwhile" in stale.text
    assert draft_lesson(database, QUIZ_SLUG)["body"] == before


def test_gift_saved_from_a_stale_quiz_page_does_not_overwrite_a_newer_edit(
        client, trainer, database, quiz_course, signed_in):
    other, _ = signed_in(Role.trainer)
    action = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift"
    stale = other.get(QUIZ_PAGE).text
    assert _save_question(client, 2, {"text": "Edited by Tina", "correct": "true"}
                          ).status_code == 303
    gift = textarea(stale, "f-gift").replace("Capital of France?", "Capital of Spain?")
    response = other.post(action, data={**hidden_fields(stale, action), "gift": gift})
    assert response.status_code != 303
    assert "Edited by Tina" in draft_lesson(database, QUIZ_SLUG)["body"]


def test_quiz_settings_are_validated_next_to_their_fields(client, trainer, database,
                                                          quiz_course):
    url = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/settings"
    form = {"title": "Check", "minutes": "6", "pass_mark": "101", "attempts": "3",
            "time_limit": "", "score": "last", "reveal": "never", "shuffle": "on"}
    refused = quiz_post(client, url, form)
    assert refused.status_code == 422
    assert field_error(refused.text, "pass_mark") == "Enter a whole number from 0 to 100."
    assert input_value(refused.text, "pass_mark") == "101"
    assert input_value(refused.text, "attempts") == "3"
    assert draft_row(database) is None
    bad = quiz_post(client, url, {**form, "pass_mark": "80", "attempts": "-1", "time_limit": "0",
                             "minutes": "x", "score": "worst", "reveal": "maybe"})
    assert bad.status_code == 422
    for name in ("attempts", "time_limit", "minutes"):
        assert field_error(bad.text, name).startswith("Enter a whole number from")
    assert "Choose which attempt counts." in bad.text
    assert "Choose when answers are shown." in bad.text

    done = quiz_post(client, url, {**form, "pass_mark": "80", "time_limit": "15"})
    assert done.status_code == 303
    lesson = draft_lesson(database, QUIZ_SLUG)
    assert lesson["title"] == "Check" and lesson["minutes"] == 6
    assert lesson["required"] is False  # the box was not ticked
    quiz = lesson["quiz"]
    assert (quiz["pass_mark"], quiz["attempts"], quiz["time_limit"], quiz["score"],
            quiz["reveal"], quiz["shuffle"]) == (80, 3, 15, "last", "never", True)
    assert publish(client, "Stricter quiz").status_code == 303
    with database.session() as s:
        stored = s.get(Quiz, lesson_row(database, QUIZ_SLUG).id)
    assert (stored.pass_mark, stored.attempts_allowed, stored.time_limit_minutes,
            stored.score_policy, stored.reveal, stored.shuffle) == (
        80, 3, 15, "last", "never", True)


def test_gift_with_a_syntax_error_changes_nothing(client, trainer, database, quiz_course):
    text = "::Good::Fine question?{=Yes ~No}\n\n::Bad::Broken question?{=Yes ~No\n"
    response = quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": text})
    assert response.status_code == 422
    message = field_error(response.text, "gift")
    assert re.match(r"line \d+: ", message), message
    assert textarea(response.text, "f-gift") == text  # what was pasted is kept
    assert draft_row(database) is None
    none = quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": "// nothing\n"})
    assert none.status_code == 422
    assert field_error(none.text, "gift") == "The text has no question to answer."



def _gift_upload(client, data: bytes):
    return quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": ""},
                files={"gift_file": ("q.gift", data, "text/plain")})


def test_an_uploaded_gift_file_replaces_every_question(client, trainer, database, quiz_course):
    # The upload's temporary file is leaked by the app (see the xfail test below); that
    # warning is not what this test is about.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        upload = _gift_upload(client, NEW_GIFT.encode())
        latin1 = _gift_upload(client, "Caf\xe9?{T}".encode("latin-1"))
        broken = _gift_upload(client, b"::Bad::Broken?{=Yes ~No\n")
        gc.collect()
    assert upload.status_code == 303
    assert [q.text for q in _quiz_body(database)] == ["Capital of Italy?", "The sky is green."]
    assert latin1.status_code == 422
    assert field_error(latin1.text, "gift") == "The file is not UTF-8 text."
    assert broken.status_code == 422
    assert re.match(r"line \d+: ", field_error(broken.text, "gift"))
    assert [q.text for q in _quiz_body(database)] == ["Capital of Italy?", "The sky is green."]


def test_an_uploaded_gift_file_is_closed_after_the_request(client, trainer, database,
                                                           quiz_course):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        status = _gift_upload(client, NEW_GIFT.encode()).status_code
        gc.collect()
    assert status == 303
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == []


def test_quiz_routes_refuse_a_reading_lesson(client, trainer, database, quiz_course):
    assert post(client, f"/author/{SLUG}/quizzes/hello/gift", {"gift": NEW_GIFT}
                ).status_code == 404
    assert post(client, f"/author/{SLUG}/quizzes/hello/settings", {"title": "x"}
                ).status_code == 404
    assert draft_row(database) is None


# ---------------------------------------------------------------------- images


def test_a_valid_png_is_stored_under_a_server_chosen_name_and_served_safely(
        client, trainer, database, pilot, learner):
    data = tiny_png()
    response = post(client, f"/author/{SLUG}/assets",
                    files={"image": ("../../My Photo.png", data, "image/png")})
    assert response.status_code == 200, response.text
    name = hashlib.sha256(data).hexdigest()[:20] + ".png"
    assert f"../assets/{name}" in response.text
    assert f'src="/courses/pilot/assets/{name}"' in response.text
    assert "My Photo" not in response.text
    with database.session() as s:
        (row,) = s.exec(select(CourseAsset)).all()
    assert (row.course_slug, row.name, row.content_type, row.size, bytes(row.data)) == (
        SLUG, name, "image/png", len(data), data)
    assert row.created_by_id == trainer.id

    executive, _ = learner(pilot)
    served = executive.get(f"/courses/{SLUG}/assets/{name}")
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert "sandbox" in served.headers["content-security-policy"]
    assert executive.get(f"/courses/{SLUG}/assets/other.png").status_code == 404
    assert executive.get(f"/courses/other/assets/{name}").status_code == 404

    # the same image again is the same asset
    post(client, f"/author/{SLUG}/assets", files={"image": ("again.png", data, "image/png")})
    with database.session() as s:
        assert len(s.exec(select(CourseAsset)).all()) == 1

    # used in a lesson, the published page shows it from its address
    save_lesson(client, "world", f"A chart:\n\n![Chart](../assets/{name})")
    assert publish(client, "With a chart").status_code == 303
    assert f'src="/courses/pilot/assets/{name}"' in _lesson_page(executive)


HOSTILE_IMAGES = {
    "html named png": ("x.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                       "image/png", NOT_AN_IMAGE),
    "svg with script": ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
                        b"</script></svg>", "image/svg+xml", SVG_REFUSED),
    "svg with handler": ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                         b"</svg>", "image/svg+xml", SVG_REFUSED),
    "text": ("notes.png", b"just some words", "image/png", NOT_AN_IMAGE),
    "oversized": ("big.png", tiny_png() + b"\x00" * MAX_IMAGE_BYTES, "image/png",
                  "Images can be at most 2 MB"),
}


@pytest.mark.parametrize("case", list(HOSTILE_IMAGES))
def test_hostile_images_are_refused(client, trainer, database, pilot, case):
    filename, data, content_type, message = HOSTILE_IMAGES[case]
    response = post(client, f"/author/{SLUG}/assets",
                    files={"image": (filename, data, content_type)})
    assert response.status_code == 422
    assert '<p class="field-error" role="alert">' in response.text
    assert escape(message, quote=True).split(";")[0] in response.text or message in (
        response.text.replace("&#39;", "'"))
    with database.session() as s:
        assert s.exec(select(CourseAsset)).all() == []


def test_a_plain_svg_is_accepted(client, trainer, database, pilot):
    data = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10" fill="red"/></svg>')
    response = post(client, f"/author/{SLUG}/assets",
                    files={"image": ("drawing.png", data, "image/png")})
    assert response.status_code == 200
    with database.session() as s:
        (row,) = s.exec(select(CourseAsset)).all()
    assert row.name.endswith(".svg") and row.content_type == "image/svg+xml"
    served = client.get(f"/courses/{SLUG}/assets/{row.name}")
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in served.headers["content-security-policy"]


def test_assets_need_a_signed_in_user(client, database, pilot, new_client, trainer):
    post(client, f"/author/{SLUG}/assets", files={"image": ("a.png", tiny_png(), "image/png")})
    with database.session() as s:
        name = s.exec(select(CourseAsset.name)).one()
    anonymous = new_client()
    response = anonymous.get(f"/courses/{SLUG}/assets/{name}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# --------------------------------------------------------------- who may author

def _authoring_posts() -> list[str]:
    """Every POST route of the authoring pages, with its parameters filled in."""
    values = {"slug": SLUG, "module": "basics", "lesson": "hello", "number": "1"}
    paths = []
    for path, route in api_routes(authoring_router.routes):  # the pages' routers, nested
        if "POST" in route.methods and path.startswith("/author"):
            paths.append(re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path))
    return sorted(paths)


def test_every_authoring_post_route_is_covered(client):
    paths = _authoring_posts()
    assert len(paths) == 26  # with the quiz editor's Moodle XML import
    assert "/author/pilot/publish" in paths and "/author/packages" in paths


def test_every_authoring_post_needs_the_csrf_token(client, trainer, database, pilot):
    before = _snapshot(database)
    client.get("/author")
    for path in _authoring_posts():
        response = client.post(path, data={"title": "x", "message": "m", "body": "b"})
        assert response.status_code == 403, path
        assert "Reload the page and try again" in response.text
        wrong = client.post(path, data={"csrf_token": "forged", "message": "m"})
        assert wrong.status_code == 403, path
    assert _snapshot(database) == before


def _snapshot(database) -> tuple:
    with database.session() as s:
        return (len(s.exec(select(CourseDraft)).all()), len(s.exec(select(CourseRevision)).all()),
                len(s.exec(select(CourseAsset)).all()),
                [(les.slug, les.body_md) for les in s.exec(select(Lesson).order_by(Lesson.id))])


@pytest.mark.parametrize("role", [Role.executive, Role.hr])
def test_executives_and_hr_cannot_author(client, database, pilot, login_as, role):
    login_as(role)
    for path in ("/author", f"/author/{SLUG}", f"/author/{SLUG}/lessons/hello",
                 f"/author/{SLUG}/lessons/hello/history", f"/author/{SLUG}/history",
                 f"/author/{SLUG}/package.zip", f"/author/{SLUG}/quizzes/check/analysis",
                 f"/author/{SLUG}/quizzes/check/questions/0"):
        assert client.get(path).status_code == 403, path
    before = _snapshot(database)
    for path in _authoring_posts():
        response = post(client, path, {"title": "x", "message": "Sneaky", "body": "b",
                                       "direction": "up", "revision": "1", **NEW_COURSE})
        assert response.status_code == 403, path
    assert _snapshot(database) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, pilot):
    for path in ("/author", f"/author/{SLUG}", f"/author/{SLUG}/lessons/hello"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


def test_anonymous_posts_change_nothing(client, database, pilot):
    anonymous_token = csrf_from(client, "/login")
    response = client.post("/author/courses", data={"csrf_token": anonymous_token,
                                                    **NEW_COURSE})
    assert response.status_code == 401
    response = client.post(f"/author/{SLUG}/publish", data={"csrf_token": anonymous_token,
                                                            "message": "m"})
    assert response.status_code == 401
    with database.session() as s:
        assert s.exec(select(CourseDraft)).all() == []
        assert s.exec(select(CourseRevision)).all() == []


def test_executives_never_see_a_draft_course_or_draft_lessons(client, trainer, database, pilot,
                                                             learner, load_course):
    executive, _ = learner(pilot)
    post(client, "/author/courses", NEW_COURSE)
    assert executive.get("/courses/social-basics").status_code == 404
    assert "Social basics" not in executive.get("/").text
    assert press(client, f"/author/{SLUG}/modules", {"module_title": "Bonus"}).status_code == 303
    assert press(client, f"/author/{SLUG}/modules/bonus/lessons",
                 {"lesson_title": "Secret extra", "kind": "reading"}).status_code == 303
    assert press(client, f"/author/{SLUG}/settings", {
        "title": "Renamed course", "summary": "S", "audience": "A",
        "estimated_hours": "1"}).status_code == 303
    course_page = executive.get(f"/courses/{SLUG}").text
    assert "Bonus" not in course_page and "Secret extra" not in course_page
    assert "Renamed course" not in course_page and "Pilot course" in course_page
    assert executive.get(f"/courses/{SLUG}/lessons/secret-extra").status_code == 404
    # trainers previewing the course as executives see it get the published version too
    assert "Secret extra" not in client.get(f"/courses/{SLUG}").text
    assert publish(client, "Bonus module").status_code == 303
    course_page = executive.get(f"/courses/{SLUG}").text
    assert "Bonus" in course_page and "Secret extra" in course_page
    assert "Renamed course" in course_page
    assert "Write the lesson here." in _lesson_page(executive, "secret-extra")


def test_lesson_text_is_escaped_in_diffs_and_conflicts(client, trainer, database, pilot,
                                                       signed_in):
    other, _ = signed_in(Role.trainer)
    stale = base_of(other.get(f"/author/{SLUG}/lessons/world").text)
    hostile = 'Say <script>alert("x")</script> & <b>bold</b>'
    assert save_lesson(client, "world", hostile).status_code == 303
    conflict = save_lesson(other, "world", "<img src=x onerror=alert(1)>", base=stale)
    assert conflict.status_code == 409
    assert "<script>alert" not in conflict.text and "<img src=x" not in conflict.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in conflict.text or (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in conflict.text)
    assert publish(client, "Hostile text").status_code == 303
    history = client.get(f"/author/{SLUG}/lessons/world/history").text
    assert "<script>alert" not in history and "<b>bold</b>" not in history
    assert "&lt;b&gt;bold&lt;/b&gt;" in history


def test_admins_can_author(client, database, pilot, login_as):
    login_as(Role.admin)
    assert client.get("/author").status_code == 200
    assert save_lesson(client, "world", "Admin was here.").status_code == 303
    assert publish(client, "Admin edit").status_code == 303
    assert lesson_row(database, "world").body_md == "Admin was here.\n"


def test_unknown_courses_and_lessons_are_not_found(client, trainer, pilot):
    for path in ("/author/nope", "/author/nope/lessons/hello", f"/author/{SLUG}/lessons/nope",
                 "/author/nope/history", "/author/nope/package.zip",
                 f"/author/{SLUG}/quizzes/nope/analysis", f"/author/{SLUG}/quizzes/hello/analysis",
                 "/author/nope/lessons/hello/history"):
        assert client.get(path).status_code == 404, path
    for path, data in (("/author/nope/settings", {"title": "x"}),
                       ("/author/nope/publish", {"message": "m"}),
                       ("/author/nope/discard", {}),
                       ("/author/nope/modules", {"module_title": "M"}),
                       (f"/author/{SLUG}/modules/nope", {"title": "T", "summary": "S"}),
                       (f"/author/{SLUG}/modules/nope/lessons",
                        {"lesson_title": "L", "kind": "reading"}),
                       (f"/author/{SLUG}/lessons/nope", {"title": "T", "body": "B"}),
                       (f"/author/{SLUG}/lessons/nope/move", {"direction": "up"})):
        assert post(client, path, data).status_code == 404, path


def test_the_draft_round_trips_the_published_course(client, trainer, database, pilot):
    """Opening and saving an unchanged lesson gives a draft equal to the published course."""
    page = client.get(f"/author/{SLUG}/lessons/world").text
    assert save_lesson(client, "world", textarea(page, "f-body"),
                       minutes=input_value(page, "minutes")).status_code == 303
    data = draft_dict(database)
    with database.session() as s:
        published = spec_to_dict(course_to_spec(s, s.exec(select(Course)).one()))
    assert spec_to_dict(spec_from_dict(data)) == published
    assert "Published: the draft matches what executives see" in client.get(
        f"/author/{SLUG}").text
    assert draft_fields.estimate_minutes("word " * 450) == 3
