"""What the hot-path benchmark knows of Podium's pages: only URLs, links and form fields,
read from the pages as a browser would, and the requests the pages' HTMX attributes and
scripts send (``app/templates/…``, ``static/js/podium.js``; HTMX 2 serialises, for any
request other than GET, every field of the closest ``<form>`` in document order).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from _wrk import HOST, BenchError, Browser, Reply, Request, csrf_token, expect

LINK_RE = r'href="/courses/{course}/(lessons|quizzes)/([a-z0-9-]+)"'
PERSONA_STEP_RE = re.compile(r'href="/persona/steps/([a-z0-9-]+)"')
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


# --------------------------------------------------------------------------- forms


@dataclass
class Control:
    kind: str  # input type, "textarea" or "select"
    name: str
    value: str
    checked: bool = False
    disabled: bool = False
    question: str | None = None  # data-question of the enclosing fieldset (quiz pages)


class _FormReader(HTMLParser):
    """The controls of the ``<form id=…>`` of a page, in document order."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.controls: list[Control] = []
        self.question: str | None = None
        self._text: Control | None = None  # the textarea being read
        self._select: Control | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
            return
        if not self.inside:
            return
        if tag == "fieldset" and "data-question" in a:
            self.question = a["data-question"]
        disabled = "disabled" in a
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind not in ("submit", "button", "reset", "image", "file"):
                self.controls.append(Control(kind, a["name"], a.get("value", "on" if kind in (
                    "radio", "checkbox") else ""), "checked" in a, disabled, self.question))
        elif tag == "textarea" and a.get("name"):
            self._text = Control("textarea", a["name"], "", disabled=disabled,
                                 question=self.question)
            self.controls.append(self._text)
        elif tag == "select" and a.get("name"):
            self._select = Control("select", a["name"], "", disabled=disabled,
                                   question=self.question)
            self._first_option = None
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._select.value = value
            if "selected" in a:
                self._select.value = value

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None
        elif tag == "fieldset":
            self.question = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_controls(page: Reply, form_id: str, what: str) -> list[Control]:
    reader = _FormReader(form_id)
    reader.feed(page.body)
    if not reader.found:
        raise BenchError(f"no <form id={form_id!r}> in {what}")
    return reader.controls


def serialise(controls: list[Control], **values: str) -> str:
    """The form as HTMX posts it (radio and checkbox only when checked, disabled fields
    never), with ``values`` replacing what the named fields hold: a radio group's choice,
    what was typed in a field."""
    pairs: list[tuple[str, str]] = []
    placed: set[str] = set()
    for c in controls:
        if c.disabled:
            continue
        if c.name in values:
            if c.name not in placed:  # the new value where the field first appears
                pairs.append((c.name, values[c.name]))
                placed.add(c.name)
            continue
        if c.kind in ("radio", "checkbox") and not c.checked:
            continue
        pairs.append((c.name, c.value))
    missing = set(values) - placed
    if missing:
        raise BenchError(f"the form has no field {sorted(missing)}")
    return urllib.parse.urlencode(pairs)


# --------------------------------------------------------------------------- people


@dataclass
class Person:
    """A signed-in executive: the cookies a browser would send and the CSRF token."""

    email: str
    cookies: dict[str, str]
    csrf: str = ""
    attempt_url: str = ""  # the quiz attempt in progress
    answer_form: list[Control] = field(default_factory=list)
    persona_form: list[Control] = field(default_factory=list)

    def browser(self, port: int) -> Browser:
        return Browser(port, self.cookies)

    def cookie_header(self) -> str:
        return "; ".join(f"{key}={value}" for key, value in self.cookies.items())

    def prime(self, port: int, path: str) -> Reply:
        """GET a page as this person: the CSRF token, the pre-session cookie a browser
        holds; the session's last-seen time written now if it is due (so that write does
        not happen inside a measured run)."""
        browser = self.browser(port)
        page = expect(browser.request("GET", path), 200, f"GET {path} as {self.email}")
        self.cookies = browser.cookies
        self.csrf = csrf_token(page, f"{path} as {self.email}")
        return page


# --------------------------------------------------------------------------- the course


@dataclass(frozen=True)
class Site:
    """What the setup found on the pages, for every request to build."""

    course: str
    lesson: str  # the lesson page read, and completed again and again
    first_lessons: tuple[str, ...]  # reading lessons left to complete for the first time
    quiz: str
    persona_step: str
    question: str  # the quiz question whose answer is saved
    choices: tuple[str, str]  # two of its choices, alternated
    persona_field: str  # the persona field typed in, alternated between two texts

    def course_path(self) -> str:
        return f"/courses/{self.course}"

    def lesson_path(self, slug: str | None = None) -> str:
        return f"/courses/{self.course}/lessons/{slug or self.lesson}"

    def quiz_path(self) -> str:
        return f"/courses/{self.course}/quizzes/{self.quiz}"

    def persona_path(self) -> str:
        return f"/persona/steps/{self.persona_step}"


