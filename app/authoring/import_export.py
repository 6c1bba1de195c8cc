"""Courses in and out of the database: a checked course spec imported with its quizzes
(slugs are identities, so progress on kept lessons stays, and a change of what counts
towards progress queues a recount), and a course read back into a spec or a package folder.

The course catalogue (``app/courses``) keeps courses, lessons and assets; the quizzes of
quiz lessons belong to ``app/quizzes`` and the progress figures to ``app/learning``: this
is the one place that imports all three together, above them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from app.courses.package import write_package
from app.courses.service import active_outline, course_assets, render_lesson, store_assets
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, QuizSettings
from app.learning import summary
from app.models import Course, Lesson, Module, utcnow
from app.questions.gift.reader import parse_gift
from app.quizzes.quiz_store import get_quiz, quiz_settings, sync_quiz


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
    questions, _warnings = parse_gift(spec.body)  # the package was validated already
    sync_quiz(session, lesson=lesson, settings=spec.quiz or QuizSettings(),
              questions=questions, now=now)


def _quiz_settings(session: Session, lesson: Lesson) -> QuizSettings | None:
    if lesson.kind != "quiz":
        return None
    quiz = get_quiz(session, lesson_id=lesson.id)
    return quiz_settings(quiz) if quiz else QuizSettings()


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


def export_course(session: Session, course: Course, directory: Path) -> Path:
    return write_package(course_to_spec(session, course), directory)
