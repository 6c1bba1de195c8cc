"""The work queues on the home pages of trainers, HR and admins: exact counts, the links
they lead to, the calm state of an empty queue, and counts that fall once the work is
done (an essay graded, a submission reviewed, a draft published, an invitation accepted)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import select

from app.admin import service as accounts
from app.authoring import course_structure, drafts, publishing
from app.authoring.import_export import import_course
from app.courses.spec import QuizSettings
from app.enrolments.service import enrol_users
from app.models import (
    Enrolment,
    Invitation,
    Lesson,
    Module,
    QuizAttempt,
    QuizQuestion,
    Role,
    User,
    Workbook,
    WorkbookVersion,
    utcnow,
)
from app.questions.spec import Choice, QType, Question
from app.quizzes.quiz_store import sync_quiz
from app.security.tokens import digest, new_token
from tests.conftest import PASSWORD, csrf_from, login
from tests.courses_data import small_spec

QUEUE_RE = re.compile(
    r'data-queue="(?P<key>[^"]+)">\s*(?:<a class="queue-link" href="(?P<url>[^"]+)">'
    r'(?P<text>[^<]+)</a>|<p class="queue-calm">.*?</span>\s*(?P<calm>[^<]+)</p>)', re.S)


def queues(page: str) -> dict[str, tuple[str, str | None]]:
    """Each queue item of a home page: key → (sentence, link or None when calm)."""
    found = {}
    for m in QUEUE_RE.finditer(page):
        if m["url"]:
            found[m["key"]] = (html.unescape(m["text"]).strip(), html.unescape(m["url"]))
        else:
            found[m["key"]] = (html.unescape(m["calm"]).strip(), None)
    return found


def home(client) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert page.status_code == 200
    assert re.search(r'<link rel="stylesheet" href="/static/css/home\.[0-9a-f]+\.css"', page.text)
    return queues(page.text)


def _submission(database, user: User, kind: str) -> int:  # type: ignore[no-untyped-def]
    with database.session(write=True) as s:
        workbook = Workbook(user_id=user.id, kind=kind, status="in-review",
                            submitted_at=utcnow())
        s.add(workbook)
        s.flush()
        version = WorkbookVersion(workbook_id=workbook.id, number=1, data="{}",
                                  outcome="pending")
        s.add(version)
        s.flush()
        return version.id


def _enrol(database, course, user: User, *, due: date | None, started: bool = False,  # type: ignore[no-untyped-def]
           completed: bool = False) -> None:
    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[user], due_date=due)
        enrolment = s.exec(select(Enrolment).where(Enrolment.user_id == user.id,
                                                   Enrolment.course_id == course.id)).one()
        if started or completed:
            enrolment.started_at = utcnow()
        if completed:
            enrolment.completed_at = utcnow()
        s.add(enrolment)


def _change_draft(database, trainer: User, slug: str = "pilot", *,  # type: ignore[no-untyped-def]
                  title: str = "Basics, revised") -> None:
    with database.session(write=True) as s:
        drafts.change(s, slug, s.get(User, trainer.id),
                      lambda d: course_structure.rename_module(d, "basics", title=title,
                                                     summary="First steps."))


def test_trainer_sees_each_queue_with_its_count_and_link(client, make_user, load_course,
                                                        database):
    course = load_course(small_spec())
    trainer = make_user(Role.trainer)
    login(client, trainer.email)
    assert home(client) == {
        "reviews": ("No submissions waiting for review", None),
        "grading": ("No essays waiting to be graded", None),
        "drafts": ("No unpublished changes in any course", None),
        "overdue-courses": ("Nobody is overdue in your courses", None),
    }
    people = [make_user(Role.executive) for _ in range(4)]
    _submission(database, people[0], "persona")
    _submission(database, people[1], "persona")
    _submission(database, people[2], "plan")
    _change_draft(database, trainer)
    yesterday = date.today() - timedelta(days=1)
    _enrol(database, course, people[0], due=yesterday, started=True)
    _enrol(database, course, people[1], due=yesterday)
    _enrol(database, course, people[2], due=yesterday, completed=True)  # done: not late
    _enrol(database, course, people[3], due=date.today() + timedelta(days=3))
    page = client.get("/").text
    assert home(client) == {
        "reviews": ("3 submissions waiting for review", "/manage/reviews"),
        "grading": ("No essays waiting to be graded", None),
        "drafts": ("1 course with unpublished changes", "/author/pilot"),
        "overdue-courses": ("2 executives overdue in your courses", "/manage/courses/pilot"),
    }
    assert "2 personas, 1 90-day plan" in page
    assert "Here is what is waiting for you." in page
    # HR's and admin's queues are not the trainer's; the shortcuts stay
    assert "By cohort" not in page and "invitations" not in page.lower()
    assert 'href="/manage/courses"><h3>Courses and enrolments</h3>' in page


def test_counts_fall_when_the_work_is_done(client, new_client, make_user, database):
    questions = [Question(type=QType.essay, text="Describe your voice."),
                 Question(type=QType.single, text="Pick A",
                          choices=[Choice("A", 1.0), Choice("B", 0.0)])]
    with database.session(write=True) as s:
        course = import_course(s, small_spec()).course
        import_course(s, replace(small_spec(), slug="second", title="Second course"))
        module = s.exec(select(Module).where(Module.slug == "basics",
                                             Module.course_id == course.id)).one()
        lesson = Lesson(course_id=course.id, module_id=module.id, slug="check",
                        title="Check", kind="quiz", minutes=5, required=True, position=10,
                        body_md="", body_html="")
        s.add(lesson)
        s.flush()
        sync_quiz(s, lesson=lesson, settings=QuizSettings(shuffle=False), questions=questions)
    executive = make_user(Role.executive)
    _enrol(database, course, executive, due=None)
    with database.session() as s:
        qids = {q.qtype: q.id for q in s.exec(select(QuizQuestion))}
    learner = new_client()
    login(learner, executive.email)
    quiz = "/courses/pilot/quizzes/check"
    started = learner.post(quiz + "/attempts", data={"csrf_token": csrf_from(learner, quiz)})
    url = started.headers["location"]
    submitted = learner.post(url + "/submit", data={
        "csrf_token": csrf_from(learner, url), f"q{qids['essay']}": "Warm and direct.",
        f"q{qids['single']}": "0"})
    assert submitted.status_code == 303
    version_id = _submission(database, executive, "persona")

    trainer = make_user(Role.trainer)
    login(client, trainer.email)
    _change_draft(database, trainer, "second")
    before = home(client)
    assert before["grading"] == ("1 quiz attempt with essays to grade", "/manage/grading")
    assert before["reviews"] == ("1 submission waiting for review", "/manage/reviews")
    assert before["drafts"] == ("1 course with unpublished changes", "/author/second")

    with database.session() as s:
        attempt_id = s.exec(select(QuizAttempt.id)).one()
    graded = client.post(f"/manage/grading/{attempt_id}", data={
        "csrf_token": csrf_from(client, f"/manage/grading/{attempt_id}"),
        f"mark{qids['essay']}": "80", f"comment{qids['essay']}": "Good."})
    assert graded.status_code == 303
    reviewed = client.post(f"/manage/reviews/{version_id}", data={
        "csrf_token": csrf_from(client, f"/manage/reviews/{version_id}"),
        "decision": "approved", "note": ""})
    assert reviewed.status_code == 303, reviewed.text
    with database.session(write=True) as s:
        draft = drafts.load(s, "second", lock=True)
        publishing.publish(s, draft, author=s.get(User, trainer.id), message="New title")
    after = home(client)
    assert after["grading"] == ("No essays waiting to be graded", None)
    assert after["reviews"] == ("No submissions waiting for review", None)
    assert after["drafts"] == ("No unpublished changes in any course", None)
    # a draft saved back to exactly what is published is no unpublished change
    _change_draft(database, trainer, "second", title="Basics once more")
    assert home(client)["drafts"] == ("1 course with unpublished changes", "/author/second")
    _change_draft(database, trainer, "second")  # back to what is published
    assert home(client)["drafts"] == ("No unpublished changes in any course", None)
    # a course published before revisions were kept is compared with what executives see
    _change_draft(database, trainer, "pilot")
    assert home(client)["drafts"] == ("1 course with unpublished changes", "/author/pilot")
    _change_draft(database, trainer, "pilot", title="Basics")
    assert home(client)["drafts"] == ("No unpublished changes in any course", None)


def test_hr_sees_the_programme_by_status_and_cohort(client, make_user, load_course, database):
    course = load_course(small_spec())
    late, soon, done, idle = (make_user(Role.executive) for _ in range(4))
    today = date.today()
    _enrol(database, course, late, due=today - timedelta(days=2), started=True)
    _enrol(database, course, soon, due=today + timedelta(days=7))
    _enrol(database, course, done, due=today - timedelta(days=5), completed=True)
    _enrol(database, course, idle, due=today + timedelta(days=8))
    with database.session(write=True) as s:
        board = accounts.create_cohort(s, name="Board")
        empty = accounts.create_cohort(s, name="Empty")
        for person in (late, soon):
            accounts.add_user_to_cohorts(s, user=s.get(User, person.id), cohort_ids=[board.id])
    login(client, make_user(Role.hr).email)
    assert home(client) == {
        "overdue": ("1 executive overdue", "/reports?status=overdue"),
        "due-soon": ("1 executive due within 7 days", "/reports?sort=due"),
        "not-started": ("2 executives not started yet", "/reports?status=not-started"),
        "completion": ("25% complete: 1 of 4 enrolments", "/reports"),
    }
    page = client.get("/").text
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a href=\"([^\"]+)\">([^<]+)</a></th>(.*?)</tr>",
                      page, re.S)
    assert [(html.unescape(u), n) for u, n, _ in rows] == [
        (f"/reports?cohort={board.id}", "Board"), (f"/reports?cohort={empty.id}", "Empty")]
    cells = [re.findall(r'<td class="num" data-label="[^"]+">(.*?)</td>', row[2], re.S)
             for row in rows]
    assert cells[0][:2] == ["2", "0% (0)"] and cells[1] == ["0", "—", "0", "0"]
    assert f'href="/reports?cohort={board.id}&amp;status=overdue" class="queue-late">1<' in page
    assert f'href="/reports?cohort={board.id}&amp;status=not-started">1<' in page
    assert "No submissions" not in page and "invitation" not in page
    # the overdue one completes: off the list, and the figure moves
    with database.session(write=True) as s:
        enrolment = s.exec(select(Enrolment).where(Enrolment.user_id == late.id)).one()
        enrolment.completed_at = utcnow()
        s.add(enrolment)
    after = home(client)
    assert after["overdue"] == ("Nobody is overdue", None)
    assert after["completion"] == ("50% complete: 2 of 4 enrolments", "/reports")


def test_admin_sees_accounts_and_the_trainer_and_hr_queues(client, new_client, make_user,
                                                           database):
    admin = make_user(Role.admin)
    login(client, admin.email)
    now = utcnow()

    def invited(name: str, *, expires_in: timedelta, token: str, accepted: bool = False,
                revoked: bool = False) -> User:
        person = make_user(Role.executive, full_name=name, password=None, active=not revoked)
        with database.session(write=True) as s:
            s.add(Invitation(user_id=person.id, invited_by_id=admin.id, token_hash=digest(token),
                             created_at=now - timedelta(days=1), expires_at=now + expires_in,
                             accepted_at=now if accepted else None,
                             revoked_at=now if revoked else None))
        return person

    token = new_token()
    pending = invited("Pending Person", expires_in=timedelta(days=6), token=token)
    invited("Expired Person", expires_in=-timedelta(hours=1), token=new_token())
    invited("Revoked Person", expires_in=timedelta(days=6), token=new_token(), revoked=True)
    invited("Accepted Person", expires_in=timedelta(days=6), token=new_token(), accepted=True)
    make_user(Role.trainer, active=False)
    with database.session(write=True) as s:
        cohort = accounts.create_cohort(s, name="Board")
        accounts.add_user_to_cohorts(s, user=s.get(User, pending.id), cohort_ids=[cohort.id])
    queue = home(client)
    assert queue["invitations"] == ("2 invitations not accepted",
                                    "/admin/users?status=invited")
    assert queue["disabled"] == ("2 accounts disabled", "/admin/users?status=disabled")
    # the expired and the accepted one (the revoked one is disabled, the pending one in Board)
    assert queue["no-cohort"] == ("2 executives in no cohort",
                                  "/admin/users?role=executive&status=no-cohort")
    # each link lists exactly the people counted
    for key, names in {"invitations": ["Expired Person", "Pending Person"],
                       "disabled": ["Revoked Person", "Trainer Person"],
                       "no-cohort": ["Accepted Person", "Expired Person"]}.items():
        listed = client.get(queue[key][1]).text
        count = len(names)
        assert f'<p class="count">{count} user{"" if count == 1 else "s"}</p>' in listed, key
        found = re.findall(r'<td><a href="/admin/users/\d+">([^<]+)</a></td>', listed)
        assert [n.rsplit(" ", 1)[0] if n.startswith("Trainer") else n for n in found] == \
            names, key
    assert queue["reviews"] == ("No submissions waiting for review", None)
    assert queue["grading"] == ("No essays waiting to be graded", None)
    assert queue["drafts"] == ("No unpublished changes in any course", None)
    assert queue["overdue"] == ("Nobody is overdue", None)
    assert queue["completion"] == ("Nobody is enrolled in a course yet", None)
    assert "overdue-courses" not in queue  # admins see overdue executives in HR's group
    page = client.get("/").text
    assert "1 pending, 1 expired: resend or revoke them" in page
    assert 'href="/admin/users/import"><h3>Import users</h3>' in page

    invitee = new_client()
    path = f"/invitations/{token}"
    accepted = invitee.post(path, data={"csrf_token": csrf_from(invitee, path),
                                        "password": PASSWORD, "confirm_password": PASSWORD})
    assert accepted.status_code == 303
    assert home(client)["invitations"] == ("1 invitation not accepted",
                                           "/admin/users?status=invited")
    assert "Pending Person" not in client.get("/admin/users?status=invited").text


def test_executive_home_has_no_queues(client, make_user, load_course, enrol):
    course = load_course(small_spec())
    executive = make_user(Role.executive)
    enrol(course, executive)
    login(client, executive.email)
    page = client.get("/")
    assert page.status_code == 200
    assert "My courses" in page.text and "Pilot course" in page.text
    assert "data-queue" not in page.text and "home.css" not in page.text
    assert queues(page.text) == {}


def test_the_queues_take_the_same_few_queries_however_much_waits(make_user, load_course,
                                                                 database):
    """No query per submission, course, cohort or invitation: the statements stay the same
    whether one thing waits or many."""
    from sqlalchemy import event

    from app.home.queues import home_queues

    course = load_course(small_spec())
    admin = make_user(Role.admin)
    trainer = make_user(Role.trainer)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    counts: dict[str, int] = {}

    def run() -> int:
        statements.clear()
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            with database.session() as s:
                queues = home_queues(s, user=s.get(User, admin.id), today=date.today(),
                                     now=utcnow())
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        assert queues is not None
        counts.update({item.key: item.count for group in queues.groups
                       for item in group.items})
        return len(statements)

    def add_some(n: int) -> None:
        with database.session(write=True) as s:
            cohort = accounts.create_cohort(s, name=f"Cohort {n}")
        for i in range(3):
            person = make_user(Role.executive, password=None)
            _submission(database, person, "persona" if i % 2 else "plan")
            _enrol(database, course, person, due=date.today() - timedelta(days=i))
            with database.session(write=True) as s:
                accounts.add_user_to_cohorts(s, user=s.get(User, person.id),
                                             cohort_ids=[cohort.id])
                s.add(Invitation(user_id=person.id, invited_by_id=admin.id,
                                 token_hash=digest(new_token()), created_at=utcnow(),
                                 expires_at=utcnow() + timedelta(days=i - 1)))

    with database.session(write=True) as s:  # a course with a revision, and its draft
        publishing.record(s, replace(small_spec(), slug="second", title="Second"),
                          author=None, message="First")
    _change_draft(database, trainer, "second")
    add_some(1)
    few = run()
    assert (counts["reviews"], counts["drafts"], counts["invitations"]) == (3, 1, 3)
    for n in range(2, 5):
        add_some(n)
    with database.session(write=True) as s:
        publishing.record(s, replace(small_spec(), slug="third", title="Third"),
                          author=None, message="First")
    _change_draft(database, trainer, "third")
    assert run() == few
    assert (counts["reviews"], counts["drafts"], counts["invitations"]) == (12, 2, 12)
    assert few <= 12, statements
