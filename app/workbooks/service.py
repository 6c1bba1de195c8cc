"""Workbooks, whatever their kind: the draft saved as the executive goes, submissions as
numbered versions, restore, the trainer's review with comments per field, and the
status HR may see.

Services flush, never commit: the request (or CLI command) owns the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.db import insert_for
from app.models import ReviewComment, User, Workbook, WorkbookVersion, utcnow

IN_PROGRESS, IN_REVIEW = "in-progress", "in-review"
CHANGES_REQUESTED, APPROVED = "changes-requested", "approved"
NOT_STARTED = "not-started"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    IN_REVIEW: "In review",
    CHANGES_REQUESTED: "Changes requested",
    APPROVED: "Approved",
}
PENDING, WITHDRAWN = "pending", "withdrawn"
SUBMITTED, SNAPSHOT = "submitted", "snapshot"
DECISIONS = (APPROVED, CHANGES_REQUESTED)
MAX_COMMENT = 2_000


class ReviewError(Exception):
    """A review that cannot be recorded, with the message to show the trainer."""


def load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# Built once (the hot paths run them on every autosave), with their values bound per call.
_WORKBOOK_OF = select(Workbook).where(Workbook.user_id == bindparam("workbook_user"),
                                      Workbook.kind == bindparam("workbook_kind"))
_WORKBOOK = Workbook.__table__  # type: ignore[attr-defined]
_REPLACE_DRAFT = (
    update(_WORKBOOK)
    .where(_WORKBOOK.c.id == bindparam("workbook_id"),
           _WORKBOOK.c.draft == bindparam("draft_read"))
    .values(draft=bindparam("draft_new"), updated_at=bindparam("saved_at"))
    .returning(_WORKBOOK.c.status))
_LOCK_WORKBOOK_OF = (_WORKBOOK_OF.with_for_update()
                     .execution_options(populate_existing=True))


def get_workbook(session: Session, *, user_id: int, kind: str) -> Workbook | None:
    return session.exec(_WORKBOOK_OF, params={"workbook_user": user_id,
                                              "workbook_kind": kind}).first()


def get_workbook_by_id(session: Session, *, workbook_id: int) -> Workbook | None:
    return session.get(Workbook, workbook_id)


def open_for_update(session: Session, *, user_id: int, kind: str,
                    starts_on: date | None = None, now: datetime | None = None) -> Workbook:
    """The executive's workbook of ``kind``, created if missing, locked for this
    transaction (on PostgreSQL), so two tabs saving at once never lose each other's answers."""
    params = {"workbook_user": user_id, "workbook_kind": kind}
    # an existing workbook (the usual case): locked in one statement, no INSERT tried
    workbook = session.exec(_LOCK_WORKBOOK_OF, params=params).first()
    if workbook is not None:
        return workbook
    now = now or utcnow()
    insert = insert_for(session)
    session.exec(
        insert(Workbook).values(user_id=user_id, kind=kind, draft="{}", status=IN_PROGRESS,
                                starts_on=starts_on, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "kind"])
    )
    return session.exec(_LOCK_WORKBOOK_OF, params=params).one()


def draft(workbook: Workbook | None) -> dict[str, Any]:
    return load(workbook.draft) if workbook else {}


def save_draft(session: Session, *, workbook: Workbook, data: dict[str, Any],
               now: datetime | None = None) -> None:
    workbook.draft = dump(data)
    workbook.updated_at = now or utcnow()
    session.add(workbook)
    session.flush()


def replace_draft(session: Session, *, workbook: Workbook, data: dict[str, Any],
                  now: datetime | None = None) -> bool:
    """Write ``data`` as the draft of ``workbook`` if its draft in the database is still
    the one read into ``workbook``: one statement, the condition checked by the database,
    no row locked first. False (nothing written) if another save came first or the
    workbook is gone; then lock it with :func:`open_for_update` and merge again. On
    success ``workbook`` holds what the row now holds (draft, time, status)."""
    now = now or utcnow()
    text = dump(data)
    status = session.exec(_REPLACE_DRAFT, params={  # Core: no flush, no object reloaded
        "workbook_id": workbook.id, "draft_read": workbook.draft, "draft_new": text,
        "saved_at": now}).scalar_one_or_none()
    if status is None:
        return False
    for name, value in (("draft", text), ("updated_at", now), ("status", status)):
        set_committed_value(workbook, name, value)  # as saved, nothing left to flush
    return True


def versions(session: Session, *, workbook: Workbook) -> list[WorkbookVersion]:
    return list(session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id)
        .order_by(col(WorkbookVersion.number).desc())
    ))


