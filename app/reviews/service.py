"""The trainer's side of a workbook: the review queue and decisions. Approval completes
the matching activity lessons of the executive's courses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.activities.kinds import KINDS, WorkbookKind
from app.learning.completion import complete_activity
from app.models import User, Workbook, WorkbookVersion
from app.notifications.service import notify
from app.workbooks import service as workbooks
from app.workbooks.compare import RowChange, compare
from app.workbooks.schema import Row


@dataclass
class Submission:
    """One version as a trainer sees it, with what changed since the last decision."""

    kind: WorkbookKind
    workbook: Workbook
    version: WorkbookVersion
    executive: User
    rows: list[Row]
    since_last_review: list[RowChange] | None  # None: the first review
    comments: dict[str, str]
    reviewer: User | None

    @property
    def pending(self) -> bool:
        return self.version.outcome == workbooks.PENDING

    def changed(self, key: str) -> bool:
        if self.since_last_review is None:
            return False
        return any(c.key == key and c.changed for c in self.since_last_review)


def submission(session: Session, *, version_id: int) -> Submission | None:
    row = session.exec(
        select(WorkbookVersion, Workbook, User)
        .join(Workbook, col(Workbook.id) == WorkbookVersion.workbook_id)
        .join(User, col(User.id) == Workbook.user_id)
        .where(WorkbookVersion.id == version_id, WorkbookVersion.kind == workbooks.SUBMITTED)
    ).first()
    if row is None or row[1].kind not in KINDS:
        return None
    version, workbook, executive = row
    kind = KINDS[workbook.kind]
    rows = kind.rows(workbooks.load(version.data), version.starts_on)
    earlier = session.exec(
        select(WorkbookVersion).where(WorkbookVersion.workbook_id == workbook.id,
                                      WorkbookVersion.number < version.number,
                                      col(WorkbookVersion.outcome).in_(workbooks.DECISIONS))
        .order_by(col(WorkbookVersion.number).desc())
    ).first()
    since = None
    if earlier is not None:
        since = compare(kind.rows(workbooks.load(earlier.data), earlier.starts_on), rows)
    reviewer = session.get(User, version.reviewed_by_id) if version.reviewed_by_id else None
    return Submission(kind, workbook, version, executive, rows, since,
                      workbooks.comments_of(session, version=version), reviewer)


def decide(session: Session, *, item: Submission, reviewer: User, decision: str,
           comments: dict[str, str], note: str) -> None:
    """Record the trainer's decision (raises :class:`workbooks.ReviewError`)."""
    keys = {row.key for row in item.rows}
    comments = {k: v[: workbooks.MAX_COMMENT] for k, v in comments.items() if k in keys}
    workbooks.record_review(session, workbook=item.workbook, version=item.version,
                            reviewer=reviewer, decision=decision, comments=comments,
                            note=note[: workbooks.MAX_COMMENT])
    if decision == workbooks.APPROVED:
        complete_activity(session, user_id=item.workbook.user_id,
                          kind=item.workbook.kind)
    notify(session, user_id=item.workbook.user_id, kind="workbook-reviewed",
           params={"workbook": item.workbook.kind, "decision": decision,
                   "reviewer": reviewer.full_name,
                   "comments": sum(1 for text in comments.values() if text.strip())},
           link=item.kind.url, dedupe_key=f"reviewed:{item.version.id}")
