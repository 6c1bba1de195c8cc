"""Publishing a draft, the revisions it leaves, and reading them back: a lesson's history,
the difference between two revisions, and restoring an earlier version into the draft.

A draft is checked exactly as ``podium courses check`` checks a folder: it is written as a
package into a temporary folder and read back, so a trainer sees the same messages, with
file and line, as someone committing files under ``courses/``.
"""

from __future__ import annotations

import difflib
import json
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from app.audit.service import record as audit
from app.authoring.draft_fields import DraftError
from app.authoring.drafts import Draft, change
from app.authoring.import_export import ImportReport, course_to_spec, import_course
from app.authoring.lessons import replace_lesson
from app.courses.package import load_package, write_package
from app.courses.service import course_assets
from app.courses.spec import (
    CourseSpec,
    LessonSpec,
    PackageError,
    Problem,
    spec_from_dict,
    spec_to_dict,
)
from app.models import Course, CourseRevision, User, utcnow

MAX_MESSAGE = 200


def check(session: Session, spec: CourseSpec) -> tuple[CourseSpec | None, list[Problem]]:
    """Validate a course as a package: (the spec as read back, []) or (None, problems)."""
    if not spec.modules or not any(m.lessons for m in spec.modules):
        return None, [Problem(f"{spec.slug}/course.yaml", 1,
                              "add at least one module with a lesson before publishing")]
    with_assets = replace(spec, assets=course_assets(session, spec.slug))
    with tempfile.TemporaryDirectory(prefix="podium-check-") as folder:
        try:
            root = write_package(with_assets, Path(folder))
            return load_package(root), []
        except PackageError as exc:
            return None, exc.problems
        except ValueError as exc:  # the writer refuses what no package may hold
            return None, [Problem(f"{spec.slug}/course.yaml", 1, str(exc))]


@dataclass(frozen=True)
class Published:
    report: ImportReport
    revision: CourseRevision


def publish(session: Session, draft: Draft, *, author: User | None, message: str,
            now: datetime | None = None) -> Published:
    """Load the draft into the published course (progress on kept lessons stays; quiz
    attempts keep the questions they started with) and record it as a revision.
    Raises DraftError for a missing message and PackageError for an invalid course."""
    message = message.strip()
    if not message:
        raise DraftError("message", "Say in a few words what changed.")
    if len(message) > MAX_MESSAGE:
        raise DraftError("message", f"Use at most {MAX_MESSAGE} characters.")
    spec, problems = check(session, draft.spec)
    if spec is None:
        raise PackageError(problems)
    return record(session, spec, author=author, message=message, now=now,
                  discard_draft=draft)


def record(session: Session, spec: CourseSpec, *, author: User | None, message: str,
           now: datetime | None = None, discard_draft: Draft | None = None) -> Published:
    """Import a checked spec and keep it as the course's next revision. The state before
    the course's first revision is kept as revision 1, so history starts where it was."""
    now = now or utcnow()
    course = session.exec(select(Course).where(Course.slug == spec.slug)).first()
    if course is not None and last_number(session, course.id) == 0:
        _add_revision(session, course.id, course_to_spec(session, course), author=None,
                      message="As published before revisions were kept", now=now)
    report = import_course(session, spec, now=now)
    latest = _latest(session, report.course.id)
    if latest is not None and json.loads(latest.spec) == spec_to_dict(spec):
        revision = latest  # the same course again (e.g. the demo loaded twice)
    else:
        revision = _add_revision(session, report.course.id, spec, author=author,
                                 message=message, now=now)
    if discard_draft is not None and discard_draft.row is not None:
        session.delete(discard_draft.row)
        discard_draft.row = None
    session.flush()
    if revision is not latest:
        audit(session, action="course.published", target_type="course",
              target_id=report.course.id, target_label=report.course.title,
              details={"revision": revision.number, "message": message,
                       "lessons added": len(report.lessons_added),
                       "lessons changed": len(report.lessons_updated),
                       "lessons retired": len(report.lessons_retired)})
    return Published(report=report, revision=revision)


def _latest(session: Session, course_id: int) -> CourseRevision | None:
    return session.exec(select(CourseRevision).where(CourseRevision.course_id == course_id)
                        .order_by(col(CourseRevision.number).desc()).limit(1)).first()


def last_number(session: Session, course_id: int) -> int:
    return session.exec(select(func.coalesce(func.max(CourseRevision.number), 0))
                        .where(CourseRevision.course_id == course_id)).one()


def _add_revision(session: Session, course_id: int, spec: CourseSpec, *, author: User | None,
                  message: str, now: datetime) -> CourseRevision:
    revision = CourseRevision(
        course_id=course_id, number=last_number(session, course_id) + 1,
        spec=json.dumps(spec_to_dict(spec), ensure_ascii=False, sort_keys=True),
        message=message[:MAX_MESSAGE], author_id=author.id if author else None, created_at=now)
    session.add(revision)
    session.flush()
    return revision


# Reading revisions back -----------------------------------------------------------------

@dataclass(frozen=True)
class RevisionEntry:
    revision: CourseRevision
    author: str | None
    spec: CourseSpec

    @property
    def number(self) -> int:
        return self.revision.number

    def lesson(self, slug: str) -> LessonSpec | None:
        for module in self.spec.modules:
            for lesson in module.lessons:
                if lesson.slug == slug:
                    return lesson
        return None

    def module_of(self, slug: str) -> str | None:
        for module in self.spec.modules:
            if any(lesson.slug == slug for lesson in module.lessons):
                return module.slug
        return None


