"""A trainer's working copy of a course: reading it, changing its structure and lessons,
and telling when someone else changed a lesson meanwhile.

A course has at most one draft row, holding the whole course in the package format (as
JSON). Without a row the draft *is* the published course; the first change creates the
row. Every change happens under the row's lock (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite runs one writer at a time), so two trainers changing different lessons keep both
changes, and a lesson saved from a stale form is refused with both versions shown.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit.service import record as audit
from app.authoring.import_export import course_to_spec
from app.courses.package.format import ASSETS_DIR, MINUTES_RANGE, is_valid_slug
from app.courses.service import get_course
from app.courses.spec import (
    ACTIVITY_KINDS,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    QuizSettings,
    spec_from_dict,
    spec_to_dict,
)
from app.db import insert_for
from app.models import Course, CourseDraft, User, utcnow

WORDS_PER_MINUTE = 200
MAX_TITLE, MAX_SUMMARY, MAX_BODY = 200, 2_000, 100_000
LESSON_KINDS = {"reading": "Reading", "quiz": "Quiz", "persona": "Activity: persona builder",
                "plan": "Activity: 90-day plan"}


class DraftError(ValueError):
    """Input that cannot be applied; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Draft:
    slug: str
    spec: CourseSpec
    course: Course | None  # the published course, if it was ever published
    row: CourseDraft | None  # None: no unpublished change
    published: CourseSpec | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.row is not None and (
            self.published is None or spec_to_dict(self.spec) != spec_to_dict(self.published))

    def module(self, slug: str) -> ModuleSpec:
        for module in self.spec.modules:
            if module.slug == slug:
                return module
        raise LookupError(slug)

    def lesson(self, slug: str) -> tuple[ModuleSpec, LessonSpec]:
        for module in self.spec.modules:
            for lesson in module.lessons:
                if lesson.slug == slug:
                    return module, lesson
        raise LookupError(slug)


def load(session: Session, slug: str, *, lock: bool = False) -> Draft | None:
    """The draft of course ``slug`` (the published course when nobody changed it), or None
    when there is no such course."""
    course = get_course(session, slug)
    published = (course_to_spec(session, course, with_assets=False) if course is not None
                 else None)
    if lock and published is not None:
        # The row to lock must exist: two trainers making the first change at once then
        # queue on it instead of both inserting one. A row equal to the published course
        # is no change (see ``changed``).
        session.exec(insert_for(session)(CourseDraft).values(  # type: ignore[call-overload]
            slug=slug, spec=_json(published), created_at=utcnow(), updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["slug"]))
    query = select(CourseDraft).where(CourseDraft.slug == slug)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None and course is None:
        return None
    if row is not None:
        spec = spec_from_dict(json.loads(row.spec))
        spec.assets = {}
    else:
        assert published is not None
        spec = replace(published, assets={})
    return Draft(slug=slug, spec=spec, course=course, row=row, published=published)


def _json(spec: CourseSpec) -> str:
    return json.dumps(spec_to_dict(spec), ensure_ascii=False, sort_keys=True)


