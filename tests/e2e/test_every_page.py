"""Every page of every role, in Chromium at a phone's, a tablet's and a laptop's width: the
page must not scroll sideways, no request of the page may answer 4xx/5xx (or fail), and
axe-core (vendored in tests/e2e/vendor) must find no serious or critical violation.

Pages reached by id (a lesson, a quiz attempt, a persona step, a review, a cohort...) are
found by following the app's own links, never by numbers written here. The admin sees
every trainer and HR page too, with the widest header; the pages reached by id are visited
once, by the role that works on them.

``bench/screenshots.py`` walks the same pages and saves what they look like.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from app.authoring.import_export import import_course
from app.courses.spec import QuizSettings
from app.demo import DEMO_ACCOUNTS, load_demo
from app.enrolments.service import enrol_users
from app.learning.progress import get_enrolment
from app.models import Lesson, Module, Role, User, utcnow
from app.questions.spec import Choice, QType, Question
from app.quizzes import attempts, quiz_store
from app.quizzes.attempt_view import attempt_view
from tests.courses_data import small_spec
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (390, 768, 1280)
HEIGHT = 900
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
COURSE = "/courses/executive-enablement"
PILOT_QUIZ = "/courses/pilot/quizzes/check"  # a small course with an essay to grade
EMAILS = {account.role: account.email for account in DEMO_ACCOUNTS}

# Not listed: the printable persona (/persona/print) exists once a persona is approved,
# and the demo executive's is not; downloads (.md, .csv, .ics, .xlsx, .zip) are not pages.
# A page: a fixed path, or ("from", pattern): the first link on page "from" whose path
# matches the pattern (a page reached by id). Named, so failures say which page it was.
Where = str | tuple[str, str]

ROLE_PAGES: dict[Role, dict[str, Where]] = {
    Role.executive: {
        "home": "/",
        "course": COURSE,
        "lesson": (COURSE, r"^/courses/executive-enablement/lessons/[\w-]+$"),
        "quiz": (COURSE, r"^/courses/executive-enablement/quizzes/[\w-]+$"),
        "essay quiz": PILOT_QUIZ,
        "quiz attempt": (PILOT_QUIZ, r"^/courses/pilot/quizzes/check/attempts/\d+$"),
        "certificate (not earned yet)": COURSE + "/certificate",
        "daily review": "/daily-review",
        "persona": "/persona",
        "persona step": ("/persona", r"^/persona/steps/[\w-]+$"),
        "90-day plan (calendar)": "/plan",
        "90-day plan (list)": "/plan?view=list",
        "plan item, new": "/plan/items/new",
        "plan item, edit": ("/plan?view=list", r"^/plan/items/[0-9a-f]{8}$"),
        "activity log": "/activity",
        "notifications": "/notifications",
        "account": "/account",
        "email settings": "/account/notifications",
        "certificate check": "/certificates",
    },
    Role.trainer: {
        "home": "/",
        "courses": "/manage/courses",
        "enrolments (roster)": ("/manage/courses", r"^/manage/courses/[\w-]+$"),
        "course preview": COURSE,
        "authoring": "/author",
        "authoring course": ("/author", r"^/author/executive-enablement$"),
        "course history": "/author/executive-enablement/history",
        "lesson editor": ("/author/executive-enablement",
                          r"^/author/executive-enablement/lessons/[\w-]+$"),
        "quiz editor": ("quiz-editor", ""),
        "question editor": ("quiz-editor", r"^/author/executive-enablement/quizzes/[\w-]+"
                                           r"/questions/\d+$"),
        "item analysis": ("quiz-editor", r"^/author/executive-enablement/quizzes/[\w-]+"
                                         r"/analysis$"),
        "lesson history": ("lesson editor", r"^/author/executive-enablement/lessons/[\w-]+"
                                            r"/history$"),
        "grading queue": "/manage/grading",
        "grade an attempt": ("/manage/grading", r"^/manage/grading/\d+$"),
        "review queue": "/manage/reviews",
        "review": ("/manage/reviews", r"^/manage/reviews/\d+$"),
        "coached executives": "/manage/activity",
        "notifications": "/notifications",
        "account": "/account",
    },
    Role.hr: {
        "home": "/",
        "reports": "/reports",
        "reports, filtered": "/reports?status=overdue",
        "social media activity": "/reports/activity",
        "notifications": "/notifications",
        "account": "/account",
        "email settings": "/account/notifications",
    },
    Role.admin: {
        "home": "/",
        "users": "/admin/users",
        "new user": "/admin/users/new",
        "invite": "/admin/users/invite",
        "import": "/admin/users/import",
        "user": ("/admin/users", r"^/admin/users/\d+$"),
        "cohorts": "/admin/cohorts",
        "cohort edit": ("/admin/cohorts", r"^/admin/cohorts/\d+$"),
        "mailbox": "/admin/mailbox",
        "email": ("/admin/mailbox", r"^/admin/mailbox/\d+$"),
        "audit trail": "/admin/audit",
        "reports": "/reports",
        "courses": "/manage/courses",
        "authoring": "/author",
        "grading queue": "/manage/grading",
        "review queue": "/manage/reviews",
        "notifications": "/notifications",
        "account": "/account",
    },
}


@dataclass
class Failure:
    role: str
    page: str
    path: str
    width: int
    kind: str  # "sideways scroll", "http", "request failed", "axe", "not found"
    detail: str
    rule: str = ""
    targets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        targets = f" at {', '.join(self.targets[:4])}" if self.targets else ""
        return (f"{self.role} · {self.page} ({self.path}) @ {self.width}px: {self.kind}{rule}: "
                f"{self.detail}{targets}")


def _essay_course(session: Any, executive: User) -> None:
    """The pilot course with a quiz holding an essay, which the demo executive has
    submitted: the trainer's grading queue has an attempt to open."""
    course = import_course(session, small_spec()).course
    module = session.exec(select(Module).where(Module.course_id == course.id,
                                               Module.slug == "basics")).one()
    lesson = Lesson(course_id=course.id, module_id=module.id, slug="check",
                    title="Check your understanding", kind="quiz", minutes=5, required=True,
                    position=10, body_md="", body_html="")
    session.add(lesson)
    course.updated_at = utcnow()
    session.add(course)
    session.flush()
    quiz_store.sync_quiz(session, lesson=lesson, settings=QuizSettings(shuffle=False), questions=[
        Question(type=QType.single, text="Which network suits a long post best?",
                 choices=[Choice("LinkedIn", 1.0), Choice("X", 0.0)]),
        Question(type=QType.essay, text="Describe your strategy for the next quarter."),
    ])
    enrol_users(session, course=course, users=[executive], due_date=None)
    quiz = quiz_store.get_quiz(session, lesson_id=lesson.id)
    attempt = attempts.start_attempt(session, quiz=quiz, user_id=executive.id)
    view = attempt_view(session, attempt=attempt)
    for item in view.items:
        raw = ["0"] if item.question.type == QType.single else ["Post weekly on LinkedIn."]
        assert attempts.save_answer(session, attempt=attempt, question_id=item.row.id,
                                    raw=raw) is None
    enrolment = get_enrolment(session, user_id=executive.id, course_id=course.id)
    attempts.submit_attempt(session, attempt=attempt, course=course, enrolment=enrolment,
                            lesson=lesson)


