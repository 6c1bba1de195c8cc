"""Reordering the course structure in one request (drag and drop, Alt+arrow keys): the
whole new order is checked on the server and saved to the draft like the move buttons'
changes; moving a lesson to another module from its row menu; the course page's compact
rows with their draft/published state."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.models import CourseDraft, Role
from tests.authoring.conftest import SLUG, draft_outline, draft_row, post, save_lesson, token

ORDER = f"/author/{SLUG}/order"
# The small course (tests/courses_data.py): basics [hello, world, extra], advanced [deep].
AS_LOADED = [("basics", ["hello", "world", "extra"]), ("advanced", ["deep"])]


def order(client, modules: list[str], lessons: list[str], **headers: str):
    """Post a new order as authoring.js does: a form body, the token in the header."""
    return client.post(ORDER, data={"modules": modules, "lessons": lessons},
                       headers={"X-CSRF-Token": token(client), "HX-Request": "true", **headers})


def outline_or_loaded(database) -> list[tuple[str, list[str]]]:
    return draft_outline(database) if draft_row(database) is not None else AS_LOADED


def test_a_new_order_is_saved_to_the_draft(client, trainer, database, pilot):
    response = order(client, ["advanced", "basics"],
                     ["advanced/world", "advanced/deep", "basics/extra", "basics/hello"])
    assert response.status_code == 200
    assert "New order saved to the draft." in response.text
    assert draft_outline(database) == [("advanced", ["world", "deep"]),
                                       ("basics", ["extra", "hello"])]
    row = draft_row(database)
    assert row is not None and row.updated_by_id == trainer.id  # as the move buttons record it
    # the course page shows the new order, and the draft as changed
    page = client.get(f"/author/{SLUG}").text
    assert re.findall(r'data-lesson="([a-z-]+)"', page) == ["world", "deep", "extra", "hello"]
    assert re.findall(r'<li class="au-module" id="module-([a-z-]+)"', page) == [
        "advanced", "basics"]
    assert "Draft with unpublished changes" in page


def test_the_form_token_works_as_well_as_the_header(client, trainer, database, pilot):
    response = client.post(ORDER, data={
        "csrf_token": token(client), "modules": ["basics", "advanced"],
        "lessons": ["basics/world", "basics/hello", "basics/extra", "advanced/deep"]})
    assert response.status_code == 200
    assert draft_outline(database)[0] == ("basics", ["world", "hello", "extra"])


BAD_ORDERS = {
    "a foreign lesson": (["basics", "advanced"],
                         ["basics/hello", "basics/world", "basics/extra", "advanced/deep",
                          "advanced/elsewhere"], "The course has no item “elsewhere”"),
    "a foreign module": (["basics", "advanced", "other"],
                         ["basics/hello", "basics/world", "basics/extra", "advanced/deep"],
                         "The course has no item “other”"),
    "a lesson in a foreign module": (["basics", "advanced"],
                                     ["basics/hello", "basics/world", "basics/extra",
                                      "nowhere/deep"], "The course has no item “nowhere”"),
    "a duplicate lesson": (["basics", "advanced"],
                           ["basics/hello", "basics/hello", "basics/world", "basics/extra",
                            "advanced/deep"], "names the lesson “hello” more than once"),
    "a duplicate module": (["basics", "advanced", "basics"],
                           ["basics/hello", "basics/world", "basics/extra", "advanced/deep"],
                           "names the module “basics” more than once"),
    "a missing lesson": (["basics", "advanced"],
                         ["basics/hello", "basics/world", "advanced/deep"],
                         "The new order leaves out “extra”"),
    "a missing module": (["basics"], ["basics/hello", "basics/world", "basics/extra",
                                      "basics/deep"], "The new order leaves out “advanced”"),
    "nothing at all": ([], [], "The new order leaves out “basics”"),
    "no module given": (["basics", "advanced"],
                        ["hello", "basics/world", "basics/extra", "advanced/deep"],
                        "must be given as module/lesson"),
}


@pytest.mark.parametrize("case", list(BAD_ORDERS))
def test_a_wrong_order_is_refused_with_its_message(client, trainer, database, pilot, case):
    modules, lessons, message = BAD_ORDERS[case]
    response = order(client, modules, lessons)
    assert response.status_code == 422
    assert message in response.text
    assert draft_row(database) is None  # nothing written


def test_a_refused_order_leaves_an_earlier_draft_as_it_was(client, trainer, database, pilot):
    save_lesson(client, "world", "Changed world.")
    before = draft_row(database)
    response = order(client, ["advanced", "basics"], ["advanced/deep", "basics/hello"])
    assert response.status_code == 422
    after = draft_row(database)
    assert (after.spec, after.updated_at) == (before.spec, before.updated_at)
    assert draft_outline(database) == AS_LOADED


def test_reorder_needs_the_csrf_token(client, trainer, database, pilot):
    client.get("/author")
    body = {"modules": ["advanced", "basics"],
            "lessons": ["advanced/deep", "basics/hello", "basics/world", "basics/extra"]}
    assert client.post(ORDER, data=body).status_code == 403
    assert client.post(ORDER, data=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert outline_or_loaded(database) == AS_LOADED
    with database.session() as s:
        assert s.exec(select(CourseDraft)).all() == []


@pytest.mark.parametrize("role", [Role.executive, Role.hr])
def test_only_trainers_and_admins_reorder(client, database, pilot, login_as, role):
    login_as(role)
    response = order(client, ["advanced", "basics"],
                     ["advanced/deep", "basics/hello", "basics/world", "basics/extra"])
    assert response.status_code == 403
    assert draft_row(database) is None


def test_an_admin_may_reorder(client, database, pilot, login_as):
    login_as(Role.admin)
    response = order(client, ["advanced", "basics"],
                     ["advanced/deep", "basics/hello", "basics/world", "basics/extra"])
    assert response.status_code == 200
    assert draft_outline(database)[0] == ("advanced", ["deep"])


def test_an_unknown_course_is_not_found(client, trainer, database, pilot):
    response = client.post("/author/nope/order", data={"modules": ["basics"]},
                           headers={"X-CSRF-Token": token(client)})
    assert response.status_code == 404


def test_move_a_lesson_to_another_module_from_its_menu(client, trainer, database, pilot):
    response = post(client, f"/author/{SLUG}/lessons/hello/module", {"module": "advanced"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/author/{SLUG}?notice=draft-saved#lesson-hello"
    assert draft_outline(database) == [("basics", ["world", "extra"]),
                                       ("advanced", ["deep", "hello"])]
    refused = post(client, f"/author/{SLUG}/lessons/world/module", {"module": "nowhere"})
    assert refused.status_code == 422
    assert "Choose a module of this course." in refused.text
    assert post(client, f"/author/{SLUG}/lessons/nope/module",
                {"module": "basics"}).status_code == 404


def test_course_page_rows_show_kind_minutes_state_and_a_menu(client, trainer, database, pilot):
    save_lesson(client, "world", "Changed world.")
    post(client, f"/author/{SLUG}/modules/advanced/lessons",
         {"lesson_title": "Fresh", "kind": "reading"})
    page = client.get(f"/author/{SLUG}").text

    def row(slug: str) -> str:
        match = re.search(rf'<li class="au-row" id="lesson-{slug}".*?</li>', page, re.S)
        assert match, slug
        return match.group(0)

    assert "Published" in row("hello") and ">Reading<" in row("hello")
    assert "5 min" in row("hello")
    assert "Changed" in row("world")
    assert "Draft" in row("fresh")
    # the rare actions are behind a menu button that controls a hidden panel
    assert 'aria-controls="menu-lesson-hello"' in row("hello")
    assert re.search(r'<div class="au-menu-panel" id="menu-lesson-hello" hidden>', row("hello"))
    # removal asks first: the button that removes sits in a confirm step
    assert re.search(r'<details class="au-confirm">\s*<summary[^>]*>Remove…', row("hello"))
    assert "data-confirm" not in page
    # forms open only when asked for
    assert not re.search(r'<details class="au-add" open', page)
    assert len(re.findall(r'<details class="au-add"', page)) == 4  # 2 modules, each: add, rename
    assert re.search(r'<details class="au-add au-add-module"\s*>', page)


def test_a_refused_new_lesson_opens_its_form_with_the_message(client, trainer, database, pilot):
    response = post(client, f"/author/{SLUG}/modules/advanced/lessons",
                    {"lesson_title": "", "kind": "reading"})
    assert response.status_code == 422
    assert len(re.findall(r'<details class="au-add" open', response.text)) == 1
    assert 'id="lesson_title-advanced-error">This is required.' in response.text