def revisions(session: Session, course: Course) -> list[RevisionEntry]:
    """The course's revisions, newest first."""
    rows = session.exec(
        select(CourseRevision, User.full_name)
        .join(User, col(User.id) == CourseRevision.author_id, isouter=True)
        .where(CourseRevision.course_id == course.id)
        .order_by(col(CourseRevision.number).desc())).all()
    return [RevisionEntry(revision, author, spec_from_dict(json.loads(revision.spec)))
            for revision, author in rows]


def revision(session: Session, course: Course, number: str) -> RevisionEntry | None:
    """Revision ``number`` (as typed in a form) of the course, or None."""
    wanted = number.strip()
    if not (wanted.isascii() and wanted.isdigit()):
        return None
    row = session.exec(select(CourseRevision).where(CourseRevision.course_id == course.id,
                                                    CourseRevision.number == int(wanted))
                       ).first()
    if row is None:
        return None
    author = session.get(User, row.author_id) if row.author_id else None
    return RevisionEntry(row, author.full_name if author else None,
                         spec_from_dict(json.loads(row.spec)))


def lesson_history(entries: list[RevisionEntry], slug: str) -> list[RevisionEntry]:
    """The revisions (newest first) in which the lesson appeared or changed."""
    changed = []
    for newer, older in zip(entries, [*entries[1:], None], strict=True):
        lesson = newer.lesson(slug)
        if lesson is None:
            continue
        if older is None or older.lesson(slug) != lesson:
            changed.append(newer)
    return changed


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "added" | "removed"
    text: str


@dataclass(frozen=True)
class LessonDiff:
    fields: list[tuple[str, str, str]]  # (field, before, after) for changed settings
    lines: list[DiffLine]

    @property
    def unchanged(self) -> bool:
        return not self.fields and all(line.kind == "same" for line in self.lines)


def diff_lessons(before: LessonSpec | None, after: LessonSpec | None) -> LessonDiff:
    """What changed from ``before`` to ``after``: the settings, and the text line by line."""
    fields = []
    for name, label in (("title", "Title"), ("minutes", "Minutes"), ("required", "Required")):
        old = "" if before is None else str(getattr(before, name))
        new = "" if after is None else str(getattr(after, name))
        if old != new:
            fields.append((label, old, new))
    if before is not None and after is not None and before.quiz != after.quiz:
        fields.append(("Quiz settings", _settings(before), _settings(after)))
    old_lines = (before.body if before else "").splitlines()
    new_lines = (after.body if after else "").splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", text) for text in old_lines[i1:i2]]
            continue
        lines += [DiffLine("removed", text) for text in old_lines[i1:i2]]
        lines += [DiffLine("added", text) for text in new_lines[j1:j2]]
    return LessonDiff(fields=fields, lines=lines)


def _settings(lesson: LessonSpec) -> str:
    quiz = lesson.quiz
    if quiz is None:
        return ""
    return (f"pass mark {quiz.pass_mark}%, attempts {quiz.attempts or 'unlimited'}, "
            f"time limit {quiz.time_limit or 'none'}, score {quiz.score.value}, "
            f"reveal {quiz.reveal.value}, shuffle {'on' if quiz.shuffle else 'off'}"
            + (f", draw {quiz.draw}" if quiz.draw is not None else "")
            + "".join(f", {pool.draw} from '{pool.category}'" for pool in quiz.pools))


def restore_lesson(session: Session, slug: str, user: User, entry: RevisionEntry,
                   lesson_slug: str) -> None:
    """Put the lesson as it was in ``entry`` into the course's draft (back into its old
    module when it has been removed since), and say so in the audit trail. Raises
    LookupError when there is no such course, DraftError when the revision has no such
    lesson or its module is gone too; then nothing was written."""

    def edit(draft: Draft) -> None:
        lesson = entry.lesson(lesson_slug)
        if lesson is None:
            raise DraftError("revision", "That revision has no such lesson.")
        try:
            draft.lesson(lesson_slug)
        except LookupError:
            module_slug = entry.module_of(lesson_slug)
            try:
                module = draft.module(module_slug or "")
            except LookupError as exc:
                raise DraftError("revision", "The lesson's module is no longer in the course; "
                                             "add it again first.") from exc
            module.lessons.append(replace(lesson))
            return
        replace_lesson(draft, lesson_slug, replace(lesson))

    draft = change(session, slug, user, edit)
    _audit_restore(session, draft, entry, lesson=lesson_slug)


def restore_course(session: Session, slug: str, user: User, entry: RevisionEntry) -> None:
    """Make the course's draft the course as it was in ``entry`` (its images stay), and say
    so in the audit trail. Raises LookupError when there is no such course."""

    def edit(draft: Draft) -> None:
        draft.spec = replace(entry.spec, assets={})

    draft = change(session, slug, user, edit)
    _audit_restore(session, draft, entry)


def _audit_restore(session: Session, draft: Draft, entry: RevisionEntry, *,
                   lesson: str = "") -> None:
    details: dict[str, object] = {"revision": entry.number}
    if lesson:
        details["lesson"] = lesson
    audit(session, action="course.restored", target_type="course",
          target_id=draft.course.id if draft.course else draft.spec.slug,
          target_label=draft.spec.title, details=details)