@pytest.fixture
def world(database, settings):  # type: ignore[no-untyped-def]
    """The demo (as `make run` loads it) and an essay waiting for the trainer."""
    with database.session(write=True) as session:
        load_demo(session, settings)
        executive = session.exec(select(User).where(User.email == EMAILS[Role.executive])).one()
        _essay_course(session, executive)


def _add_plan_item(page) -> None:  # type: ignore[no-untyped-def]
    """One item in the executive's plan, added as the executive would."""
    from datetime import date

    page.goto("/plan/items/new")
    day_input = page.get_by_label("Date", exact=True)
    starts_on = date.fromisoformat(day_input.get_attribute("min") or "")
    day_input.fill((starts_on + timedelta(days=10)).isoformat())
    page.get_by_label("Draft", exact=True).fill("Three things our drivers taught me this week.")
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url("**/plan?**")


def _links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => [...document.querySelectorAll('a[href]')]
        .map(a => new URL(a.href, location.href))
        .filter(u => u.origin === location.origin)
        .map(u => u.pathname + u.search)""")


AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' '))}));
}"""


class Walker:
    """One signed-in browser context for a role; visits pages at one width at a time."""

    def __init__(self, page, role: Role, axe_source: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.role = role
        self.axe_source = axe_source
        self.bad_responses: list[str] = []
        page.on("response", lambda r: self.bad_responses.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        # ERR_ABORTED is the browser cancelling a request of the page it is leaving (the
        # previous page's favicon, when the next navigation starts): no fault of a page.
        page.on("requestfailed", lambda r: self.bad_responses.append(
            f"failed ({r.failure}) {r.url}") if "ERR_ABORTED" not in (r.failure or "") else None)

    def resolve(self, pages: dict[str, Where], found: dict[str, str]) -> Iterator[
            tuple[str, str | None]]:
        """Each page's path, following links for the pages reached by id."""
        for name, where in pages.items():
            if isinstance(where, str):
                found[name] = where
                yield name, where
                continue
            source, pattern = where
            if source == "quiz-editor":  # the authoring page of the course's first quiz
                quiz = found.get("quiz-editor") or self._quiz_editor()
                found["quiz-editor"] = quiz
                if not pattern:
                    yield name, quiz
                    continue
                source = quiz
            source = found.get(source, source)
            self.page.goto(source)
            path = next((link for link in _links(self.page) if re.search(pattern, link)), None)
            if path is not None:
                found[name] = path
            yield name, path

    def _quiz_editor(self) -> str:
        self.page.goto(COURSE)
        quiz = next(link for link in _links(self.page)
                    if re.fullmatch(r"/courses/executive-enablement/quizzes/[\w-]+", link))
        return "/author/executive-enablement/lessons/" + quiz.rsplit("/", 1)[1]

    def check(self, name: str, path: str, width: int) -> list[Failure]:
        def failure(kind: str, detail: str, **more: Any) -> Failure:
            return Failure(self.role.value, name, path, width, kind, detail, **more)

        self.bad_responses.clear()
        response = self.page.goto(path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        failures = []
        if response is None or response.status >= 400:
            failures.append(failure("http", f"the page answered "
                                            f"{response.status if response else 'nothing'}"))
        failures += [failure("http" if not bad.startswith("failed") else "request failed", bad)
                     for bad in self.bad_responses if not bad.endswith(path)]
        scroll, inner = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            failures.append(failure("sideways scroll", f"{scroll}px wide in {inner}px"))
        self.page.evaluate(self.axe_source)  # the DevTools protocol: not subject to the CSP
        for violation in self.page.evaluate(AXE_RUN):
            failures.append(failure("axe", f"{violation['impact']}: {violation['help']}",
                                    rule=violation["id"], targets=violation["targets"]))
        return failures


def walk(browser, base_url: str, role: Role,  # type: ignore[no-untyped-def]
         visit: Callable[[Any, str, str, int], list[Failure]] | None = None,
         widths: tuple[int, ...] = WIDTHS) -> list[Failure]:
    """Sign in as the role's demo account and check (or ``visit``) each of its pages at
    each width; one browser context per role."""
    context = browser.new_context(base_url=base_url,
                                  viewport={"width": widths[-1], "height": HEIGHT})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, EMAILS[role])
        if role == Role.executive:
            _add_plan_item(page)
        walker = Walker(page, role, AXE.read_text())
        failures: list[Failure] = []
        found: dict[str, str] = {}
        paths = []
        for name, path in walker.resolve(ROLE_PAGES[role], found):
            if path is None:
                failures.append(Failure(role.value, name, "?", 0, "not found",
                                        "no link to this page where it should be"))
            else:
                paths.append((name, path))
        for width in widths:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            for name, path in paths:
                failures += (visit(page, name, path, width) if visit
                             else walker.check(name, path, width))
        return failures
    finally:
        context.close()


@pytest.mark.parametrize("role", list(ROLE_PAGES), ids=lambda r: r.value)
def test_every_page_fits_loads_and_is_accessible(browser, live_server, world, role):  # type: ignore[no-untyped-def]
    failures = walk(browser, live_server, role)
    report = os.environ.get("PODIUM_EVERY_PAGE_REPORT")  # a JSON file to write the findings to
    if report:
        existing = json.loads(Path(report).read_text()) if Path(report).exists() else []
        existing += [failure.__dict__ for failure in failures]
        Path(report).write_text(json.dumps(existing, indent=1))
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(map(str, failures))
