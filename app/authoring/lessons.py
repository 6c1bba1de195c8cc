"""One lesson of the draft, edited: what a lesson form was based on (its fingerprint),
the form applied, and the conflict when someone else changed the lesson meanwhile; and
each lesson against the published course (new, changed or published)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from app.authoring.draft_fields import (
    MAX_BODY,
    MAX_TITLE,
    DraftError,
    FormErrors,
    clean_minutes,
    clean_text,
)
from app.authoring.drafts import Draft
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, spec_to_dict


def fingerprint(lesson: LessonSpec) -> str:
    """What a lesson form was based on: a lesson changed since gets another value."""
    data = json.dumps(spec_to_dict(CourseSpec("x", "", "", "", 1, modules=[
        ModuleSpec("m", "", "", [lesson])]))["modules"][0]["lessons"][0], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def lesson_states(draft: Draft) -> dict[str, str]:
    """Each lesson of the draft against the published course: ``published`` (the same),
    ``changed`` (edited since) or ``new`` (not published yet)."""
    published = {les.slug: fingerprint(les) for m in draft.published.modules
                 for les in m.lessons} if draft.published else {}
    states = {}
    for module in draft.spec.modules:
        for lesson in module.lessons:
            before = published.get(lesson.slug)
            states[lesson.slug] = ("new" if before is None else
                                   "published" if before == fingerprint(lesson) else "changed")
    return states


@dataclass
class Conflict(Exception):
    """The lesson changed since the form was opened: both versions, and who saved last."""

    theirs: LessonSpec
    yours: LessonSpec
    saved_by: int | None
    saved_at: datetime | None


def edit_lesson(draft: Draft, slug: str, *, base: str, title: str, minutes: str, required: bool,
                body: str, force: bool = False) -> LessonSpec:
    """Apply the lesson form. Raises FormErrors for bad input and Conflict when the lesson
    changed since ``base`` (unless ``force``: the trainer saw both and keeps theirs)."""
    _, lesson = draft.lesson(slug)
    errors: dict[str, str] = {}
    new = replace(lesson)
    try:
        new.title = clean_text(title, "title", limit=MAX_TITLE)
    except DraftError as exc:
        errors[exc.field] = str(exc)
    try:
        new.body = clean_text(body, "body", limit=MAX_BODY) + "\n"
    except DraftError as exc:
        errors[exc.field] = str(exc)
    try:
        new.minutes = clean_minutes(minutes, new.body)
    except DraftError as exc:
        errors[exc.field] = str(exc)
    new.required = required
    if errors:
        raise FormErrors(errors)
    if base != fingerprint(lesson) and not force:
        raise Conflict(theirs=lesson, yours=new,
                       saved_by=draft.row.updated_by_id if draft.row else None,
                       saved_at=draft.row.updated_at if draft.row else None)
    replace_lesson(draft, slug, new)
    return new


def replace_lesson(draft: Draft, slug: str, lesson: LessonSpec) -> None:
    module, old = draft.lesson(slug)
    module.lessons[module.lessons.index(old)] = lesson
