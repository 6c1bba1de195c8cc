"""Bulk import of accounts from CSV (columns: email, full name, role, department, cohort).

``plan_import`` validates every row against the file and the database and says what it
would do; ``apply_import`` carries out the valid rows. A file with any rejected row is
applied only when the caller explicitly asks for the valid rows alone. ``record_outcome``
keeps what an import did as an entry of the audit trail, which the page after the import
(a redirect: a refresh never imports again) reads back with ``outcome``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from app.admin import forms, service
from app.audit.service import record as audit
from app.config import Settings
from app.models import AuditEntry, Role, User

MAX_ROWS = 10_000
IMPORTED = "users.imported"  # the audit action of a finished import
MAX_LISTED = 1_000  # accounts and rejected rows an import's outcome names, each
COLUMN_ALIASES = {
    "email": "email", "e-mail": "email", "email address": "email",
    "full name": "full_name", "full_name": "full_name", "name": "full_name",
    "role": "role",
    "department": "department", "dept": "department",
    "cohort": "cohort", "cohorts": "cohort",
}
REQUIRED_COLUMNS = ("email", "full_name", "role")


class Action(StrEnum):
    create = "create"
    update = "update"
    unchanged = "unchanged"
    reject = "reject"


@dataclass
class RowPlan:
    line: int
    email: str
    full_name: str
    role: Role | None
    department: str | None
    cohorts: list[str]
    action: Action = Action.create
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    user_id: int | None = None  # the account, once imported


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> int:
        return self.count(Action.reject)

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action in (Action.create, Action.update)]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or self.rejected > 0


def decode_upload(data: bytes, *, limit: int) -> tuple[str, str | None]:
    if len(data) > limit:
        return "", f"The file is larger than {limit // 1024} KiB."
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return "", "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."


def plan_import(session: Session, text: str) -> ImportPlan:
    plan = ImportPlan()
    if not text.strip():
        plan.file_errors.append("The file is empty.")
        return plan
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        plan.file_errors.append(f"Line 1: the header could not be read ({exc}).")
        return plan
    columns = [COLUMN_ALIASES.get(h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        names = ", ".join(c.replace("_", " ") for c in missing)
        plan.file_errors.append(
            f"Line 1: missing column(s) {names}. Expected: email, full name, role, department, "
            "cohort.")
        return plan

    seen: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(plan.rows) >= MAX_ROWS:
                plan.file_errors.append(f"The file has more than {MAX_ROWS} rows; split it.")
                break
            record = {col: values[i] if i < len(values) else ""
                      for i, col in enumerate(columns) if col}
            plan.rows.append(_plan_row(session, line, record, seen))
    except csv.Error as exc:
        plan.file_errors.append(f"Line {reader.line_num}: {exc}.")
    if not plan.rows and not plan.file_errors:
        plan.file_errors.append("The file has a header but no rows.")
    return plan


def _plan_row(session: Session, line: int, record: dict[str, str],
              seen: dict[str, int]) -> RowPlan:
    reasons: list[str] = []
    email, error = forms.clean_email(record.get("email", ""))
    if error:
        reasons.append(error)
    name, error = forms.clean_name(record.get("full_name", ""))
    if error:
        reasons.append(error)
    role, error = forms.clean_role(record.get("role", ""))
    if error:
        reasons.append(error)
    department, error = forms.clean_department(record.get("department", ""))
    if error:
        reasons.append(f"Department: {error}")
    cohorts, error = forms.clean_cohort_names(record.get("cohort", ""))
    if error:
        reasons.append(error)
    row = RowPlan(line=line, email=email, full_name=name, role=role, department=department,
                  cohorts=cohorts)
    if not reasons and email in seen:
        reasons.append(f"Duplicate: the same email is on line {seen[email]}.")
    if not forms.clean_email(record.get("email", ""))[1]:
        seen.setdefault(email, line)
    if reasons:
        row.action, row.reasons = Action.reject, reasons
        return row

    existing = service.get_user_by_email(session, email)
    if existing is None:
        row.action = Action.create
        new_cohorts = [c for c in cohorts if service.get_cohort_by_name(session, c) is None]
        if new_cohorts:
            row.changes.append("new cohort " + ", ".join(new_cohorts))
        return row
    current = set(service.cohort_names_for(session, [existing.id]).get(existing.id, []))
    if existing.full_name != name:
        row.changes.append(f"name → {name}")
    if existing.role != role:
        row.changes.append(f"role {existing.role.value} → {role.value}")  # type: ignore[union-attr]
    if (existing.department or None) != department:
        row.changes.append(f"department → {department or '(none)'}")
    added = [c for c in cohorts if c.lower() not in {n.lower() for n in current}]
    if added:
        row.changes.append("added to " + ", ".join(added))
    row.action = Action.update if row.changes else Action.unchanged
    return row


def apply_import(session: Session, settings: Settings, plan: ImportPlan, *,
                 valid_only: bool = False) -> int:
    """Carry out the plan in the caller's transaction; returns rows created or updated."""
    if plan.file_errors or (plan.rejected and not valid_only):
        raise ValueError("The import has errors; nothing was imported.")
    done = 0
    for row in plan.valid_rows:
        assert row.role is not None
        cohort_ids = [service.get_or_create_cohort(session, name=n)[0].id for n in row.cohorts]
        user = service.get_user_by_email(session, row.email)
        if user is None:
            user = service.create_user(session, settings, email=row.email,
                                       full_name=row.full_name, role=row.role,
                                       department=row.department,
                                       cohort_ids=[c for c in cohort_ids if c is not None])
        else:
            current = service.user_cohort_ids(session, user.id)
            service.update_user(
                session, user=user, email=user.email, full_name=row.full_name, role=row.role,
                department=row.department,
                cohort_ids=sorted(set(current) | {c for c in cohort_ids if c is not None}),
            )
        row.user_id = user.id
        done += 1
    return done


