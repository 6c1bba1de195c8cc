"""The addresses of a course's pages: plain functions of slugs, with no database behind
them, so any module can link to a course without depending on the course service."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol
from urllib.parse import quote as _quote


class CourseItem(Protocol):
    slug: str
    kind: str


@lru_cache(maxsize=4096)
def quote(text: str) -> str:
    """A path segment, percent-encoded. A course page links every item, and the same
    slugs come back on every page: urllib's quote was a tenth of the page's CPU."""
    return _quote(text)


def course_url(course_slug: str) -> str:
    return f"/courses/{quote(course_slug)}"


def certificate_url(course_slug: str) -> str:
    return f"/courses/{quote(course_slug)}/certificate"


def lesson_url(course_slug: str, lesson_slug: str, fragment: str | None = None) -> str:
    url = f"/courses/{quote(course_slug)}/lessons/{quote(lesson_slug)}"
    return f"{url}#{quote(fragment)}" if fragment else url


def quiz_url(course_slug: str, quiz_slug: str) -> str:
    return f"/courses/{quote(course_slug)}/quizzes/{quote(quiz_slug)}"


def item_url(course_slug: str, lesson: CourseItem) -> str:
    """The page of a course item: a reading lesson or a quiz."""
    if lesson.kind == "quiz":
        return quiz_url(course_slug, lesson.slug)
    return lesson_url(course_slug, lesson.slug)


def asset_url(course_slug: str, name: str) -> str:
    return f"/courses/{quote(course_slug)}/assets/{quote(name)}"
