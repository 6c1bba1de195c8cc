from __future__ import annotations

from sqlmodel import select

from app.admin import service as accounts
from app.models import Enrolment, Role, User
from tests.conftest import form_post, login
from tests.courses_data import small_spec


def test_trainer_enrols_a_cohort_and_people_with_a_due_date(client, make_user, load_course,
                                                             database):
    course = load_course(small_spec())
    login(client, make_user(Role.trainer).email)
    members = [make_user(Role.executive) for _ in range(3)]
    hr_member = make_user(Role.hr)
    solo = make_user(Role.executive, email="solo@acme.example")
    with database.session(write=True) as s:
        cohort = accounts.create_cohort(s, name="Board 2027")
        for person in [*members, hr_member]:
            accounts.add_user_to_cohorts(s, user=s.get(User, person.id), cohort_ids=[cohort.id])
    page = client.get("/manage/courses/pilot")
    assert page.status_code == 200 and "Nobody is enrolled yet." in page.text
    response = form_post(client, "/manage/courses/pilot/enrol", {
        "cohort": str(cohort.id), "emails": "solo@acme.example", "due_date": "2027-03-31"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/manage/courses/pilot?")
    assert "Enrolled 4 new executives." in client.get(response.headers["location"]).text
    with database.session() as s:
        rows = s.exec(select(Enrolment).where(Enrolment.course_id == course.id)).all()
        assert sorted(r.user_id for r in rows) == sorted([m.id for m in members] + [solo.id])
        assert {str(r.due_date) for r in rows} == {"2027-03-31"}
    again = form_post(client, "/manage/courses/pilot/enrol", {"emails": "solo@acme.example"})
    assert again.status_code == 303
    assert ("Enrolled 0 new executives; 1 was already enrolled (due date unchanged)."
            in client.get(again.headers["location"]).text)


def test_enrol_form_errors_keep_what_was_typed(client, make_user, load_course, database):
    load_course(small_spec())
    login(client, make_user(Role.admin).email)
    make_user(Role.trainer, email="coach@acme.example")
    response = form_post(client, "/manage/courses/pilot/enrol", {
        "emails": "nobody@acme.example\ncoach@acme.example\nnot an email",
        "due_date": "soon"})
    assert response.status_code == 400
    text = response.text
    assert "nobody@acme.example: no account with this email" in text
    assert "coach@acme.example: is a Trainer account, not an executive" in text
    assert "not an email: not a valid email address" in text
    assert "Enter a date as YYYY-MM-DD." in text
    assert "nobody@acme.example\ncoach@acme.example\nnot an email</textarea>" in text
    assert 'value="soon"' in text
    empty = form_post(client, "/manage/courses/pilot/enrol", {})
    assert "Choose a cohort or enter the emails of executives." in empty.text
    with database.session() as s:
        assert s.exec(select(Enrolment)).all() == []


def test_remove_enrolment(client, make_user, load_course, enrol, database):
    course = load_course(small_spec())
    login(client, make_user(Role.trainer).email)
    executive = make_user(Role.executive)
    enrol(course, executive)
    with database.session() as s:
        enrolment = s.exec(select(Enrolment)).one()
    page = client.get("/manage/courses/pilot")
    assert executive.full_name in page.text and "0%" in page.text
    response = form_post(client, f"/manage/courses/pilot/enrolments/{enrolment.id}/remove")
    assert response.status_code == 303
    with database.session() as s:
        assert s.exec(select(Enrolment)).all() == []
    missing = form_post(client, f"/manage/courses/pilot/enrolments/{enrolment.id}/remove")
    assert missing.status_code == 404


def test_course_list_and_unknown_course(client, make_user, load_course):
    load_course(small_spec())
    login(client, make_user(Role.admin).email)
    page = client.get("/manage/courses")
    assert "Pilot course" in page.text and "0 enrolled" in page.text
    assert client.get("/manage/courses/unknown").status_code == 404
