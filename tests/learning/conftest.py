from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.courses.package import load_package
from app.courses.service import import_course
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec
from app.db import Database
from app.enrolments.service import enrol_users
from app.models import Course, User

SHIPPED = PROJECT_ROOT / "courses" / "executive-enablement"


def small_spec(*, sequential: bool = False, body_extra: str = "") -> CourseSpec:
    """Two modules, three required lessons and one optional."""
    return CourseSpec(
        slug="pilot", title="Pilot course", summary="A short course.", audience="Testers",
        estimated_hours=1, sequential=sequential,
        modules=[
            ModuleSpec(slug="basics", title="Basics", summary="First steps.", lessons=[
                LessonSpec(slug="hello", title="Hello", minutes=5,
                           body="Welcome. See [next](world.md).\n" + body_extra),
                LessonSpec(slug="world", title="World", minutes=5, body="The world.\n"),
                LessonSpec(slug="extra", title="Extra reading", minutes=5, body="Optional.\n",
                           required=False),
            ]),
            ModuleSpec(slug="advanced", title="Advanced", summary="Next steps.", lessons=[
                LessonSpec(slug="deep", title="Deep dive", minutes=10,
                           body="Back to [hello](../basics/hello.md#top).\n"),
            ]),
        ],
    )


@pytest.fixture
def load_course(database: Database) -> Callable[[CourseSpec | Path], Course]:
    def do(source: CourseSpec | Path) -> Course:
        spec = load_package(source) if isinstance(source, Path) else source
        with database.session(write=True) as session:
            return import_course(session, spec).course

    return do


@pytest.fixture
def enrol(database: Database) -> Callable[..., None]:
    def do(course: Course, user: User, due_date=None) -> None:  # type: ignore[no-untyped-def]
        with database.session(write=True) as session:
            enrol_users(session, course=course, users=[user], due_date=due_date)

    return do
