"""The course the checker's findings link to (some of its lessons, as the curriculum has
them), and helpers to post the checker's forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec
from app.db import Database
from app.models import CheckerOrganisation, CheckerPhrase, ClosedPeriod, Course
from tests.conftest import csrf_from

COURSE = CourseSpec(
    slug="executive-enablement", title="Executive enablement", summary="The programme.",
    audience="Executives", estimated_hours=1,
    modules=[
        ModuleSpec(slug="posting-within-the-rules", title="Posting within the rules",
                   summary="Rules.", lessons=[
            LessonSpec(slug="disclosure-and-market-rules", title="Disclosure and market rules",
                       minutes=5, body="Intro.\n\n## Forward-looking statements\n\nText.\n\n"
                                       "## Posting during the quiet period\n\nText.\n"),
            LessonSpec(slug="accessible-posts", title="Accessible posts", minutes=5,
                       body="## Alt text for every image\n\nText.\n"),
            # "ai-and-authenticity" is not written yet: its findings show no link
        ]),
        ModuleSpec(slug="social-media-mechanics", title="Mechanics", summary="How.", lessons=[
            LessonSpec(slug="posts-mentions-hashtags", title="Posts, mentions, hashtags",
                       minutes=5, body="## Mentions\n\nText.\n\n## Hashtags\n\nText.\n"),
        ]),
    ])


@pytest.fixture
def course(load_course: Callable[[CourseSpec], Course]) -> Course:
    return load_course(COURSE)


def post(client: TestClient, path: str, data: dict[str, Any] | None = None, *,
         htmx: bool = False) -> Any:
    """A form post with the browser's CSRF token (as HTMX sends it, or in the form)."""
    token = csrf_from(client, "/account")
    if htmx:
        return client.post(path, data=data or {},
                           headers={"X-CSRF-Token": token, "HX-Request": "true"})
    return client.post(path, data={"csrf_token": token, **(data or {})})


def add_phrase(database: Database, phrase: str, severity: str = "caution",
               explanation: str = "", lesson_slug: str = "", section: str = "") -> None:
    with database.session(write=True) as session:
        session.add(CheckerPhrase(phrase=phrase, key=phrase.casefold(), severity=severity,
                                  explanation=explanation, lesson_slug=lesson_slug,
                                  section=section))


def add_organisation(database: Database, name: str, kind: str = "customer") -> None:
    with database.session(write=True) as session:
        session.add(CheckerOrganisation(name=name, key=name.casefold(), kind=kind))


def add_period(database: Database, label: str, starts_on: Any, ends_on: Any) -> None:
    with database.session(write=True) as session:
        session.add(ClosedPeriod(label=label, starts_on=starts_on, ends_on=ends_on))
