"""Enrolling people who are already enrolled: a completed enrolment's due date never
changes; other due dates change only when the trainer says so on the confirmation step;
the result says exactly what changed, on a page reached by a redirect (a refresh is a GET).
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from sqlmodel import select

from app.admin import service as accounts
from app.content.moments import day
from app.enrolments.service import EnrolmentResult
from app.models import AuditEntry, Enrolment, Role, User, utcnow
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec

TODAY = date.today()
PAST = TODAY - timedelta(days=10)
OLD_FUTURE = TODAY + timedelta(days=20)
NEW = TODAY + timedelta(days=60)


def _day(value: date) -> str:
    """A due date as the pages show it: the one format, in a <time> element."""
    return f'<time datetime="{value.isoformat()}">{day(value)}</time>'


ENROL = "/manage/courses/pilot/enrol"


def _post(client, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_from(client, "/manage/courses/pilot")
    return client.post(ENROL, data={"csrf_token": token, **data})


def _due_dates(database, course) -> dict[int, date | None]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return {e.user_id: e.due_date for e in s.exec(
            select(Enrolment).where(Enrolment.course_id == course.id))}


def _setup(make_user, load_course, enrol, database):  # type: ignore[no-untyped-def]
    """A cohort of six: one completed (due date passed), one overdue, one due later, one
    already due on the new date, two not enrolled."""
    course = load_course(small_spec())
    names = ["Ada Done", "Ben Late", "Cy Later", "Di Same", "Ed New", "Flo New"]
    people = {n.split()[0].lower(): make_user(Role.executive, full_name=n) for n in names}
    enrol(course, people["ada"], due_date=PAST)
    enrol(course, people["ben"], due_date=PAST)
    enrol(course, people["cy"], due_date=OLD_FUTURE)
    enrol(course, people["di"], due_date=NEW)
    with database.session(write=True) as s:
        done = s.exec(select(Enrolment).where(Enrolment.user_id == people["ada"].id)).one()
        done.started_at = done.completed_at = utcnow()
        s.add(done)
        cohort = accounts.create_cohort(s, name="Board 2027")
        for person in people.values():
            accounts.add_user_to_cohorts(s, user=s.get(User, person.id), cohort_ids=[cohort.id])
    return course, people, cohort


def test_reenrolling_a_cohort_asks_first_and_changing_spares_completed(
        client, make_user, load_course, enrol, database):
    course, people, cohort = _setup(make_user, load_course, enrol, database)
    login(client, make_user(Role.trainer).email)
    before = _due_dates(database, course)
    asked = _post(client, {"cohort": str(cohort.id), "due_date": NEW.isoformat()})
    assert asked.status_code == 200
    page = asked.text
    assert "Change their due dates too?" in page
    assert "2 executives are already enrolled with another due date" in page
    # who would change, with the old and the new due date; not the completed one
    assert (f"Ben Late<br><span class=\"meta\">{people['ben'].email}</span></td>\n"
            f"        <td>{_day(PAST)}</td>\n        <td>{_day(NEW)}</td>") in page
    assert f"<td>{_day(OLD_FUTURE)}</td>\n        <td>{_day(NEW)}</td>" in page
    assert "Ada Done" not in page
    assert "2 new executives will be enrolled" in page
    assert "1 completed enrolment will keep its due date" in page
    assert "1 is already enrolled with this due date." in page
    assert 'name="existing" value="change"' in page and 'name="existing" value="keep"' in page
    assert _due_dates(database, course) == before  # nothing written while asking

    done = _post(client, {"cohort": str(cohort.id), "due_date": NEW.isoformat(),
                          "existing": "change"})
    assert done.status_code == 303
    location = done.headers["location"]
    assert location.startswith("/manage/courses/pilot?")
    result = client.get(location)  # the refresh of the result page: a GET, never a 405
    assert result.status_code == 200
    assert ("Enrolled 2 new executives; changed the due date for 2; kept 1 completed "
            "enrolment unchanged; 1 was already enrolled with this due date.") in result.text
    assert client.get(location).status_code == 200
    after = _due_dates(database, course)
    assert after[people["ada"].id] == PAST  # completed: never changed
    assert after[people["ben"].id] == NEW and after[people["cy"].id] == NEW
    assert after[people["di"].id] == NEW
    assert after[people["ed"].id] == NEW and after[people["flo"].id] == NEW
    with database.session() as s:
        changed = s.exec(select(AuditEntry.target_id).where(
            AuditEntry.action == "enrolment.due-date-changed")).all()
        assert sorted(changed) == sorted([str(people["ben"].id), str(people["cy"].id)])


def test_keeping_due_dates_keeps_the_overdue_on_hrs_list(client, new_client, make_user,
                                                        load_course, enrol, database):
    course, people, cohort = _setup(make_user, load_course, enrol, database)
    hr = new_client()
    login(hr, make_user(Role.hr).email)
    overdue = hr.get("/reports", params={"status": "overdue"}).text
    assert "Ben Late" in overdue and "Ada Done" not in overdue
    login(client, make_user(Role.trainer).email)
    kept = _post(client, {"cohort": str(cohort.id), "due_date": NEW.isoformat(),
                          "existing": "keep"})
    assert kept.status_code == 303
    result = client.get(kept.headers["location"])
    assert result.status_code == 200
    assert ("Enrolled 2 new executives; kept the due date of 2 already enrolled, as you "
            "chose; kept 1 completed enrolment unchanged; 1 was already enrolled with this "
            "due date.") in result.text
    after = _due_dates(database, course)
    assert after[people["ada"].id] == PAST and after[people["ben"].id] == PAST
    assert after[people["cy"].id] == OLD_FUTURE
    assert after[people["ed"].id] == NEW
    overdue = hr.get("/reports", params={"status": "overdue"}).text
    assert "Ben Late" in overdue and "Ada Done" not in overdue  # still late, still listed
    assert "1 executive overdue" in hr.get("/").text

    # now changing them: Ben's new date is ahead, so he leaves the overdue list
    _post(client, {"cohort": str(cohort.id), "due_date": NEW.isoformat(), "existing": "change"})
    assert "Ben Late" not in hr.get("/reports", params={"status": "overdue"}).text
    assert _due_dates(database, course)[people["ada"].id] == PAST


def test_no_question_when_nothing_would_change(client, make_user, load_course, enrol,
                                               database):
    course, people, cohort = _setup(make_user, load_course, enrol, database)
    login(client, make_user(Role.trainer).email)
    # only the completed one and the one already due on NEW are named: nothing to ask
    response = _post(client, {"emails": f"{people['ada'].email}\n{people['di'].email}",
                              "due_date": NEW.isoformat()})
    assert response.status_code == 303
    text = client.get(response.headers["location"]).text
    assert ("Enrolled 0 new executives; kept 1 completed enrolment unchanged; 1 was already "
            "enrolled with this due date.") in text
    assert _due_dates(database, course)[people["ada"].id] == PAST
    # no due date given: nobody's due date changes, and nothing is asked
    none_given = _post(client, {"cohort": str(cohort.id)})
    assert none_given.status_code == 303
    assert ("Enrolled 2 new executives; 4 were already enrolled (due date unchanged)."
            in client.get(none_given.headers["location"]).text)
    dates = _due_dates(database, course)
    assert dates[people["ben"].id] == PAST and dates[people["ed"].id] is None


def test_an_unknown_answer_asks_again_and_the_result_carries_only_numbers(
        client, make_user, load_course, enrol, database):
    course, people, cohort = _setup(make_user, load_course, enrol, database)
    login(client, make_user(Role.trainer).email)
    again = _post(client, {"cohort": str(cohort.id), "due_date": NEW.isoformat(),
                           "existing": "whatever"})
    assert again.status_code == 200 and "Change their due dates too?" in again.text
    forged = client.get("/manage/courses/pilot", params={
        "enrolled": "<script>", "changed": "1", "kept": "0", "completed": "0", "same": "0"})
    assert forged.status_code == 200
    assert "&lt;script&gt;" not in forged.text and "new executive" not in forged.text
    assert 'class="notice"' not in forged.text
    assert EnrolmentResult.from_params({"enrolled": "²", "changed": "0", "kept": "0",
                                        "completed": "0", "same": "0"}) is None
    assert EnrolmentResult.from_params({"enrolled": "1", "changed": "0", "kept": "0",
                                        "completed": "0", "same": "0", "due": "1"}) == \
        EnrolmentResult(enrolled=1)
    # the emails typed travel through the confirmation step intact
    course_dates = _due_dates(database, course)
    asked = _post(client, {"emails": f"{people['ben'].email}\n{people['cy'].email}",
                           "due_date": NEW.isoformat()})
    assert asked.status_code == 200 and "Change their due dates too?" in asked.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked.text))
    assert html.unescape(hidden["emails"]) == f"{people['ben'].email}\n{people['cy'].email}"
    assert hidden["due_date"] == NEW.isoformat() and hidden["cohort"] == ""
    assert _due_dates(database, course) == course_dates
    confirmed = client.post(ENROL, data={**{k: html.unescape(v) for k, v in hidden.items()},
                                         "existing": "change"})
    assert confirmed.status_code == 303
    assert ("Enrolled 0 new executives; changed the due date for 2."
            in client.get(confirmed.headers["location"]).text)
    dates = _due_dates(database, course)
    assert dates[people["ben"].id] == NEW and dates[people["cy"].id] == NEW