def get_version(session: Session, *, workbook: Workbook, number: int) -> WorkbookVersion | None:
    return session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id,
                                      WorkbookVersion.number == number)
    ).first()


def _add_version(session: Session, workbook: Workbook, *, kind: str, outcome: str | None,
                 now: datetime) -> WorkbookVersion:
    number = session.exec(
        select(func.coalesce(func.max(WorkbookVersion.number), 0))
        .where(WorkbookVersion.workbook_id == workbook.id)
    ).one() + 1
    version = WorkbookVersion(workbook_id=workbook.id, number=number, kind=kind,
                              data=dump(draft(workbook)), starts_on=workbook.starts_on,
                              created_at=now, outcome=outcome)
    session.add(version)
    session.flush()
    return version


def submit(session: Session, *, workbook: Workbook, now: datetime | None = None) -> WorkbookVersion:
    """Keep the draft as a new version for review. An earlier submission still waiting
    is withdrawn: the trainer reviews the latest."""
    now = now or utcnow()
    for pending in session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id,
                                      WorkbookVersion.outcome == PENDING)
    ):
        pending.outcome = WITHDRAWN
        session.add(pending)
    version = _add_version(session, workbook, kind=SUBMITTED, outcome=PENDING, now=now)
    workbook.status = IN_REVIEW
    workbook.submitted_at = now
    workbook.updated_at = now
    session.add(workbook)
    session.flush()
    return version


def restore(session: Session, *, workbook: Workbook, version: WorkbookVersion,
            now: datetime | None = None) -> WorkbookVersion | None:
    """Put an earlier version back into the draft. A draft that matches no version is
    kept first as a snapshot, so restoring never loses work; returns that snapshot."""
    now = now or utcnow()
    current = dump(draft(workbook))
    kept = {(v.data, v.starts_on) for v in versions(session, workbook=workbook)}
    snapshot = None
    if draft(workbook) and (current, workbook.starts_on) not in kept:
        snapshot = _add_version(session, workbook, kind=SNAPSHOT, outcome=None, now=now)
    workbook.draft = version.data
    if version.starts_on is not None:
        workbook.starts_on = version.starts_on
    workbook.updated_at = now
    session.add(workbook)
    session.flush()
    return snapshot


def unsubmitted_changes(session: Session, *, workbook: Workbook) -> bool:
    """Whether the draft differs from the latest submission (False if never submitted)."""
    latest = session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id,
                                      WorkbookVersion.kind == SUBMITTED)
        .order_by(col(WorkbookVersion.number).desc())
    ).first()
    if latest is None:
        return False
    return (load(latest.data), latest.starts_on) != (draft(workbook), workbook.starts_on)


@dataclass
class Review:
    version: WorkbookVersion
    reviewer: User | None
    comments: dict[str, str]


def comments_of(session: Session, *, version: WorkbookVersion) -> dict[str, str]:
    return {c.field: c.body for c in session.exec(
        select(ReviewComment).where(ReviewComment.version_id == version.id)
        .order_by(col(ReviewComment.id))
    )}


def latest_review(session: Session, *, workbook: Workbook) -> Review | None:
    """The most recent decision on this workbook, with its comments per field."""
    row = session.exec(
        select(WorkbookVersion, User)
        .join(User, col(User.id) == WorkbookVersion.reviewed_by_id, isouter=True)
        .where(WorkbookVersion.workbook_id == workbook.id,
               col(WorkbookVersion.outcome).in_(DECISIONS))
        .order_by(col(WorkbookVersion.number).desc())
    ).first()
    if row is None:
        return None
    version, reviewer = row
    return Review(version, reviewer, comments_of(session, version=version))


def approved_version(session: Session, *, workbook: Workbook) -> WorkbookVersion | None:
    return session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id,
                                      WorkbookVersion.outcome == APPROVED)
        .order_by(col(WorkbookVersion.number).desc())
    ).first()


@dataclass
class WorkbookView:
    """What an executive's workbook page shows, whatever the kind: its draft, status,
    the trainer's latest decision and what still blocks submission."""

    workbook: Workbook | None
    data: dict[str, Any]
    started: bool
    problems: dict[str, str]
    review: Review | None = None
    unsubmitted: bool = False
    versions: list[WorkbookVersion] = field(default_factory=list)

    @property
    def status(self) -> str:
        return status_of(self.workbook, started=self.started)

    @property
    def comments(self) -> dict[str, str]:
        """The trainer's comments to act on: shown while changes are requested."""
        if self.review and self.status == CHANGES_REQUESTED:
            return self.review.comments
        return {}

    @property
    def can_submit(self) -> bool:
        return not self.problems and (self.unsubmitted or self.status in (
            IN_PROGRESS, CHANGES_REQUESTED))


