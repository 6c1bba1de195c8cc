"""The course catalogue in the database: looking courses up, their live outline, lesson
HTML and the images lessons show. Importing a spec (with its quizzes) and exporting a
course are ``app/authoring/import_export.py``, above the catalogue."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.content.markdown import render_markdown
from app.courses.package.format import asset_link_target, lesson_link_target
from app.courses.spec import CourseSpec
from app.courses.urls import (  # noqa: F401  (re-exported: where pages found them)
    asset_url,
    certificate_url,
    course_url,
    item_url,
    lesson_url,
    quiz_url,
)
from app.models import Course, CourseAsset, Lesson, Module
from app.security.images import check_image


def render_lesson(spec: CourseSpec, module_slug: str, body: str) -> str:
    """Lesson HTML with links between lesson files turned into lesson pages, and images of
    the course's assets/ folder into their addresses."""

    def resolve(href: str) -> str | None:
        asset = asset_link_target(href, module_slug)
        if asset is not None:
            return asset_url(spec.slug, asset)
        target = lesson_link_target(href, module_slug, spec)
        return lesson_url(spec.slug, *target) if target else None

    return render_markdown(body, link_resolver=resolve)


def get_course(session: Session, slug: str) -> Course | None:
    return session.exec(select(Course).where(Course.slug == slug)).first()


def list_courses(session: Session) -> list[Course]:
    return list(session.exec(select(Course).order_by(Course.title)).all())


def course_minutes(session: Session, *, course_ids: list[int]) -> dict[int, int]:
    """How long each course takes: the minutes of its live lessons, quizzes and activities
    (the one length every page shows; an executive's time left is the same sum over what
    they have not done). Courses without lessons are 0."""
    if not course_ids:
        return {}
    rows = session.exec(
        select(Lesson.course_id, func.sum(Lesson.minutes))
        .join(Module, col(Module.id) == Lesson.module_id)
        .where(col(Lesson.course_id).in_(course_ids), col(Lesson.retired_at).is_(None),
               col(Module.retired_at).is_(None))
        .group_by(Lesson.course_id)
    ).all()
    found = {course_id: int(total or 0) for course_id, total in rows}
    return {course_id: found.get(course_id, 0) for course_id in course_ids}


def active_outline(
    session: Session, course_id: int, *, with_bodies: bool = False
) -> list[tuple[Module, list[Lesson]]]:
    """The course's live modules and lessons in order (two queries). Lesson bodies are
    left unloaded unless asked for: pages listing lessons need only their titles."""
    modules = session.exec(
        select(Module)
        .where(Module.course_id == course_id, col(Module.retired_at).is_(None))
        .order_by(Module.position)
    ).all()
    query = select(Lesson).where(Lesson.course_id == course_id, col(Lesson.retired_at).is_(None))
    if not with_bodies:
        query = query.options(defer(Lesson.body_md), defer(Lesson.body_html))
    lessons = session.exec(query.order_by(Lesson.position)).all()
    by_module: dict[int, list[Lesson]] = {m.id: [] for m in modules if m.id is not None}
    for lesson in lessons:
        if lesson.module_id in by_module:
            by_module[lesson.module_id].append(lesson)
    return [(m, by_module[m.id]) for m in modules if m.id is not None]


@dataclass(frozen=True)
class ModuleRef:
    id: int
    slug: str
    title: str
    summary: str
    position: int


@dataclass(frozen=True)
class LessonRef:
    """What pages listing lessons need: everything but the body."""

    id: int
    module_id: int
    slug: str
    title: str
    kind: str
    minutes: int
    required: bool
    position: int


Outline = list[tuple[ModuleRef, list[LessonRef]]]
_outlines: dict[int, tuple[datetime, Outline]] = {}
_outlines_lock = threading.Lock()


def course_outline(session: Session, course: Course) -> Outline:
    """The live outline of a course, built once per version of the course.

    Each process keeps the outline it built, keyed by ``course.updated_at``, which every
    caller has just read from the database: an import (and any later change to modules
    or lessons, which must bump ``updated_at``) makes every process rebuild it, so no
    process ever serves an outline the database no longer has."""
    with _outlines_lock:
        cached = _outlines.get(course.id)
    if cached is not None and cached[0] == course.updated_at:
        return cached[1]
    outline = [
        (ModuleRef(m.id, m.slug, m.title, m.summary, m.position),
         [LessonRef(les.id, les.module_id, les.slug, les.title, les.kind, les.minutes,
                    les.required, les.position) for les in lessons])
        for m, lessons in active_outline(session, course.id)
    ]
    with _outlines_lock:
        _outlines[course.id] = (course.updated_at, outline)
    return outline


def store_assets(session: Session, *, course_slug: str, assets: dict[str, bytes],
                 created_by_id: int | None = None) -> None:
    """Keep the course's images (checked already); a name already stored keeps its bytes
    when they are the same, and takes the new ones when not."""
    if not assets:
        return
    existing = {a.name: a for a in session.exec(
        select(CourseAsset).where(CourseAsset.course_slug == course_slug,
                                  col(CourseAsset.name).in_(list(assets))))}
    for name, data in assets.items():
        row = existing.get(name)
        if row is not None and row.data == data:
            continue
        image = check_image(data)
        row = row or CourseAsset(course_slug=course_slug, name=name, created_by_id=created_by_id,
                                 content_type=image.content_type, size=len(data), data=data)
        row.content_type, row.size, row.data = image.content_type, len(data), data
        session.add(row)
    session.flush()


def course_assets(session: Session, course_slug: str) -> dict[str, bytes]:
    rows = session.exec(select(CourseAsset.name, CourseAsset.data)
                        .where(CourseAsset.course_slug == course_slug).order_by(CourseAsset.name))
    return {name: bytes(data) for name, data in rows}


def get_asset(session: Session, course_slug: str, name: str) -> CourseAsset | None:
    return session.exec(select(CourseAsset).where(CourseAsset.course_slug == course_slug,
                                                  CourseAsset.name == name)).first()
