from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import select

from app.learning.progress import get_live_lesson
from app.learning.reading import TIME_CAP_FACTOR, record_open, record_reading_time
from app.models import Enrolment, LessonProgress, Role, utcnow
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec

LESSON = "/courses/pilot/lessons/{}"


def _complete(client, slug: str, *, htmx: bool = True):
    token = csrf_from(client, LESSON.format(slug))
    headers = {"X-CSRF-Token": token}
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(LESSON.format(slug) + "/complete", headers=headers)


def _signed_in_enrolled(client, make_user, load_course, enrol, **spec_args):
    course = load_course(small_spec(**spec_args))
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    return course, user


def test_executive_sees_only_enrolled_courses(client, make_user, load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    login(client, user.email)
    assert client.get("/courses/pilot").status_code == 404
    assert client.get(LESSON.format("hello")).status_code == 404
    assert "not enrolled in a course yet" in client.get("/").text
    enrol(course, user)
    page = client.get("/courses/pilot")
    assert page.status_code == 200
    assert "Pilot course" in page.text and "Deep dive" in page.text
    assert "Start the course" in page.text


def test_lesson_page_renders_and_records_opening(client, make_user, load_course, enrol,
                                                 database):
    _, user = _signed_in_enrolled(client, make_user, load_course, enrol)
    page = client.get(LESSON.format("hello"))
    assert page.status_code == 200
    assert '<a href="/courses/pilot/lessons/world"' in page.text  # link between lessons
    assert "Mark as complete" in page.text
    assert 'rel="next"' in page.text and "World →" in page.text
    with database.session() as s:
        row = s.exec(select(LessonProgress)).one()
        first = row.first_opened_at
        assert row.user_id == user.id and row.completed_at is None
    client.get(LESSON.format("hello"))
    with database.session() as s:
        row = s.exec(select(LessonProgress)).one()
        assert row.first_opened_at == first and row.last_opened_at >= first
    assert "In progress" in client.get("/courses/pilot").text


def test_mark_complete_updates_progress_in_place(client, make_user, load_course, enrol,
                                                 database):
    _, user = _signed_in_enrolled(client, make_user, load_course, enrol)
    client.get(LESSON.format("hello"))
    response = _complete(client, "hello")
    assert response.status_code == 200
    assert "<html" not in response.text  # an HTMX fragment
    assert 'id="completion"' in response.text and "Completed" in response.text
    assert 'id="course-progress" hx-swap-oob="true"' in response.text
    assert 'value="33"' in response.text  # 1 of 3 required lessons
    assert "Next: World" in response.text
    again = _complete(client, "hello")  # idempotent
    assert again.status_code == 200
    with database.session() as s:
        rows = s.exec(select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
        assert len(rows) == 1 and rows[0].completed_at is not None
    plain = _complete(client, "world", htmx=False)  # works without JavaScript too
    assert plain.status_code == 303 and plain.headers["location"] == LESSON.format("world")


def test_course_completion_issues_a_verifiable_certificate(client, new_client, make_user,
                                                           load_course, enrol, database):
    _, user = _signed_in_enrolled(client, make_user, load_course, enrol)
    unearned = client.get("/courses/pilot/certificate")  # what is left, not a 404
    assert unearned.status_code == 200 and "not earned yet" in unearned.text
    for slug in ("hello", "world"):
        _complete(client, slug)
    with database.session() as s:
        assert s.exec(select(Enrolment)).one().completed_at is None  # "deep" still to do
    response = _complete(client, "deep")
    assert "Your certificate" in response.text
    with database.session() as s:
        enrolment = s.exec(select(Enrolment)).one()
        assert enrolment.completed_at is not None
        code = enrolment.certificate_code
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    # the optional lesson was never needed; completing it later changes nothing
    _complete(client, "extra")
    with database.session() as s:
        assert s.exec(select(Enrolment)).one().certificate_code == code
    cert = client.get("/courses/pilot/certificate")
    assert cert.status_code == 200 and user.full_name in cert.text and code in cert.text
    assert "Completed" in client.get("/").text

    anonymous = new_client()
    public = anonymous.get(f"/certificates/{code}")
    assert public.status_code == 200
    assert user.full_name in public.text and "Pilot course" in public.text
    assert "genuine" in public.text
    lookup = anonymous.get(f"/certificates?code={code.lower()}")
    assert lookup.status_code == 303 and lookup.headers["location"] == f"/certificates/{code}"
    fake = anonymous.get("/certificates/AAAA-BBBB-CCCC-DDDD")
    assert fake.status_code == 404 and "No certificate has the code" in fake.text


def test_executives_cannot_touch_each_others_courses(client, new_client, make_user, load_course,
                                                     enrol, database):
    course = load_course(small_spec())
    owner = make_user(Role.executive)
    enrol(course, owner)
    intruder = make_user(Role.executive)
    login(client, intruder.email)
    token = csrf_from(client, "/account")
    response = client.post(LESSON.format("hello") + "/complete",
                           headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 404
    assert client.get("/courses/pilot/certificate").status_code == 404
    with database.session() as s:
        assert s.exec(select(LessonProgress)).all() == []


def test_sequential_course_locks_later_modules(client, make_user, load_course, enrol):
    _signed_in_enrolled(client, make_user, load_course, enrol, sequential=True)
    page = client.get("/courses/pilot")
    assert "Locked. Complete “Basics” first." in page.text
    assert '<a class="lesson-title" href="/courses/pilot/lessons/deep"' not in page.text
    locked = client.get(LESSON.format("deep"))
    assert locked.status_code == 403 and "Complete “Basics” first." in locked.text
    assert _complete(client, "deep").status_code == 403
    _complete(client, "hello")
    _complete(client, "world")  # the optional lesson is not needed to unlock
    assert client.get(LESSON.format("deep")).status_code == 200


def test_home_continues_at_the_next_lesson_and_shows_due_dates(client, make_user, load_course,
                                                                 enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user, due_date=date.today() - timedelta(days=1))
    login(client, user.email)
    home = client.get("/")
    assert "Start here" in home.text and 'href="/courses/pilot/lessons/hello"' in home.text
    assert "Overdue: was due" in home.text
    _complete(client, "hello")
    home = client.get("/")
    assert "Continue where you left off" in home.text
    assert 'href="/courses/pilot/lessons/world" id="continue-link"' in home.text
    assert "Recently completed" in home.text and ">Hello</a>" in home.text


def test_reading_time_is_bounded(database, make_user, load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    start = utcnow()
    with database.session(write=True) as s:
        lesson = get_live_lesson(s, course=course, slug="hello")
        record_open(s, user_id=user.id, course_id=lesson.course_id, lesson_id=lesson.id,
                   now=start)
        # a beat claiming an hour credits at most 60 s, and never more than time elapsed
        record_reading_time(s, user_id=user.id, lesson=lesson, seconds=3600,
                            now=start + timedelta(seconds=20))
        record_reading_time(s, user_id=user.id, lesson=lesson, seconds=30,
                            now=start + timedelta(seconds=50))
        row = s.get(LessonProgress, (user.id, lesson.id))
        assert row.seconds_spent == 20 + 30
        # a tab open all night: beats keep coming, the lesson total is capped
        for minute in range(1, 600):
            record_reading_time(s, user_id=user.id, lesson=lesson, seconds=60,
                                now=start + timedelta(minutes=minute, seconds=50))
        s.refresh(row)
        assert row.seconds_spent == lesson.minutes * 60 * TIME_CAP_FACTOR


def test_reading_time_endpoint(client, make_user, load_course, enrol, database):
    _signed_in_enrolled(client, make_user, load_course, enrol)
    client.get(LESSON.format("hello"))
    token = csrf_from(client, LESSON.format("hello"))
    response = client.post(LESSON.format("hello") + "/time", data={"seconds": "30"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 204
    bad = client.post(LESSON.format("hello") + "/time", data={"seconds": "lots"},
                      headers={"X-CSRF-Token": token})
    assert bad.status_code == 400
    assert client.post(LESSON.format("hello") + "/time", data={"seconds": "30"}).status_code == 403


def test_staff_preview_records_nothing_and_hr_is_refused(client, new_client, make_user,
                                                         load_course, database):
    load_course(small_spec())
    login(client, make_user(Role.trainer).email)
    page = client.get(LESSON.format("hello"))
    assert page.status_code == 200 and "Preview: progress is not recorded." in page.text
    assert "Mark as complete" not in page.text
    token = csrf_from(client, "/account")
    assert client.post(LESSON.format("hello") + "/complete",
                       headers={"X-CSRF-Token": token}).status_code == 403
    with database.session() as s:
        assert s.exec(select(LessonProgress)).all() == []
    hr = new_client()
    login(hr, make_user(Role.hr).email)
    assert hr.get("/courses/pilot").status_code == 403


def test_hostile_lesson_markdown_is_inert(client, make_user, load_course, enrol):
    hostile = ("<script>alert(1)</script>\n\n[click](javascript:alert(2)) "
               "[data](data:text/html;base64,PHNjcmlwdD4=) "
               "![x](javascript:alert(3))\n\n<img src=x onerror=alert(4)>\n")
    _signed_in_enrolled(client, make_user, load_course, enrol, body_extra=hostile)
    page = client.get(LESSON.format("hello")).text
    body = page.split('<div class="prose">')[1].split("</div>")[0]
    assert "<script" not in body
    assert "<img src=\"x\"" not in body and "&lt;img src=x onerror=alert(4)&gt;" in body
    assert 'href="javascript' not in body and 'src="javascript' not in body
    assert 'href="data:' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_lesson_page_shows_an_outline_of_its_sections_and_callouts(client, make_user,
                                                                    load_course, enrol):
    _signed_in_enrolled(client, make_user, load_course, enrol, body_extra=(
        "\n## Why listen\n\nText.\n\n> [!TAKEAWAYS]\n> - Listen before you post\n\n"
        "## How to start\n\nMore.\n"))
    page = client.get(LESSON.format("hello"))
    assert page.status_code == 200
    outline = re.search(r'<nav class="lesson-outline[^"]*" aria-labelledby="outline-h">(.*?)</nav>',
                        page.text, re.DOTALL)
    assert outline is not None
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', outline.group(1)) == [
        ("section-why-listen", "Why listen"), ("section-how-to-start", "How to start")]
    assert '<h2 id="section-why-listen">Why listen</h2>' in page.text
    assert '<h2 id="section-how-to-start">How to start</h2>' in page.text
    assert '<aside class="callout callout-takeaways">' in page.text
    assert '<p class="callout-title">Key takeaways</p>' in page.text
    # a lesson with fewer than two sections has no outline
    assert "lesson-outline" not in client.get(LESSON.format("world")).text