def course_links(page: Reply, course: str) -> tuple[list[str], list[str]]:
    """Lesson and quiz slugs linked from the course page, in the order shown."""
    lessons: list[str] = []
    quizzes: list[str] = []
    for kind, slug in re.findall(LINK_RE.format(course=re.escape(course)), page.body):
        bucket = lessons if kind == "lessons" else quizzes
        if slug not in bucket:
            bucket.append(slug)
    return lessons, quizzes


def completable(page: Reply, site_course: str, slug: str) -> bool:
    """Whether a lesson page offers "Mark as complete" (reading lessons; quizzes complete
    by being passed, activities by a trainer's approval)."""
    return f'hx-post="/courses/{site_course}/lessons/{slug}/complete"' in page.body


def persona_steps(page: Reply) -> list[str]:
    steps: list[str] = []
    for slug in PERSONA_STEP_RE.findall(page.body):
        if slug not in steps:
            steps.append(slug)
    return steps


def first_choice_question(controls: list[Control]) -> tuple[str, tuple[str, str]]:
    """The first quiz question answered by picking one choice, and two of its choices."""
    by_question: dict[str, list[Control]] = {}
    for c in controls:
        if c.kind == "radio" and c.question is not None:
            by_question.setdefault(c.question, []).append(c)
    for question, radios in by_question.items():
        names = {r.name for r in radios}
        if len(radios) >= 2 and len(names) == 1:
            return question, (radios[0].value, radios[1].value)
    raise BenchError("the quiz attempt has no single-choice question to answer")


# --------------------------------------------------------------------------- requests


def origin(port: int) -> str:
    return f"http://{HOST}:{port}"


def page_get(person: Person, path: str) -> Request:
    return Request("GET", path, {"Cookie": person.cookie_header()})


def htmx_post(person: Person, path: str, *, page: str, port: int, target: str,
              trigger: str | None = None, body: str) -> Request:
    """A POST from an element with ``hx-post``: the headers HTMX 2 adds (the CSRF token
    from ``<body hx-headers>``) and the form it serialised."""
    headers = {"Cookie": person.cookie_header(), "HX-Request": "true",
               "HX-Current-URL": origin(port) + page, "HX-Target": target}
    if trigger:
        headers["HX-Trigger"] = trigger
    headers |= {"X-CSRF-Token": person.csrf, **FORM_HEADERS}
    return Request("POST", path, headers, body)


def complete(person: Person, site: Site, port: int, lesson: str | None = None) -> Request:
    """"Mark as complete" on a lesson page: the form's hx-post, target ``#completion``."""
    page = site.lesson_path(lesson)
    return htmx_post(person, page + "/complete", page=page, port=port, target="completion",
                     body=urllib.parse.urlencode({"csrf_token": person.csrf}))


def heartbeat(person: Person, site: Site, seconds: int = 30) -> Request:
    """The reading-time beat of ``static/js/podium.js``: ``fetch`` POST to the lesson's
    ``data-heartbeat-url`` with ``seconds=N`` every 30 s while the reader is active."""
    headers = {"Cookie": person.cookie_header(), "X-CSRF-Token": person.csrf, **FORM_HEADERS}
    return Request("POST", site.lesson_path() + "/time", headers, f"seconds={seconds}")


def floor_write(person: Person, path: str) -> Request:
    """The write floor of ``bench/floor_app.py``: a POST with the CSRF header, as the
    heartbeat sends it."""
    headers = {"Cookie": person.cookie_header(), "X-CSRF-Token": person.csrf, **FORM_HEADERS}
    return Request("POST", path, headers, urllib.parse.urlencode({"csrf_token": person.csrf}))


def answer(person: Person, site: Site, port: int, variant: int) -> Request:
    """A quiz answer saved as the executive picks it: the question's ``<fieldset
    hx-post=…/answers/<id>>`` posts the whole attempt form (target ``#status-<id>``)."""
    body = serialise(person.answer_form, csrf_token=person.csrf,
                     **{f"q{site.question}": site.choices[variant % 2]})
    return htmx_post(person, f"{person.attempt_url}/answers/{site.question}",
                     page=person.attempt_url, port=port, target=f"status-{site.question}",
                     trigger=f"question-{site.question}", body=body)


PERSONA_TEXTS = ("Chief Operating Officer", "Chief Operating Officer, Europe")


def persona_autosave(person: Person, site: Site, port: int, variant: int) -> Request:
    """The persona step saved as the executive types: ``hx-post=…/autosave`` on the
    fields' container posts the whole step form (target ``#save-status``)."""
    body = serialise(person.persona_form, csrf_token=person.csrf,
                     **{site.persona_field: PERSONA_TEXTS[variant % 2]})
    page = site.persona_path()
    return htmx_post(person, page + "/autosave", page=page, port=port, target="save-status",
                     body=body)
