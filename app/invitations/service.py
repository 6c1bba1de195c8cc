"""Invitations: an admin invites a person (or every account of a CSV import); the person
follows a one-time link, sets a password and is signed in.

A person who already has an account (a password, or single sign-on) is never invited.
A resend replaces the pending link; a revoke voids it and disables the account, which
had never been used. Links expire after ``invitation_days``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.audit.service import record as audit
from app.audit.service import user_label
from app.auth.service import link_holder, new_password_errors, set_password
from app.config import Settings
from app.content import moments
from app.mail.compose import absolute, queue_email
from app.models import Invitation, SsoIdentity, User, utcnow
from app.security import events
from app.security.tokens import digest, new_token

PENDING, ACCEPTED, EXPIRED, REVOKED = "pending", "accepted", "expired", "revoked"


@dataclass(frozen=True)
class InvitationState:
    status: str  # pending | accepted | expired | revoked
    invited_at: datetime
    expires_at: datetime
    accepted_at: datetime | None

    @property
    def can_resend(self) -> bool:
        return self.status != ACCEPTED

    @property
    def can_revoke(self) -> bool:
        return self.status in (PENDING, EXPIRED)


def state_of(invitation: Invitation, now: datetime) -> InvitationState:
    if invitation.accepted_at is not None:
        status = ACCEPTED
    elif invitation.revoked_at is not None:
        status = REVOKED
    elif invitation.expires_at <= now:
        status = EXPIRED
    else:
        status = PENDING
    return InvitationState(status, invitation.created_at, invitation.expires_at,
                           invitation.accepted_at)


def states_for(session: Session, user_ids: Iterable[int],
               now: datetime | None = None) -> dict[int, InvitationState]:
    """The newest invitation of each user, as a state (users never invited are absent)."""
    ids = list(user_ids)
    if not ids:
        return {}
    now = now or utcnow()
    newest = (select(Invitation.user_id, func.max(Invitation.id).label("id"))
              .where(col(Invitation.user_id).in_(ids)).group_by(Invitation.user_id).subquery())
    rows = session.exec(select(Invitation).join(newest, newest.c.id == Invitation.id)).all()
    return {row.user_id: state_of(row, now) for row in rows}


def has_account(session: Session, *, user: User) -> bool:
    """Whether the person can already sign in (a password, or a linked SSO identity)."""
    if user.has_password:
        return True
    return session.exec(select(SsoIdentity.id).where(SsoIdentity.user_id == user.id)
                        ).first() is not None


def why_not_invite(session: Session, *, user: User, now: datetime | None = None) -> str | None:
    """The reason a person cannot get a new invitation, or None."""
    if has_account(session, user=user):
        return f"{user.email} already has an account."
    state = states_for(session, [user.id], now).get(user.id)
    if state is not None and state.status == PENDING:
        return (f"{user.email} was invited on {moments.day(state.invited_at)}; the link works "
                f"until {moments.day(state.expires_at)}. Resend it from the list of users.")
    return None


def invite(session: Session, settings: Settings, *, user: User, invited_by: User,
           now: datetime | None = None) -> Invitation:
    """Send ``user`` a new invitation (any pending one is replaced). The caller checked
    ``why_not_invite`` or chose to resend."""
    now = now or utcnow()
    _void_pending(session, user_id=user.id, now=now)
    if not user.is_active:  # a revoked invitation had disabled the account
        user.is_active, user.updated_at = True, now
        session.add(user)
    token = new_token()
    invitation = Invitation(user_id=user.id, invited_by_id=invited_by.id,
                            token_hash=digest(token), created_at=now,
                            expires_at=now + timedelta(days=settings.invitation_days))
    session.add(invitation)
    session.flush()
    audit(session, action="invitation.sent", target_type="user", target_id=user.id,
          target_label=user_label(user), details={"expires": invitation.expires_at.date()})
    expires = invitation.expires_at
    zone = moments.zone(user.time_zone, settings.time_zone)  # the recipient's
    queue_email(
        session, settings, to=user, kind="invitation",
        subject=f"{invited_by.full_name} invited you to Podium", template="invitation",
        reason=f"{invited_by.full_name} invited you to Podium",
        context={"inviter_name": invited_by.full_name, "role_label": user.role.label,
                 "accept_url": absolute(settings, f"/invitations/{token}"),
                 "expires_on": f"{moments.when(expires, zone)} ({zone.key})",
                 "sso_name": settings.oidc_organisation if settings.sso_enabled else None,
                 "login_url": absolute(settings, "/login")})
    return invitation


@dataclass(frozen=True)
class BulkResult:
    sent: int
    skipped: list[str]  # why each person was not invited


def invitable(session: Session, *, user_ids: Iterable[int]) -> list[int]:
    """Which of these people can be invited now (active, no account, nothing pending)."""
    users = session.exec(select(User).where(col(User.id).in_(list(user_ids)))
                         .order_by(User.id)).all()
    return [u.id for u in users
            if u.id is not None and u.is_active and why_not_invite(session, user=u) is None]


def invite_many(session: Session, settings: Settings, *, user_ids: Iterable[int],
                invited_by: User) -> BulkResult:
    """Invite every listed person who can be invited (the CSV import's report)."""
    sent, skipped = 0, []
    users = session.exec(select(User).where(col(User.id).in_(list(user_ids)))
                         .order_by(User.id)).all()
    for user in users:
        reason = why_not_invite(session, user=user) if user.is_active else \
            f"{user.email}: the account is disabled."
        if reason:
            skipped.append(reason)
            continue
        invite(session, settings, user=user, invited_by=invited_by)
        sent += 1
    return BulkResult(sent, skipped)


def revoke(session: Session, *, user: User, now: datetime | None = None) -> bool:
    """Void the pending (or expired) invitation. An account that was never used is
    disabled, so no other way in (a password reset, SSO) opens it. False if nothing was
    pending."""
    now = now or utcnow()
    if not _void_pending(session, user_id=user.id, now=now, include_expired=True):
        return False
    audit(session, action="invitation.revoked", target_type="user", target_id=user.id,
          target_label=user_label(user))
    if not has_account(session, user=user):
        user.is_active, user.updated_at = False, now
        session.add(user)
        from app.auth.service import revoke_user_sessions

        revoke_user_sessions(session, user_id=user.id)
    session.flush()
    return True


def _void_pending(session: Session, *, user_id: int, now: datetime,
                  include_expired: bool = False) -> int:
    conditions = [col(Invitation.user_id) == user_id, col(Invitation.accepted_at).is_(None),
                  col(Invitation.revoked_at).is_(None)]
    if not include_expired:
        conditions.append(col(Invitation.expires_at) > now)
    result = session.exec(update(Invitation).where(*conditions)  # type: ignore[call-overload]
                          .values(revoked_at=now))
    return result.rowcount or 0


# The invitee's side ----------------------------------------------------------------------

@dataclass(frozen=True)
class OpenInvitation:
    invitation: Invitation
    user: User


def find(session: Session, *, token: str, now: datetime | None = None,
         lock: bool = False) -> OpenInvitation | None:
    """The invitation a link stands for, if it can still be accepted."""
    now = now or utcnow()
    found = link_holder(session, Invitation, token=token, lock=lock)
    if found is None:
        return None
    invitation, user = found
    if state_of(invitation, now).status != PENDING or not user.is_active:
        return None
    return OpenInvitation(invitation, user)


def accept(session: Session, settings: Settings, *, found: OpenInvitation, password: str,
           confirm: str) -> dict[str, str]:
    """Set the invitee's first password; field errors, or {} when accepted."""
    errors = new_password_errors(password, confirm)
    if errors:
        return errors
    now = utcnow()
    set_password(session, settings, user=found.user, password=password,
                 event=events.INVITATION_ACCEPTED)
    found.user.last_login_at = now
    found.invitation.accepted_at = now
    session.add_all([found.user, found.invitation])
    session.flush()
    return {}


def mark_accepted(session: Session, *, user_id: int, now: datetime | None = None) -> None:
    """The person got in another way (single sign-on): a pending invitation is accepted."""
    session.exec(update(Invitation)  # type: ignore[call-overload]
                 .where(col(Invitation.user_id) == user_id,
                        col(Invitation.accepted_at).is_(None),
                        col(Invitation.revoked_at).is_(None))
                 .values(accepted_at=now or utcnow()))
