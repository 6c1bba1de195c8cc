"""A trainer's working copy of a course: reading it, saving a change to it, and who saved
it last. What a change may do lives beside it: the course's settings and structure in
``course_structure.py``, one lesson in ``lessons.py``, a quiz in ``questions.py``; what
trainers type is checked by ``draft_fields.py``.

A course has at most one draft row, holding the whole course in the package format (as
JSON). Without a row the draft *is* the published course; the first change creates the
row. Every change happens under the row's lock (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite runs one writer at a time), so two trainers changing different lessons keep both
changes, and a lesson saved from a stale form is refused with both versions shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, select

from app.audit.service import record as audit
from app.authoring.import_export import course_to_spec
from app.courses.service import get_course
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, spec_from_dict, spec_to_dict
from app.db import insert_for
from app.models import Course, CourseDraft, User, utcnow


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
