"""Recording and reading the audit trail.

``record`` is called by the service that does the thing (in its transaction, so an entry
exists exactly when the change was committed). The actor, client address and request id
come from the request's context; from the command line or a background job the actor is
the system. Entries are only ever added: the app has no way to edit or delete them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.content.dates import parse_date
from app.content.paging import Paging
from app.models import AuditEntry, User, utcnow
from app.security import context

PER_PAGE = 50

# What can be done, in the words the page shows.
ACTIONS: dict[str, str] = {
    "account.created": "Account created",
    "account.updated": "Account details changed",
    "account.role-changed": "Role changed",
    "account.disabled": "Account disabled",
    "account.enabled": "Account enabled",
    "password.set-by-admin": "Password set by an admin",
    "invitation.sent": "Invitation sent",
    "invitation.revoked": "Invitation revoked",
    "cohort.created": "Cohort created",
    "cohort.changed": "Cohort changed",
    "cohort.deleted": "Cohort deleted",
    "users.imported": "Users imported from CSV",
    "enrolment.created": "Enrolled",
    "enrolment.due-date-changed": "Due date changed",
    "enrolment.removed": "Enrolment removed",
    "course.published": "Course published",
    "course.restored": "Earlier version restored into the draft",
    "course.settings-changed": "Course settings changed",
    "report.exported": "Report downloaded",
    "sign-in.spray-suspected": "Password spray suspected",
    "checker.phrase-saved": "Checker phrase saved",
    "checker.phrase-deleted": "Checker phrase removed",
    "checker.organisation-added": "Customer or partner added to the checker",
    "checker.organisation-deleted": "Customer or partner removed from the checker",
    "closed-period.saved": "Closed period saved",
    "closed-period.deleted": "Closed period removed",
}


def record(session: Session, *, action: str, target_type: str = "",
           target_id: object = "", target_label: str = "",
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Add an entry for what the current actor just did, in the caller's transaction."""
    ctx = context.current()
    actor = session.get(User, ctx.user_id) if ctx.user_id else None
    entry = AuditEntry(
        at=utcnow(), actor_id=actor.id if actor else None,
        actor_label=f"{actor.full_name} <{actor.email}>" if actor else "Podium (system)",
        action=action, target_type=target_type, target_id=str(target_id or "")[:80],
        target_label=target_label[:300],
        details=json.dumps(details or {}, default=str, ensure_ascii=False),
        client=ctx.client[:64], request_id=ctx.request_id[:40])
    session.add(entry)
    session.flush()
    return entry


def user_label(user: User) -> str:
    return f"{user.full_name} <{user.email}>"


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of a name or address
    action: str = ""
    target: str = ""  # part of what it was done to
    since: date | None = None
    until: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        values = {"actor": self.actor, "action": self.action, "target": self.target,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}
        return {key: value for key, value in values.items() if value}


def parse_filter(values: dict[str, str]) -> AuditFilter:
    errors: dict[str, str] = {}
    action = values.get("action", "").strip()
    if action and action not in ACTIONS:
        errors["action"] = "Choose an action from the list."
        action = ""
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        raw = values.get(name, "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = parse_date(raw)
            except ValueError as exc:
                errors[name] = str(exc)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = "The end date is before the start date."
    return AuditFilter(actor=values.get("actor", "").strip()[:200], action=action,
                       target=values.get("target", "").strip()[:200], since=days["since"],
                       until=days["until"] if "until" not in errors else None,
                       errors=errors)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _conditions(flt: AuditFilter) -> list[Any]:
    conditions: list[Any] = []
    if flt.actor:
        conditions.append(func.lower(AuditEntry.actor_label).like(_like(flt.actor),
                                                                  escape="\\"))
    if flt.action:
        conditions.append(AuditEntry.action == flt.action)
    if flt.target:
        pattern = _like(flt.target)
        conditions.append(or_(func.lower(AuditEntry.target_label).like(pattern, escape="\\"),
                              AuditEntry.target_id == flt.target))
    if flt.since:
        conditions.append(col(AuditEntry.at) >= datetime.combine(flt.since, time(0), tzinfo=UTC))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(0), tzinfo=UTC)
        conditions.append(col(AuditEntry.at) < end)
    return conditions


@dataclass(frozen=True, kw_only=True)
class AuditPage(Paging):
    entries: list[AuditEntry]


def search(session: Session, flt: AuditFilter, *, page: int = 1) -> AuditPage:
    """Entries matching the filter, newest first, one page."""
    conditions = _conditions(flt)
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*conditions)).one()
    page = max(1, min(page, max(1, -(-total // PER_PAGE))))
    rows = session.exec(select(AuditEntry).where(*conditions)
                        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
                        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return AuditPage(entries=list(rows), total=total, page=page, per_page=PER_PAGE)


CSV_HEADERS = ("Time (UTC)", "Actor", "Action", "Target type", "Target id", "Target",
               "Details", "Client", "Request id")


def csv_rows(session: Session, flt: AuditFilter) -> Iterator[list[Any]]:
    """Every matching entry as a CSV row, oldest first, streamed."""
    query = select(AuditEntry).where(*_conditions(flt)).order_by(col(AuditEntry.at),
                                                                 col(AuditEntry.id))
    for entry in session.exec(query.execution_options(yield_per=500)):
        yield [entry.at, entry.actor_label, ACTIONS.get(entry.action, entry.action),
               entry.target_type, entry.target_id, entry.target_label, entry.details,
               entry.client, entry.request_id]


def describe(entry: AuditEntry) -> str:
    """The details of an entry in words (``key: value; ...``)."""
    details = json.loads(entry.details or "{}")
    return "; ".join(f"{key.replace('_', ' ')}: {_word(value)}" for key, value in
                     details.items())


def _word(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "—" if value in (None, "") else str(value)
