"""Shared helpers for the authoring tests: signed-in trainers and executives, forms posted
with their CSRF token, the draft and published state read from the database, tiny images
and package zips built in memory."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.courses.spec import CourseSpec, LessonSpec, QuizSettings
from app.db import Database
from app.models import (
    Course,
    CourseDraft,
    CourseRevision,
    Lesson,
    LessonProgress,
    QuizAttempt,
    Role,
    User,
)
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec

SLUG = "pilot"
QUIZ_SLUG = "check"
QUIZ_GIFT = """\
::Capital::Capital of France?{=Paris#Right. ~Lyon#No. ~Nice#No.}

::Posts::An X post has 280 characters at most.{T}

::Headline::LinkedIn headline limit?{#220:0}
"""


# ------------------------------------------------------------------------- forms


def token(client: TestClient) -> str:
    """The CSRF token of this browser's session (the same on every page)."""
    return csrf_from(client, "/account")


def post(client: TestClient, path: str, data: dict[str, object] | None = None, *,
         files: dict | None = None, headers: dict[str, str] | None = None) -> Any:
    """POST a form as a browser does, with the session's CSRF token."""
    return client.post(path, data={"csrf_token": token(client), **(data or {})}, files=files,
                       headers=headers)


ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _attributes(tag: str) -> dict[str, str]:
    return {name: unescape(value or "") for name, value in ATTRIBUTE.findall(tag)}


def _element(html: str, tag: str, **wanted: str) -> re.Match[str]:
    """The first ``<tag ...>`` whose attributes include ``wanted`` (in any order)."""
    for match in re.finditer(rf"<{tag}\b([^>]*)>", html):
        attributes = _attributes(match.group(1))
        if all(attributes.get(key) == value for key, value in wanted.items()):
            return match
    raise AssertionError(f"no <{tag}> with {wanted}")


def field_error(html: str, name: str) -> str:
    """The message shown next to the field ``name`` (its ``f-<name>-error`` element)."""
    start = _element(html, "p", id=f"f-{name}-error")
    text = html[start.end():html.index("</p>", start.end())]
    return unescape(text).strip()


def input_value(html: str, name: str) -> str:
    """The value of the input ``f-<name>`` as the page shows it."""
    return _attributes(_element(html, "input", id=f"f-{name}").group(1)).get("value", "")


def textarea(html: str, element_id: str) -> str:
    start = _element(html, "textarea", id=element_id)
    return unescape(html[start.end():html.index("</textarea>", start.end())])


def base_of(html: str) -> str:
    """The fingerprint the lesson form was opened on."""
    return _attributes(_element(html, "input", name="base").group(1))["value"]


def attributes_of(html: str, tag: str, **wanted: str) -> dict[str, str]:
    """The attributes of the first ``<tag>`` with the ``wanted`` ones."""
    return _attributes(_element(html, tag, **wanted).group(1))


def checked(html: str, name: str) -> bool:
    return "checked" in _attributes(_element(html, "input", name=name).group(1))


def inner(html: str, tag: str, **wanted: str) -> str:
    """The text inside the first ``<tag>`` with the ``wanted`` attributes (tags removed)."""
    start = _element(html, tag, **wanted)
    return unescape(re.sub(r"<[^>]+>", "", html[start.end():html.index(f"</{tag}>",
                                                                        start.end())]))


_MARK = re.compile(r"^\s*[+\u2212-]?\s*(?:Added|Removed):\s*")


def diff_lines(html: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a diff shown on a page, as text."""
    found: dict[str, list[str]] = {"del": [], "ins": []}
    for kind in found:
        for match in re.finditer(rf"<{kind}\b[^>]*>(.*?)</{kind}>", html, re.S):
            text = unescape(re.sub(r"<[^>]+>", "", match.group(1)))
            found[kind].append(_MARK.sub("", text).strip())
    return found["del"], found["ins"]


def preview_of(html: str) -> str:
    start = _element(html, "article", id="preview")
    return html[start.end():html.index("</article>", start.end())]


def lesson_article(html: str) -> str:
    """The lesson text on an executive's lesson page."""
    match = re.search(r'<article class="lesson[^"]*"[^>]*>(.*?)</article>', html, re.S)
    assert match, "no lesson article"
    return match.group(1)


def form_html(html: str, action: str) -> str:
    """The inside of the first POST form with this action."""
    for match in re.finditer(r"<form\b([^>]*)>", html):
        attributes = _attributes(match.group(1))
        if attributes.get("action") == action and attributes.get("method") == "post":
            return html[match.end():html.index("</form>", match.end())]
    raise AssertionError(f"no form posting to {action}")


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the POST form with this action, as a browser would send them."""
    fields = {}
    for tag in re.finditer(r"<input\b([^>]*)>", form_html(html, action)):
        found = _attributes(tag.group(1))
        if found.get("type") == "hidden" and "name" in found:
            fields[found["name"]] = found.get("value", "")
    return fields


def submit(client: TestClient, page: str, action: str, data: dict[str, object] | None = None,
           **kwargs: Any) -> Any:
    """Open ``page`` and post its form to ``action`` with its hidden fields and ``data``."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    return client.post(action, data={**hidden_fields(shown.text, action), **(data or {})},
                       **kwargs)


def quiz_post(client: TestClient, action: str, data: dict[str, object] | None = None,
              **kwargs: Any) -> Any:
    """Post a form of the quiz editor as a browser does: opened first, so it carries the
    fingerprint of the quiz it was shown with."""
    slug, quiz = re.match(r"/author/([^/]+)/quizzes/([^/]+)/", action).groups()  # type: ignore[union-attr]
    return submit(client, f"/author/{slug}/lessons/{quiz}", action, data, **kwargs)


def save_lesson(client: TestClient, lesson: str, body: str, *, slug: str = SLUG,
                title: str | None = None, minutes: str = "", required: bool = True,
                base: str | None = None, overwrite: bool = False) -> Any:
    """Open the lesson editor (unless a base is given) and save the form."""
    page = client.get(f"/author/{slug}/lessons/{lesson}")
    assert page.status_code == 200, page.text
    data: dict[str, object] = {
        "title": title if title is not None else input_value(page.text, "title"),
        "body": body, "minutes": minutes, "base": base or base_of(page.text)}
    if required:
        data["required"] = "on"
    if overwrite:
        data["overwrite"] = "yes"
    return post(client, f"/author/{slug}/lessons/{lesson}", data)


def publish(client: TestClient, message: str, *, slug: str = SLUG) -> Any:
    """Publish with the form on the course page."""
    return submit(client, f"/author/{slug}", f"/author/{slug}/publish", {"message": message})


# ----------------------------------------------------------------------- the database


def draft_row(database: Database, slug: str = SLUG) -> CourseDraft | None:
    with database.session() as s:
        return s.exec(select(CourseDraft).where(CourseDraft.slug == slug)).first()


def draft_dict(database: Database, slug: str = SLUG) -> dict | None:
    row = draft_row(database, slug)
    return None if row is None else json.loads(row.spec)


def draft_lesson(database: Database, lesson: str, slug: str = SLUG) -> dict:
    data = draft_dict(database, slug)
    assert data is not None, "no draft row"
    for module in data["modules"]:
        for entry in module["lessons"]:
            if entry["slug"] == lesson:
                return entry
    raise AssertionError(f"no lesson {lesson!r} in the draft")


def draft_outline(database: Database, slug: str = SLUG) -> list[tuple[str, list[str]]]:
    data = draft_dict(database, slug)
    assert data is not None, "no draft row"
    return [(m["slug"], [les["slug"] for les in m["lessons"]]) for m in data["modules"]]


def lesson_row(database: Database, lesson: str, slug: str = SLUG) -> Lesson:
    with database.session() as s:
        course = s.exec(select(Course).where(Course.slug == slug)).one()
        return s.exec(select(Lesson).where(Lesson.course_id == course.id,
                                           Lesson.slug == lesson)).one()


def revisions(database: Database, slug: str = SLUG) -> list[CourseRevision]:
    with database.session() as s:
        course = s.exec(select(Course).where(Course.slug == slug)).one()
        return list(s.exec(select(CourseRevision).where(CourseRevision.course_id == course.id)
                           .order_by(col(CourseRevision.number))).all())


def progress_rows(database: Database, user: User) -> dict[str, LessonProgress]:
    with database.session() as s:
        rows = s.exec(select(LessonProgress, Lesson.slug)
                      .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
                      .where(LessonProgress.user_id == user.id)).all()
        return {slug: row for row, slug in rows}


def attempts(database: Database, user: User) -> list[QuizAttempt]:
    with database.session() as s:
        return list(s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                           .order_by(col(QuizAttempt.number))).all())


# ---------------------------------------------------------------------- courses


def quiz_spec(gift: str = QUIZ_GIFT, *, settings: QuizSettings | None = None) -> CourseSpec:
    """The small course with a quiz ("check") at the end of its first module."""
    spec = small_spec()
    quiz = LessonSpec(slug=QUIZ_SLUG, title="Check your understanding", minutes=5, body=gift,
                      kind="quiz", quiz=settings or QuizSettings(shuffle=False))
    spec.modules[0] = replace(spec.modules[0], lessons=[*spec.modules[0].lessons, quiz])
    return spec


@pytest.fixture
def pilot(load_course: Callable[..., Course]) -> Course:
    """The small course, published (imported) without any revision yet."""
    return load_course(small_spec())


@pytest.fixture
def quiz_course(load_course: Callable[..., Course]) -> Course:
    return load_course(quiz_spec())


@pytest.fixture
def trainer(client: TestClient, make_user: Callable[..., User]) -> User:
    """A trainer signed in on ``client``."""
    user = make_user(Role.trainer, full_name="Tina Trainer")
    login(client, user.email)
    return user


@pytest.fixture
def signed_in(new_client: Callable[[], TestClient], make_user: Callable[..., User]
              ) -> Callable[..., tuple[TestClient, User]]:
    """Another browser, signed in as a new user of ``role``."""

    def make(role: Role = Role.executive, **kwargs: object) -> tuple[TestClient, User]:
        user = make_user(role, **kwargs)
        browser = new_client()
        login(browser, user.email)
        return browser, user

    return make


@pytest.fixture
def learner(signed_in: Callable[..., tuple[TestClient, User]], enrol: Callable[..., None]
            ) -> Callable[[Course], tuple[TestClient, User]]:
    """An executive enrolled in a course, signed in on their own browser."""

    def make(course: Course) -> tuple[TestClient, User]:
        browser, user = signed_in(Role.executive)
        enrol(course, user)
        return browser, user

    return make


# ----------------------------------------------------------------------- images


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiny_png(colour: bytes = b"\xff\x00\x00\xff") -> bytes:
    """A valid 1x1 RGBA PNG."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\x00" + colour))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + _chunk(b"IEND", b"")


# ---------------------------------------------------------------------- packages


def zip_folder(folder: Path) -> bytes:
    """A package zip of ``folder`` with the folder as its root (as a person would zip it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return buffer.getvalue()


def zip_files(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()
                if not info.is_dir()}


def folder_contents(folder: Path) -> dict[str, bytes]:
    """Files under ``folder`` by their path relative to its parent (``<slug>/...``)."""
    return {path.relative_to(folder.parent).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def upload_package(client: TestClient, data: bytes, name: str = "package.zip") -> Any:
    return post(client, "/author/packages",
                files={"package": (name, data, "application/zip")})
