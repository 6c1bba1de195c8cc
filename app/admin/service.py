"""Managing accounts and cohorts. Used by the admin pages, the CSV import and the CLI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlmodel import Session, col, delete, select

from app.admin import forms
from app.audit.service import record as audit
from app.audit.service import user_label
from app.auth.service import revoke_user_sessions, set_password
from app.config import Settings
from app.content.keys import email_key, text_key
from app.content.paging import Paging
from app.invitations.service import InvitationState, states_for
from app.models import Cohort, CohortMember, Invitation, Role, SsoIdentity, User, utcnow
from app.security import context, events

PER_PAGE = 25


@dataclass(frozen=True)
class UserRow:
    user: User
    cohorts: list[str]
    invitation: InvitationState | None = None  # the newest invitation, if any
    sso: bool = False  # linked to the organisation's identity provider

    @property
    def status(self) -> str:
        """active | disabled | revoked | invited | expired | no-password"""
        state = self.invitation.status if self.invitation else None
        if not self.user.is_active:
            return "revoked" if state == "revoked" else "disabled"
        if self.user.has_password or self.sso:
            return "active"
        if state in ("pending", "expired"):
            return "invited" if state == "pending" else "expired"
        return "no-password"


@dataclass(frozen=True, kw_only=True)
class UserPage(Paging):
    rows: list[UserRow]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The users list's status filter (the admin's home page links to each): value → label
USER_FILTERS: dict[str, str] = {
    "invited": "Invitation not accepted",
    "disabled": "Disabled",
    "no-cohort": "Active, in no cohort",
}


def awaiting_invitation() -> ColumnElement[bool]:
    """Users whose newest invitation is neither accepted nor revoked, who are active and
    cannot sign in yet (no password, no single sign-on): pending or expired invitations."""
    newest = (select(func.max(Invitation.id)).where(Invitation.user_id == User.id)
              .correlate(User).scalar_subquery())
    return and_(col(User.is_active).is_(True), col(User.password_hash).is_(None),
                ~exists().where(SsoIdentity.user_id == User.id),
                exists().where(Invitation.id == newest, col(Invitation.accepted_at).is_(None),
                               col(Invitation.revoked_at).is_(None)))


def _status_condition(status: str) -> ColumnElement[bool] | None:
    if status == "invited":
        return awaiting_invitation()
    if status == "disabled":
        return col(User.is_active).is_(False)
    if status == "no-cohort":
        return and_(col(User.is_active).is_(True),
                    ~exists().where(CohortMember.user_id == User.id))
    return None


def list_users(session: Session, *, query: str = "", role: Role | None = None,
               cohort_id: int | None = None, status: str = "", page: int = 1,
               per_page: int = PER_PAGE) -> UserPage:
    """One page of users matching a search, with their cohorts (two queries, no N+1)."""
    conditions = []
    status_condition = _status_condition(status)
    if status_condition is not None:
        conditions.append(status_condition)
    term = query.strip().lower()
    if term:
        pattern = _like(term)
        conditions.append(or_(
            func.lower(User.email).like(pattern, escape="\\"),
            func.lower(User.full_name).like(pattern, escape="\\"),
            func.lower(func.coalesce(User.department, "")).like(pattern, escape="\\"),
        ))
    if role is not None:
        conditions.append(User.role == role)
    if cohort_id is not None:
        conditions.append(col(User.id).in_(
            select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    page = max(1, page)
    users = session.exec(
        select(User).where(*conditions).order_by(func.lower(User.full_name), User.id)
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return UserPage(rows=user_rows(session, list(users)), total=total, page=page,
                    per_page=per_page)


def user_rows(session: Session, users: list[User]) -> list[UserRow]:
    """Users with their cohorts, newest invitation and SSO link (three queries)."""
    ids = [u.id for u in users if u.id is not None]
    cohorts = cohort_names_for(session, ids)
    invitations = states_for(session, ids)
    linked = set(session.exec(select(SsoIdentity.user_id)
                              .where(col(SsoIdentity.user_id).in_(ids))).all()) if ids else set()
    return [UserRow(u, cohorts.get(u.id or 0, []), invitations.get(u.id or 0), u.id in linked)
            for u in users]


def cohort_names_for(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    if not user_ids:
        return names
    rows = session.exec(
        select(CohortMember.user_id, Cohort.name)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(col(CohortMember.user_id).in_(user_ids))
        .order_by(Cohort.name)
    ).all()
    for user_id, name in rows:
        names[user_id].append(name)
    return names


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email_key(email))).first()


@dataclass
class UserInput:
    """Raw account fields as typed; ``clean()`` fills ``errors`` per field."""

    email: str = ""
    full_name: str = ""
    role: str = Role.executive.value
    department: str = ""
    cohorts: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def clean(self, session: Session, *, existing: User | None = None) -> None:
        email, error = forms.clean_email(self.email)
        if error:
            self.errors["email"] = error
        else:
            other = get_user_by_email(session, email)
            if other is not None and (existing is None or other.id != existing.id):
                self.errors["email"] = "Another account already uses this email."
            self.email = email
        name, error = forms.clean_name(self.full_name)
        self.full_name = name
        if error:
            self.errors["full_name"] = error
        _, error = forms.clean_role(self.role)
        if error:
            self.errors["role"] = error
        department, error = forms.clean_department(self.department)
        self.department = department or ""
        if error:
            self.errors["department"] = error
        known = {c.id for c in list_cohorts(session)}
        if any(cid not in known for cid in self.cohorts):
            self.errors["cohorts"] = "Choose cohorts from the list."


def create_user(session: Session, settings: Settings, *, email: str, full_name: str,
                role: Role, department: str | None = None, password: str | None = None,
                cohort_ids: list[int] | None = None) -> User:
    """Create an account (fields already validated). Raises PasswordPolicyError."""
    user = User(email=email_key(email), full_name=full_name, role=role,
                department=department or None)
    session.add(user)
    session.flush()
    audit(session, action="account.created", target_type="user", target_id=user.id,
          target_label=user_label(user), details={"role": role.value})
    if password is not None:
        set_password(session, settings, user=user, password=password)
    if cohort_ids:
        set_user_cohorts(session, user=user, cohort_ids=cohort_ids)
    return user


def update_user(session: Session, *, user: User, email: str, full_name: str, role: Role,
                department: str | None, cohort_ids: list[int]) -> None:
    before = {"email": user.email, "name": user.full_name, "department": user.department,
              "cohorts": sorted(user_cohort_ids(session, user.id))}
    old_role = user.role
    user.email, user.full_name, user.role = email_key(email), full_name, role
    user.department = department or None
    user.updated_at = utcnow()
    session.add(user)
    set_user_cohorts(session, user=user, cohort_ids=cohort_ids)
    after = {"email": user.email, "name": user.full_name, "department": user.department,
             "cohorts": sorted(set(cohort_ids))}
    changed = {key: f"{before[key]} → {after[key]}" for key in before
               if before[key] != after[key]}
    if changed:
        audit(session, action="account.updated", target_type="user", target_id=user.id,
              target_label=user_label(user), details=changed)
    if old_role != role:
        # Pages already open were rendered for the old role; make the user sign in again.
        revoke_user_sessions(session, user_id=user.id)
        events.record(events.ROLE_CHANGED, user_id=user.id, role_from=old_role.value,
                      role_to=role.value, actor_id=context.current().user_id)
        audit(session, action=events.ROLE_CHANGED, target_type="user", target_id=user.id,
              target_label=user_label(user),
              details={"from": old_role.value, "to": role.value})
    session.flush()


def set_active(session: Session, *, user: User, active: bool) -> None:
    if user.is_active == active:
        return
    user.is_active = active
    user.updated_at = utcnow()
    session.add(user)
    if not active:
        revoke_user_sessions(session, user_id=user.id)
    event = events.ACCOUNT_ENABLED if active else events.ACCOUNT_DISABLED
    events.record(event, user_id=user.id, actor_id=context.current().user_id)
    audit(session, action=event, target_type="user", target_id=user.id,
          target_label=user_label(user))
    session.flush()


def count_active_admins(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)
                        .where(User.role == Role.admin, col(User.is_active).is_(True))).one()


def user_cohort_ids(session: Session, user_id: int) -> list[int]:
    return list(session.exec(select(CohortMember.cohort_id)
                             .where(CohortMember.user_id == user_id)).all())


def set_user_cohorts(session: Session, *, user: User, cohort_ids: list[int]) -> None:
    wanted = set(cohort_ids)
    current = set(user_cohort_ids(session, user.id))
    if current - wanted:
        session.exec(delete(CohortMember).where(
            CohortMember.user_id == user.id, col(CohortMember.cohort_id).in_(current - wanted)))
    for cohort_id in sorted(wanted - current):
        session.add(CohortMember(cohort_id=cohort_id, user_id=user.id))
    session.flush()


def add_user_to_cohorts(session: Session, *, user: User, cohort_ids: list[int]) -> None:
    current = set(user_cohort_ids(session, user.id))
    set_user_cohorts(session, user=user, cohort_ids=sorted(current | set(cohort_ids)))


# Cohorts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    members: int


def list_cohorts(session: Session) -> list[Cohort]:
    return list(session.exec(select(Cohort).order_by(Cohort.name)).all())


def list_cohorts_with_counts(session: Session) -> list[CohortRow]:
    rows = session.exec(
        select(Cohort, func.count(col(CohortMember.user_id)))
        .join(CohortMember, CohortMember.cohort_id == Cohort.id, isouter=True)
        .group_by(Cohort.id).order_by(Cohort.name)
    ).all()
    return [CohortRow(cohort, count) for cohort, count in rows]


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    return session.get(Cohort, cohort_id)


def get_cohort_by_name(session: Session, name: str) -> Cohort | None:
    """The cohort with this name, however it is written (case, accents' encoding)."""
    return session.exec(select(Cohort).where(Cohort.name_key == text_key(name))).first()


def create_cohort(session: Session, *, name: str, start_date: date | None = None) -> Cohort:
    cohort = Cohort(name=name, name_key=text_key(name), start_date=start_date)
    session.add(cohort)
    session.flush()
    audit(session, action="cohort.created", target_type="cohort", target_id=cohort.id,
          target_label=name)
    return cohort


def get_or_create_cohort(session: Session, *, name: str) -> tuple[Cohort, bool]:
    existing = get_cohort_by_name(session, name)
    if existing is not None:
        return existing, False
    return create_cohort(session, name=name), True


def update_cohort(session: Session, *, cohort: Cohort, name: str,
                  start_date: date | None) -> None:
    changes = {key: f"{old} → {new}" for key, old, new in (
        ("name", cohort.name, name), ("start date", cohort.start_date, start_date))
        if old != new}
    cohort.name, cohort.name_key, cohort.start_date = name, text_key(name), start_date
    session.add(cohort)
    session.flush()
    if changes:
        audit(session, action="cohort.changed", target_type="cohort", target_id=cohort.id,
              target_label=name, details=changes)


def delete_cohort(session: Session, *, cohort: Cohort) -> None:
    members = len(session.exec(select(CohortMember.user_id)
                               .where(CohortMember.cohort_id == cohort.id)).all())
    audit(session, action="cohort.deleted", target_type="cohort", target_id=cohort.id,
          target_label=cohort.name, details={"members": members})
    session.exec(delete(CohortMember).where(CohortMember.cohort_id == cohort.id))
    session.delete(cohort)
    session.flush()
