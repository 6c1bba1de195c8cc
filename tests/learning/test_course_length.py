"""A course's length is one number on every page: the minutes of its lessons, quizzes and
activities (app.courses.service.course_minutes), written by the ``duration`` filter."""

from __future__ import annotations

from datetime import date

from app.courses import service as courses
from app.models import Role
from tests.conftest import login
from tests.courses_data import SHIPPED, small_spec


def test_trainer_and_executive_see_the_same_length(client, new_client, make_user, load_course,
                                                   enrol, database):
    course = load_course(SHIPPED)
    other = load_course(small_spec())
    with database.session() as s:
        lengths = courses.course_minutes(s, course_ids=[course.id, other.id])
    # 458 + 150 minutes of reading lessons with their exercises (3 of them the optional
    # sources page), 81 + 30 of quizzes, 45 + 45 of the persona and plan activities.
    assert lengths[course.id] == 809
    assert lengths[other.id] == sum(
        lesson.minutes for m in small_spec().modules for lesson in m.lessons)

    login(client, make_user(Role.trainer).email)
    page = client.get("/manage/courses").text
    assert "about 13 h 30 min" in page and "13.5 h" not in page

    executive = make_user(Role.executive)
    enrol(course, executive, due_date=date(2099, 1, 15))
    browser = new_client()
    login(browser, executive.email)
    page = browser.get(f"/courses/{course.slug}").text
    assert "About 13 h 30 min left" in page
    assert '<time datetime="2099-01-15" title="15 Jan 2099">in ' in page


def test_authoring_settings_name_the_same_length_beside_the_estimated_hours(
        client, make_user, load_course):
    course = load_course(SHIPPED)
    login(client, make_user(Role.trainer).email)
    page = client.get(f"/author/{course.slug}")
    assert page.status_code == 200
    # the manifest's hours stay editable, but the page says which length people see
    assert ("Executives and trainers see the length Podium adds up from the minutes of the "
            "items: 13 h 30 min in this draft.") in page.text