def load_view(session: Session, *, workbook: Workbook | None, started: bool,
              problems: dict[str, str], view: type[WorkbookView] = WorkbookView,
              **extra: Any) -> WorkbookView:
    data = draft(workbook)
    result = view(workbook=workbook, data=data, started=started, problems=problems, **extra)
    if workbook is not None:
        result.review = latest_review(session, workbook=workbook)
        result.unsubmitted = unsubmitted_changes(session, workbook=workbook)
        result.versions = versions(session, workbook=workbook)
    return result


@dataclass
class QueueEntry:
    workbook: Workbook
    version: WorkbookVersion
    executive: User


def review_queue(session: Session, *, kind: str | None = None) -> list[QueueEntry]:
    """Submissions waiting for a trainer, oldest first."""
    query = (
        select(Workbook, WorkbookVersion, User)
        .join(WorkbookVersion, col(WorkbookVersion.workbook_id) == Workbook.id)
        .join(User, col(User.id) == Workbook.user_id)
        .where(WorkbookVersion.outcome == PENDING)
        .order_by(col(WorkbookVersion.created_at), col(WorkbookVersion.id))
    )
    if kind:
        query = query.where(Workbook.kind == kind)
    return [QueueEntry(w, v, u) for w, v, u in session.exec(query)]


def recently_reviewed(session: Session, *, limit: int = 10) -> list[QueueEntry]:
    rows = session.exec(
        select(Workbook, WorkbookVersion, User)
        .join(WorkbookVersion, col(WorkbookVersion.workbook_id) == Workbook.id)
        .join(User, col(User.id) == Workbook.user_id)
        .where(col(WorkbookVersion.outcome).in_(DECISIONS))
        .order_by(col(WorkbookVersion.reviewed_at).desc(), col(WorkbookVersion.id).desc())
        .limit(limit)
    )
    return [QueueEntry(w, v, u) for w, v, u in rows]


def record_review(session: Session, *, workbook: Workbook, version: WorkbookVersion,
                  reviewer: User, decision: str, comments: dict[str, str], note: str,
                  now: datetime | None = None) -> None:
    """Approve a submission or ask for changes, with comments per field. Raises
    :class:`ReviewError` if the submission was already decided or replaced, or if
    changes are asked for without saying which."""
    now = now or utcnow()
    if decision not in DECISIONS:
        raise ReviewError("Choose to approve or to ask for changes.")
    if version.outcome != PENDING:
        raise ReviewError(
            "This submission has already been reviewed or replaced by a newer one."
            if version.outcome != WITHDRAWN else
            "The executive has submitted a newer version since; review that one instead.")
    comments = {key: text.strip() for key, text in comments.items() if text.strip()}
    note = note.strip()
    if decision == CHANGES_REQUESTED and not comments and not note:
        raise ReviewError("Say what should change: comment on a field or leave a note.")
    for key, text in comments.items():
        session.add(ReviewComment(version_id=version.id, field=key, body=text,
                                  author_id=reviewer.id, created_at=now))
    version.outcome = decision
    version.reviewed_by_id = reviewer.id
    version.reviewed_at = now
    version.review_note = note or None
    workbook.status = decision
    workbook.updated_at = now
    if decision == APPROVED:
        workbook.approved_at = now
    session.add(version)
    session.add(workbook)
    session.flush()


def status_of(workbook: Workbook | None, *, started: bool = True) -> str:
    if workbook is None or (workbook.status == IN_PROGRESS and not started):
        return NOT_STARTED
    return workbook.status


def statuses(session: Session, *, kind: str, user_ids: list[int]) -> dict[int, str]:
    """What HR may know of each executive's workbook: its status only."""
    if not user_ids:
        return {}
    found = {
        user_id: status for user_id, status, data in session.exec(
            select(Workbook.user_id, Workbook.status, Workbook.draft)
            .where(Workbook.kind == kind, col(Workbook.user_id).in_(user_ids))
        )
        if status != IN_PROGRESS or data not in ("{}", "")
    }
    return {user_id: found.get(user_id, NOT_STARTED) for user_id in user_ids}


def status_for(session: Session, *, user_id: int, kind: str) -> str:
    return statuses(session, kind=kind, user_ids=[user_id])[user_id]