# The outcome of an import, kept in the audit trail --------------------------------------

def _rejection(row: RowPlan) -> str:
    return f"Line {row.line}, {row.email or '(no email)'}: {' '.join(row.reasons)}"


def record_outcome(session: Session, plan: ImportPlan) -> AuditEntry:
    """An audit entry saying what an applied import did: the counts, the accounts created
    and updated (with what changed), and each rejected row with its reasons."""
    created = [row.email for row in plan.rows if row.action == Action.create]
    updated = [f"{row.email}: {'; '.join(row.changes)}" for row in plan.rows
               if row.action == Action.update]
    rejected = [_rejection(row) for row in plan.rows if row.action == Action.reject]
    return audit(session, action=IMPORTED, target_type="import",
                 target_label=f"{len(plan.rows)} row{'' if len(plan.rows) == 1 else 's'}",
                 details={"created": len(created), "updated": len(updated),
                          "unchanged": plan.count(Action.unchanged), "rejected": len(rejected),
                          "created accounts": created[:MAX_LISTED],
                          "updated accounts": updated[:MAX_LISTED],
                          "rejected rows": rejected[:MAX_LISTED]})


@dataclass(frozen=True)
class ImportedAccount:
    email: str
    changes: str  # what an update changed ("" for a new account)
    user: User | None  # None: the account was deleted since


@dataclass(frozen=True)
class ImportOutcome:
    at: datetime
    by: str
    created: int
    updated: int
    unchanged: int
    rejected: int
    created_accounts: list[ImportedAccount]
    updated_accounts: list[ImportedAccount]
    rejected_rows: list[str]

    @property
    def user_ids(self) -> list[int]:
        return [a.user.id for a in self.created_accounts + self.updated_accounts
                if a.user is not None and a.user.id is not None]


def _texts(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _count(value: Any) -> int:
    return value if isinstance(value, int) else 0


def outcome(session: Session, *, entry_id: int) -> ImportOutcome | None:
    """What the import recorded as audit entry ``entry_id`` did, with the accounts as they
    are now (two queries); None when that entry is not an import."""
    entry = session.get(AuditEntry, entry_id)
    if entry is None or entry.action != IMPORTED:
        return None
    details = json.loads(entry.details or "{}")
    created = _texts(details.get("created accounts"))
    updated = [text.partition(": ") for text in _texts(details.get("updated accounts"))]
    emails = created + [email for email, _, _ in updated]
    users = {u.email: u for u in session.exec(
        select(User).where(col(User.email).in_(emails)))} if emails else {}
    return ImportOutcome(
        at=entry.at, by=entry.actor_label,
        created=_count(details.get("created")), updated=_count(details.get("updated")),
        unchanged=_count(details.get("unchanged")), rejected=_count(details.get("rejected")),
        created_accounts=[ImportedAccount(e, "", users.get(e)) for e in created],
        updated_accounts=[ImportedAccount(e, changes, users.get(e)) for e, _, changes in updated],
        rejected_rows=_texts(details.get("rejected rows")))
