"""Publishing a change of required lessons returns at once: the recount of every
enrolment's figures is a background job, and the trainer's page and HR's dashboard say
the figures are being updated until it has run."""

from __future__ import annotations

from sqlmodel import select

from app.learning import summary
from app.learning.completion import complete_lesson
from app.learning.progress import get_enrolment, get_live_lesson
from app.models import Course, Enrolment, Role
from tests.authoring.conftest import SLUG, publish, save_lesson, submit
from tests.conftest import login


def _percents(database, course) -> list[int]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return sorted(e.progress_percent for e in s.exec(
            select(Enrolment).where(Enrolment.course_id == course.id)))


def _pending(database, course) -> bool:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return s.get(Course, course.id).figures_pending_since is not None


def test_publish_queues_the_recount_and_says_so(client, new_client, pilot, trainer, learner,
                                                make_user, database, run_jobs):
    people = [learner(pilot)[1] for _ in range(3)]
    with database.session(write=True) as s:
        course = s.get(Course, pilot.id)
        hello = get_live_lesson(s, course=course, slug="hello")
        enrolment = get_enrolment(s, user_id=people[0].id, course_id=pilot.id)
        complete_lesson(s, user_id=people[0].id, course=course, lesson=hello,
                        enrolment=enrolment)
    assert _percents(database, pilot) == [0, 0, 33]

    # a fourth required lesson
    added = submit(client, f"/author/{SLUG}", f"/author/{SLUG}/modules/advanced/lessons",
                   {"lesson_title": "Wrap up", "kind": "reading"})
    assert added.status_code == 303
    response = publish(client, "Adds a wrap-up lesson")
    assert response.status_code == 303
    assert response.headers["location"] == f"/author/{SLUG}?notice=published-recount"
    assert _pending(database, pilot)
    assert _percents(database, pilot) == [0, 0, 33]  # not yet recounted: the job does it
    page = client.get(response.headers["location"]).text
    assert "progress figures of enrolled executives are being updated" in page
    hr = new_client()
    login(hr, make_user(Role.hr).email)
    assert "being recounted" in hr.get("/reports").text

    run_jobs()
    assert _percents(database, pilot) == [0, 0, 25]
    assert not _pending(database, pilot)
    assert "being updated" not in client.get(f"/author/{SLUG}").text
    assert "being recounted" not in hr.get("/reports").text


def test_a_change_that_moves_no_figure_queues_nothing(client, pilot, trainer, learner,
                                                      database):
    learner(pilot)
    assert save_lesson(client, "hello", "Welcome, edited.\n").status_code in (200, 303)
    response = publish(client, "Wording")
    assert response.headers["location"] == f"/author/{SLUG}?notice=published"
    assert not _pending(database, pilot)


def test_the_recount_goes_chunk_by_chunk_and_keeps_a_later_mark(pilot, make_user, enrol,
                                                                database, monkeypatch):
    people = [make_user(Role.executive) for _ in range(5)]
    for person in people:
        enrol(pilot, person)
    with database.session(write=True) as s:
        for enrolment in s.exec(select(Enrolment)):
            enrolment.progress_percent = 99  # stale figures
            s.add(enrolment)
        assert summary.request_recount(s, course_id=pilot.id)
    assert summary.recount(database, course_id=pilot.id, chunk=2) == 5
    assert _percents(database, pilot) == [0, 0, 0, 0, 0]
    assert not _pending(database, pilot)
    # a publish while the job runs sets a new mark, which the running job leaves alone
    with database.session(write=True) as s:
        summary.request_recount(s, course_id=pilot.id)
    original = summary.refresh

    def refresh_then_publish_again(session, **kwargs):  # type: ignore[no-untyped-def]
        original(session, **kwargs)
        if kwargs.get("id_range", (0,))[0] == people[0].id:  # during the first chunk
            summary.request_recount(session, course_id=pilot.id)  # as a publish would

    monkeypatch.setattr(summary, "refresh", refresh_then_publish_again)
    summary.recount(database, course_id=pilot.id, chunk=2)
    assert _pending(database, pilot)  # its own job will clear it


def test_nobody_enrolled_nothing_to_recount(pilot, database):
    with database.session(write=True) as s:
        assert summary.request_recount(s, course_id=pilot.id) is False
    assert not _pending(database, pilot)