def save(session: Session, draft: Draft, *, user: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    data = _json(draft.spec)
    if draft.row is None:
        draft.row = CourseDraft(slug=draft.slug, spec=data, created_at=now)
    draft.row.spec, draft.row.updated_at, draft.row.updated_by_id = data, now, user.id
    session.add(draft.row)
    session.flush()


def discard(session: Session, draft: Draft) -> None:
    if draft.row is not None:
        session.delete(draft.row)
        session.flush()


def change(session: Session, slug: str, user: User, edit: Callable[[Draft], None]) -> Draft:
    """Apply ``edit`` to the locked draft and save it; raises LookupError when there is
    no such course, and whatever ``edit`` raises (DraftError, FormErrors, Conflict) when
    the edit is refused: then nothing at all was written."""
    with session.begin_nested():
        draft = load(session, slug, lock=True)
        if draft is None:
            raise LookupError(slug)
        edit(draft)
        save(session, draft, user=user)
    return draft


# The course settings the audit trail follows (what learners see of the course).
AUDITED_SETTINGS = ("title", "summary", "audience", "estimated_hours", "sequential")


def change_settings(session: Session, slug: str, user: User,
                    edit: Callable[[Draft], None]) -> Draft:
    """:func:`change` for the course settings form, with an entry in the audit trail
    naming each setting changed, from what to what (none when nothing changed)."""
    before: dict[str, object] = {}

    def tracked(draft: Draft) -> None:
        before.update({name: getattr(draft.spec, name) for name in AUDITED_SETTINGS})
        edit(draft)

    draft = change(session, slug, user, tracked)
    changed = {name: {"from": before[name], "to": getattr(draft.spec, name)}
               for name in AUDITED_SETTINGS if getattr(draft.spec, name) != before[name]}
    if changed:
        audit(session, action="course.settings-changed", target_type="course",
              target_id=draft.course.id if draft.course else slug,
              target_label=draft.spec.title, details=changed)
    return draft


def all_drafts(session: Session) -> list[Draft]:
    """The draft of every course, published or not, by slug."""
    slugs = set(session.exec(select(Course.slug)).all())
    slugs |= set(session.exec(select(CourseDraft.slug)).all())
    return [draft for slug in sorted(slugs) if (draft := load(session, slug)) is not None]


def editor_name(session: Session, user_id: int | None) -> str | None:
    """Who saved a draft last, for "last change by …" and conflict messages."""
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else None


# Checking what trainers type --------------------------------------------------------------

def clean_text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    # NUL cannot be stored in PostgreSQL text; it never belongs in course text
    text = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DraftError(field, "This is required.")
    if len(text) > limit:
        raise DraftError(field, f"Use at most {limit:,} characters (this has {len(text):,}).")
    return text


def clean_slug(value: str, field: str, taken: set[str]) -> str:
    slug = value.strip().lower()
    if not slug:
        raise DraftError(field, "This is required.")
    if len(slug) > 80 or not is_valid_slug(slug):
        raise DraftError(field, "Use lowercase letters, digits and single hyphens, "
                                "e.g. social-selling (at most 80 characters).")
    if slug == ASSETS_DIR:
        raise DraftError(field, f"'{ASSETS_DIR}' is reserved for the course's images.")
    if slug in taken:
        raise DraftError(field, "This name is already used in the course; choose another.")
    return slug


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80].rstrip("-")


def estimate_minutes(body: str) -> int:
    words = len(re.findall(r"\w+", body))
    low, high = MINUTES_RANGE
    return min(high, max(low, math.ceil(words / WORDS_PER_MINUTE)))


def clean_minutes(value: str, body: str) -> int:
    """Whole minutes from 1 to 120; empty: estimated from the text."""
    text = value.strip()
    if not text:
        return estimate_minutes(body)
    low, high = MINUTES_RANGE
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise DraftError("minutes", f"Enter whole minutes from {low} to {high}, or leave it "
                                    "empty to estimate from the text.")
    return int(text)


def clean_hours(value: str) -> float:
    try:
        hours = float(value.strip().replace(",", "."))
    except ValueError:
        hours = -1
    if not 0 < hours <= 200 or math.isnan(hours):
        raise DraftError("estimated_hours", "Enter the hours as a number from 0.5 to 200.")
    return round(hours * 2) / 2 or 0.5


def all_slugs(spec: CourseSpec) -> set[str]:
    return {m.slug for m in spec.modules} | {les.slug for m in spec.modules
                                             for les in m.lessons}


# The course and its structure ----------------------------------------------------------

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


class FormErrors(ValueError):
    """Several fields refused at once: field name → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


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


def remove_lesson(draft: Draft, slug: str) -> None:
    module, lesson = draft.lesson(slug)
    module.lessons.remove(lesson)


# One lesson, edited ------------------------------------------------------------------

def fingerprint(lesson: LessonSpec) -> str:
    """What a lesson form was based on: a lesson changed since gets another value."""
    data = json.dumps(spec_to_dict(CourseSpec("x", "", "", "", 1, modules=[
        ModuleSpec("m", "", "", [lesson])]))["modules"][0]["lessons"][0], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


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
