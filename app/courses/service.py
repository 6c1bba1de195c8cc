"""Courses in the database: loading a package spec (idempotently, keeping progress),
reading a course back into a spec for export, and looking courses up."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.content.markdown import render_markdown
from app.courses.package import asset_link_target, lesson_link_target, write_package
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, QuizSettings
from app.courses.urls import (  # noqa: F401  (re-exported: where pages found them)
    asset_url,
    certificate_url,
    course_url,
    item_url,
    lesson_url,
    quiz_url,
)
from app.learning import summary
from app.models import Course, CourseAsset, Lesson, Module, utcnow
from app.security.images import check_image


@dataclass
class ImportReport:
    course: Course
    created: bool
    lessons_added: list[str] = field(default_factory=list)
    lessons_updated: list[str] = field(default_factory=list)
    lessons_retired: list[str] = field(default_factory=list)
    modules_retired: list[str] = field(default_factory=list)
    recount_queued: bool = False  # enrolments' figures are recounted by a background job

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        text = (
            f"{verb} course '{self.course.slug}': {len(self.lessons_added)} lesson(s) "
            f"added, {len(self.lessons_updated)} changed, "
            f"{len(self.lessons_retired)} retired"
        )
        if self.modules_retired:
            text += f", {len(self.modules_retired)} module(s) retired"
        if self.recount_queued:
            text += "; the enrolments' progress figures are being recounted in the background"
        return text + "."


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


def import_course(
    session: Session, spec: CourseSpec, *, now: datetime | None = None
) -> ImportReport:
    """Create or update a course from a validated spec, in the caller's transaction.
    Slugs are identities: progress on kept lessons stays; removed items are retired."""
    now = now or utcnow()
    course = session.exec(select(Course).where(Course.slug == spec.slug)).first()
    created = course is None
    if course is None:
        course = Course(
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            audience=spec.audience,
            estimated_hours=spec.estimated_hours,
            completion_rule=spec.completion,
            sequential=spec.sequential,
            created_at=now,
            updated_at=now,
        )
    course.title, course.summary, course.audience = spec.title, spec.summary, spec.audience
    course.estimated_hours, course.completion_rule = spec.estimated_hours, spec.completion
    course.sequential, course.updated_at = spec.sequential, now
    session.add(course)
    session.flush()
    store_assets(session, course_slug=spec.slug, assets=spec.assets)
    before = [] if created else summary.structure(session, course.id)
    report = ImportReport(course=course, created=created)

    modules = {m.slug: m for m in session.exec(select(Module).where(Module.course_id == course.id))}
    lessons = {
        les.slug: les for les in session.exec(select(Lesson).where(Lesson.course_id == course.id))
    }
    for position, module_spec in enumerate(spec.modules, start=1):
        module = modules.get(module_spec.slug)
        if module is None:
            module = Module(
                course_id=course.id, slug=module_spec.slug, title="", summary="", position=position
            )
            modules[module_spec.slug] = module
        module.title, module.summary = module_spec.title, module_spec.summary
        module.position, module.retired_at = position, None
        session.add(module)
        session.flush()
        for lesson_position, lesson_spec in enumerate(module_spec.lessons, start=1):
            is_quiz = lesson_spec.kind == "quiz"
            html = "" if is_quiz else render_lesson(spec, module_spec.slug, lesson_spec.body)
            fields = {
                "module_id": module.id, "title": lesson_spec.title, "kind": lesson_spec.kind,
                "minutes": lesson_spec.minutes, "required": lesson_spec.required,
                "body_md": lesson_spec.body, "retired_at": None,
                "position": lesson_position, "body_html": html,
            }
            lesson = lessons.get(lesson_spec.slug)
            if lesson is None:
                lesson = Lesson(course_id=course.id, slug=lesson_spec.slug, updated_at=now,
                                **fields)
                lessons[lesson_spec.slug] = lesson
                report.lessons_added.append(lesson_spec.slug)
            else:
                # A new position or a re-render alone is not a change to the lesson.
                if any(getattr(lesson, key) != value for key, value in fields.items()
                       if key not in ("position", "body_html")):
                    report.lessons_updated.append(lesson_spec.slug)
                    lesson.updated_at = now
                for key, value in fields.items():
                    setattr(lesson, key, value)
            session.add(lesson)
            if is_quiz:
                session.flush()
                _sync_quiz(session, lesson, lesson_spec, now)

    kept_modules = {m.slug for m in spec.modules}
    kept_lessons = {les.slug for m in spec.modules for les in m.lessons}
    for slug, module in modules.items():
        if slug not in kept_modules and module.retired_at is None:
            module.retired_at = now
            session.add(module)
            report.modules_retired.append(slug)
    for slug, lesson in lessons.items():
        if slug not in kept_lessons and lesson.retired_at is None:
            lesson.retired_at = now
            session.add(lesson)
            report.lessons_retired.append(slug)
    session.flush()
    if not created and summary.structure(session, course.id) != before:
        # required lessons or quizzes added, retired or changed: percent and scores move
        # for every enrolment, which a background job recounts
        report.recount_queued = summary.request_recount(session, course_id=course.id)
    return report


def _sync_quiz(session: Session, lesson: Lesson, spec: LessonSpec, now: datetime) -> None:
    from app.questions.gift.reader import parse_gift
    from app.quizzes.service import sync_quiz

    questions, _warnings = parse_gift(spec.body)  # the package was validated already
    sync_quiz(session, lesson=lesson, settings=spec.quiz or QuizSettings(),
              questions=questions, now=now)


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


def _quiz_settings(session: Session, lesson: Lesson) -> QuizSettings | None:
    if lesson.kind != "quiz":
        return None
    from app.quizzes.service import get_quiz, quiz_settings

    quiz = get_quiz(session, lesson_id=lesson.id)
    return quiz_settings(quiz) if quiz else QuizSettings()


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


def course_to_spec(session: Session, course: Course, *, with_assets: bool = True) -> CourseSpec:
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        audience=course.audience,
        estimated_hours=course.estimated_hours,
        completion=course.completion_rule,
        sequential=course.sequential,
        modules=[
            ModuleSpec(
                slug=m.slug,
                title=m.title,
                summary=m.summary,
                lessons=[
                    LessonSpec(
                        slug=les.slug,
                        title=les.title,
                        minutes=les.minutes,
                        body=les.body_md,
                        required=les.required,
                        kind=les.kind,
                        quiz=_quiz_settings(session, les),
                    )
                    for les in lessons
                ],
            )
            for m, lessons in active_outline(session, course.id, with_bodies=True)
        ],
        assets=course_assets(session, course.slug) if with_assets else {},
    )


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


def export_course(session: Session, course: Course, directory: Path) -> Path:
    return write_package(course_to_spec(session, course), directory)
