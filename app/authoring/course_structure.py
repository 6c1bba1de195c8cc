"""A course's draft as a whole: a new course, its settings, and its structure (modules
and lessons added, renamed, moved, reordered by dragging, removed)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.authoring.draft_fields import (
    MAX_SUMMARY,
    MAX_TITLE,
    DraftError,
    FormErrors,
    all_slugs,
    clean_hours,
    clean_slug,
    clean_text,
    slugify,
)
from app.authoring.drafts import Draft, save
from app.courses.service import get_course
from app.courses.spec import ACTIVITY_KINDS, CourseSpec, LessonSpec, ModuleSpec, QuizSettings
from app.models import CourseDraft, User

LESSON_KINDS = {"reading": "Reading", "quiz": "Quiz", "persona": "Activity: persona builder",
                "plan": "Activity: 90-day plan"}


def new_course(session: Session, *, slug: str, title: str, summary: str, audience: str,
               hours: str, user: User) -> Draft:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, check in (
            ("slug", lambda: clean_slug(slug, "slug", set())),
            ("title", lambda: clean_text(title, "title", limit=MAX_TITLE)),
            ("summary", lambda: clean_text(summary, "summary", limit=MAX_SUMMARY)),
            ("audience", lambda: clean_text(audience, "audience", limit=MAX_SUMMARY)),
            ("estimated_hours", lambda: clean_hours(hours))):
        try:
            values[name] = check()
        except DraftError as exc:
            errors[exc.field] = str(exc)
    if "slug" in values and (get_course(session, str(values["slug"])) is not None or
                             session.exec(select(CourseDraft.id).where(
                                 CourseDraft.slug == values["slug"])).first() is not None):
        errors["slug"] = "A course with this name exists already; choose another."
    if errors:
        raise FormErrors(errors)
    spec = CourseSpec(slug=str(values["slug"]), title=str(values["title"]),
                      summary=str(values["summary"]), audience=str(values["audience"]),
                      estimated_hours=float(values["estimated_hours"]))  # type: ignore[arg-type]
    draft = Draft(slug=spec.slug, spec=spec, course=None, row=None)
    try:
        with session.begin_nested():  # another trainer took the name a moment ago
            save(session, draft, user=user)
    except IntegrityError:
        raise FormErrors({"slug": "A course with this name exists already; choose "
                                  "another."}) from None
    return draft


def update_settings(draft: Draft, *, title: str, summary: str, audience: str, hours: str,
                    sequential: bool) -> None:
    errors: dict[str, str] = {}
    spec = draft.spec
    for name, value, limit in (("title", title, MAX_TITLE), ("summary", summary, MAX_SUMMARY),
                               ("audience", audience, MAX_SUMMARY)):
        try:
            setattr(spec, name, clean_text(value, name, limit=limit))
        except DraftError as exc:
            errors[exc.field] = str(exc)
    try:
        spec.estimated_hours = clean_hours(hours)
    except DraftError as exc:
        errors[exc.field] = str(exc)
    if errors:
        raise FormErrors(errors)
    spec.sequential = sequential
    spec.completion = "all-required"


def add_module(draft: Draft, *, title: str, slug: str) -> ModuleSpec:
    title = clean_text(title, "module_title", limit=MAX_TITLE)
    slug = clean_slug(slug or slugify(title), "module_slug", all_slugs(draft.spec))
    module = ModuleSpec(slug=slug, title=title, summary=title)
    draft.spec.modules.append(module)
    return module


def rename_module(draft: Draft, slug: str, *, title: str, summary: str) -> None:
    module = draft.module(slug)
    errors: dict[str, str] = {}
    for name, value, limit in (("rename_title", title, MAX_TITLE),
                               ("rename_summary", summary, MAX_SUMMARY)):
        try:
            setattr(module, name.removeprefix("rename_"), clean_text(value, name, limit=limit))
        except DraftError as exc:
            errors[exc.field] = str(exc)
    if errors:
        raise FormErrors(errors)


def move_module(draft: Draft, slug: str, direction: str) -> None:
    modules = draft.spec.modules
    index = modules.index(draft.module(slug))
    target = index + (-1 if direction == "up" else 1)
    if 0 <= target < len(modules):
        modules[index], modules[target] = modules[target], modules[index]


def remove_module(draft: Draft, slug: str) -> None:
    draft.spec.modules.remove(draft.module(slug))


def add_lesson(draft: Draft, module_slug: str, *, title: str, slug: str,
               kind: str) -> LessonSpec:
    module = draft.module(module_slug)
    if kind not in LESSON_KINDS:
        raise DraftError("kind", "Choose what kind of item to add.")
    title = clean_text(title, "lesson_title", limit=MAX_TITLE)
    slug = clean_slug(slug or slugify(title), "lesson_slug", all_slugs(draft.spec))
    if kind in ACTIVITY_KINDS and any(les.kind == kind for m in draft.spec.modules
                                      for les in m.lessons):
        raise DraftError("kind", f"The course has its {LESSON_KINDS[kind].lower()} already.")
    if kind == "quiz":
        lesson = LessonSpec(slug=slug, title=title, minutes=5, body="", kind="quiz",
                            quiz=QuizSettings())
    else:
        body = "Write the lesson here.\n" if kind == "reading" else (
            "Introduce the activity here.\n")
        lesson = LessonSpec(slug=slug, title=title, minutes=1, body=body, kind=kind)
    module.lessons.append(lesson)
    return lesson


def move_lesson(draft: Draft, slug: str, direction: str) -> None:
    """Up or down within its module; past the first or last lesson, into the end of the
    module before or the start of the module after."""
    modules = draft.spec.modules
    module, lesson = draft.lesson(slug)
    index = module.lessons.index(lesson)
    position = modules.index(module)
    if direction == "up":
        if index > 0:
            module.lessons[index - 1], module.lessons[index] = lesson, module.lessons[index - 1]
        elif position > 0:
            module.lessons.remove(lesson)
            modules[position - 1].lessons.append(lesson)
    else:
        if index < len(module.lessons) - 1:
            module.lessons[index + 1], module.lessons[index] = lesson, module.lessons[index + 1]
        elif position < len(modules) - 1:
            module.lessons.remove(lesson)
            modules[position + 1].lessons.insert(0, lesson)


def move_lesson_to(draft: Draft, slug: str, module_slug: str) -> None:
    """To the end of another module (the row menu's "Move to module")."""
    module, lesson = draft.lesson(slug)
    try:
        target = draft.module(module_slug)
    except LookupError:
        raise DraftError("module", "Choose a module of this course.") from None
    if target is not module:
        module.lessons.remove(lesson)
        target.lessons.append(lesson)


RELOAD = "Reload the page to see the course as it is now, and try again."


def reorder(draft: Draft, *, modules: list[str], lessons: list[str]) -> None:
    """The whole structure in a new order, as dragging shows it: ``modules`` every module
    slug once, in order; ``lessons`` every lesson once, as ``module/lesson``, in order
    (a lesson may change module). Anything else (an unknown, missing or repeated item) is
    refused with a DraftError and nothing changes."""
    by_module = {m.slug: m for m in draft.spec.modules}
    by_lesson = {les.slug: les for m in draft.spec.modules for les in m.lessons}
    pairs = [item.partition("/") for item in lessons]
    if any(not sep for _, sep, _ in pairs):
        raise DraftError("order", "Each lesson of the new order must be given as "
                                  "module/lesson.")
    lesson_slugs = [slug for _, _, slug in pairs]
    for kind, given in (("module", modules), ("lesson", lesson_slugs)):
        repeated = sorted(slug for slug, count in Counter(given).items() if count > 1)
        if repeated:
            raise DraftError("order", f"The new order names the {kind} “{repeated[0]}” "
                                      "more than once.")
    unknown = [slug for slug in modules if slug not in by_module] + [
        slug for slug in lesson_slugs if slug not in by_lesson] + [
        module for module, _, _ in pairs if module not in by_module]
    if unknown:
        raise DraftError("order", f"The course has no item “{unknown[0]}” (someone may "
                                  f"have removed it meanwhile). {RELOAD}")
    missing = [slug for slug in by_module if slug not in modules] + [
        slug for slug in by_lesson if slug not in lesson_slugs]
    if missing:
        raise DraftError("order", f"The new order leaves out “{missing[0]}” (someone may "
                                  f"have added it meanwhile). {RELOAD}")
    for module in by_module.values():
        module.lessons = []
    for module, _, slug in pairs:
        by_module[module].lessons.append(by_lesson[slug])
    draft.spec.modules = [by_module[slug] for slug in modules]


def remove_lesson(draft: Draft, slug: str) -> None:
    module, lesson = draft.lesson(slug)
    module.lessons.remove(lesson)
