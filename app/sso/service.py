"""Signing in through the organisation's identity provider: the authorization code flow
with PKCE, state and nonce (Authlib), the ID token checked against the provider's keys,
issuer, audience, expiry and nonce, and the account it stands for.

The sign-in in flight (state, nonce, PKCE verifier) is a database row bound to the
browser that started it, so the provider may send the browser back to any app process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx2
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.admin import forms
from app.config import Settings
from app.invitations.service import mark_accepted
from app.models import Role, SsoIdentity, SsoLoginRequest, User, utcnow
from app.security import ratelimit
from app.security.tokens import digest, new_token
from app.sso.provider import ProviderUnavailable, jwks, metadata

REQUEST_MINUTES = 10
STARTS_PER_CLIENT_PER_HOUR = 120  # each start writes a row until it expires
LEEWAY_SECONDS = 60
SCOPES = "openid email profile"
# When a person's claim maps to several roles, the one with the most access wins.
ROLE_PRECEDENCE = (Role.admin, Role.hr, Role.trainer, Role.executive)


class SsoRefused(Exception):
    """Sign-in cannot go on; ``title`` and ``message`` are shown to the person."""

    def __init__(self, title: str, message: str, *, status_code: int = 400,
                 log_reason: str | None = None) -> None:
        super().__init__(log_reason or title)
        self.title, self.message, self.status_code = title, message, status_code


def redirect_uri(settings: Settings) -> str:
    return settings.public_url + "/sso/callback"


def _client(settings: Settings) -> OAuth2Client:
    assert settings.oidc_client_secret is not None
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        scope=SCOPES, redirect_uri=redirect_uri(settings), code_challenge_method="S256",
        timeout=settings.oidc_timeout_seconds)


def start(session: Session, settings: Settings, *, browser: str, next_url: str,
          client: str = "", now: datetime | None = None) -> str:
    """Record a sign-in for this browser and return the provider's address to go to.
    Raises ProviderUnavailable, or SsoRefused when this client started too many."""
    now = now or utcnow()
    endpoint = metadata(settings)["authorization_endpoint"]  # before any write
    verdict = ratelimit.hit(session, f"sso-start:{client}", limit=STARTS_PER_CLIENT_PER_HOUR,
                            window=timedelta(hours=1), now=now)
    if not verdict.allowed:
        minutes = (verdict.retry_after_seconds + 59) // 60
        raise SsoRefused("Too many sign-ins started",
                         f"Too many sign-ins were started from your network. Try again in "
                         f"{minutes} minute{'s' if minutes != 1 else ''}.", status_code=429,
                         log_reason=f"client {client} over the limit")
    state, nonce, verifier = new_token(), new_token(), new_token() + new_token()[:20]
    session.add(SsoLoginRequest(state_hash=digest(state), browser_hash=digest(browser),
                                nonce=nonce, code_verifier=verifier, next_url=next_url,
                                created_at=now,
                                expires_at=now + timedelta(minutes=REQUEST_MINUTES)))
    session.flush()
    with _client(settings) as oauth:
        url, _ = oauth.create_authorization_url(endpoint, state=state, nonce=nonce,
                                                code_verifier=verifier)
    return url


@dataclass(frozen=True)
class SignedIn:
    user: User
    next_url: str
    created: bool  # a new account, made just in time


def finish(session: Session, settings: Settings, *, browser: str, params: dict[str, str],
           now: datetime | None = None) -> SignedIn:
    """Complete the sign-in the provider sent the browser back with. Raises SsoRefused or
    ProviderUnavailable."""
    now = now or utcnow()
    pending = _take_request(session, state=params.get("state", ""), browser=browser, now=now)
    if params.get("error"):
        if params["error"] in ("access_denied", "login_required", "consent_required"):
            raise SsoRefused("Sign-in was cancelled",
                             f"{settings.oidc_organisation} did not sign you in. You can try "
                             "again.", log_reason=f"provider error {params['error']}")
        raise SsoRefused("Sign-in did not work",
                         f"{settings.oidc_organisation} refused the sign-in. If it happens "
                         "again, tell your administrator.",
                         log_reason=f"provider error {params['error']}")
    meta = metadata(settings)
    if params.get("iss") and params["iss"].rstrip("/") != meta["issuer"].rstrip("/"):
        raise _untrusted("the callback names another issuer")
    if not params.get("code"):
        raise _untrusted("no authorization code")
    try:
        with _client(settings) as client:
            token = client.fetch_token(meta["token_endpoint"], code=params["code"],
                                       code_verifier=pending.code_verifier,
                                       grant_type="authorization_code")
    except OAuth2Error as exc:
        raise _untrusted(f"token endpoint refused the code: {exc.error}") from exc
    except (httpx2.HTTPError, ValueError) as exc:  # unreachable, 5xx, or not JSON
        raise ProviderUnavailable(f"token endpoint: {type(exc).__name__}") from exc
    if not isinstance(token.get("id_token"), str):
        raise _untrusted("no ID token")
    claims = validate_id_token(settings, token["id_token"], nonce=pending.nonce, now=now,
                               access_token=token.get("access_token"))
    user, created = _account(session, settings, claims, now=now)
    return SignedIn(user, pending.next_url, created)


def _take_request(session: Session, *, state: str, browser: str,
                  now: datetime) -> SsoLoginRequest:
    """The sign-in this callback answers, removed so it can be used once."""
    row = session.get(SsoLoginRequest, digest(state)) if state else None
    if row is not None:
        session.delete(row)
        session.flush()
    if row is None or row.expires_at <= now or row.browser_hash != digest(browser):
        raise SsoRefused(
            "This sign-in has expired",
            "The sign-in took too long, was already completed, or was started in another "
            "browser. Start again from the sign-in page.",
            log_reason="unknown, expired or foreign state")
    return row


def _untrusted(reason: str) -> SsoRefused:
    return SsoRefused("Sign-in could not be verified",
                      "Podium could not verify the answer from your organisation's sign-in "
                      "service, so you are not signed in. Try again; if it happens again, "
                      "tell your administrator.", log_reason=reason)


def validate_id_token(settings: Settings, id_token: str, *, nonce: str, now: datetime,
                      access_token: str | None = None) -> dict[str, Any]:
    """The ID token's claims, once its signature (the provider's JWKS), issuer, audience,
    expiry, issue time and nonce are checked. Raises SsoRefused."""
    meta = metadata(settings)
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in algorithms if a != "none"]
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(id_token, KeySet.import_key_set(jwks(settings)),
                                 registry=registry)
        except JoseError:  # perhaps the provider rotated its keys: fetch them once more
            decoded = jwt.decode(id_token,
                                 KeySet.import_key_set(jwks(settings, refresh=True)),
                                 registry=registry)
        claims = CodeIDToken(
            decoded.claims, decoded.header,
            {"iss": {"essential": True, "value": meta["issuer"]},
             "aud": {"essential": True, "value": settings.oidc_client_id or ""}},
            {"nonce": nonce, "client_id": settings.oidc_client_id,
             "access_token": access_token})
        claims.validate(now=int(now.timestamp()), leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError) as exc:
        raise _untrusted(f"ID token rejected: {type(exc).__name__}: {exc}") from exc
    if not claims.get("nonce"):
        raise _untrusted("ID token rejected: no nonce")
    return dict(claims)


def _account(session: Session, settings: Settings, claims: dict[str, Any], *,
             now: datetime) -> tuple[User, bool]:
    """The Podium account for these claims: linked before, linked now by a verified
    email (unless another identity at this provider is linked to it), or created just in
    time (when allowed)."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    raw_email = claims.get("email")
    email, error = forms.clean_email(raw_email if isinstance(raw_email, str) else "")
    if error:
        raise SsoRefused("Your email address is missing",
                         f"{settings.oidc_organisation} did not give Podium a valid email "
                         "address for you, so Podium cannot tell who you are. Ask your "
                         "administrator.", status_code=403, log_reason="no usable email")
    if claims.get("email_verified") is not True:
        raise SsoRefused("Your email address is not verified",
                         f"{settings.oidc_organisation} has not verified {email}, so Podium "
                         "cannot sign you in with it. Verify it there first, or ask your "
                         "administrator.", status_code=403, log_reason="email not verified")
    domain = email.rpartition("@")[2]
    if settings.allowed_domains and domain not in settings.allowed_domains:
        raise SsoRefused("This address cannot sign in here",
                         f"Addresses at {domain} are not allowed to sign in to this Podium.",
                         status_code=403, log_reason=f"domain {domain} not allowed")

    identity = session.exec(select(SsoIdentity).where(SsoIdentity.issuer == issuer,
                                                      SsoIdentity.subject == subject)).first()
    created = False
    if identity is not None:
        user = session.get(User, identity.user_id)
        assert user is not None
    else:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is not None and _linked_to_another(session, user=user, issuer=issuer):
            # The provider says this is someone else (another subject) with the address
            # of a linked account: a reassigned address must not open the old account.
            raise SsoRefused("This address belongs to another account",
                             f"{email} is linked to another {settings.oidc_organisation} "
                             "account in Podium, so Podium cannot sign you in with it. Ask "
                             "your administrator.", status_code=403,
                             log_reason=f"user {user.id} is linked to another subject")
        if user is None:
            if not settings.oidc_create_users:
                raise SsoRefused("You do not have a Podium account yet",
                                 f"{email} has no account in Podium, and accounts are not "
                                 "created at first sign-in here. Ask your administrator to "
                                 "invite you.", status_code=403, log_reason="unknown user")
            try:
                with session.begin_nested():  # the same person may sign in twice at once
                    user = _create(session, settings, email=email, claims=claims, now=now)
                    session.add(SsoIdentity(user_id=user.id, issuer=issuer, subject=subject,
                                            email=email, created_at=now))
                    session.flush()
                created = True
            except IntegrityError:  # the other sign-in created the account first: use it
                user = None
            identity = session.exec(select(SsoIdentity).where(
                SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)).first()
            if identity is not None:
                user = session.get(User, identity.user_id)
            if identity is None or user is None:
                raise SsoRefused("Sign-in did not finish",
                                 "Your account was being set up by another sign-in at the "
                                 "same moment. Sign in again.", status_code=409,
                                 log_reason="concurrent first sign-in")
        else:
            identity = SsoIdentity(user_id=user.id, issuer=issuer, subject=subject,
                                   email=email, created_at=now)
    if not user.is_active:
        raise SsoRefused("Your account is disabled",
                         "Your Podium account has been disabled. Ask your administrator.",
                         status_code=403, log_reason="account disabled")
    identity.email, identity.last_login_at = email, now
    user.last_login_at = now
    session.add_all([identity, user])
    session.flush()
    mark_accepted(session, user_id=user.id, now=now)
    return user, created


def _linked_to_another(session: Session, *, user: User, issuer: str) -> bool:
    """Whether the account is linked to an identity at this provider (necessarily another
    subject than the one signing in: that one was looked up first)."""
    return session.exec(select(SsoIdentity.id).where(SsoIdentity.user_id == user.id,
                                                     SsoIdentity.issuer == issuer)
                        ).first() is not None


def _create(session: Session, settings: Settings, *, email: str, claims: dict[str, Any],
            now: datetime) -> User:
    from app.admin.service import create_user

    name, error = forms.clean_name(str(claims.get("name") or "").strip()
                                   or " ".join(str(claims.get(k) or "") for k in
                                               ("given_name", "family_name")).strip())
    if error:
        name = email.split("@")[0].replace(".", " ").title()[:forms.MAX_NAME]
    return create_user(session, settings, email=email, full_name=name,
                       role=role_from_claims(settings, claims))


def role_from_claims(settings: Settings, claims: dict[str, Any]) -> Role:
    """The role the configured claim gives, else the default role. With a role map, only
    mapped values count; without one, a value that is exactly a role's name (``hr``), so
    a group merely called "Admin" at the provider never makes anyone a Podium admin."""
    if not settings.oidc_role_claim:
        return settings.oidc_default_role
    raw = claims.get(settings.oidc_role_claim)
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    mapping = settings.role_map or {role.value: role for role in Role}
    found = {mapping[value] for value in values if isinstance(value, str) and value in mapping}
    for role in ROLE_PRECEDENCE:
        if role in found:
            return role
    return settings.oidc_default_role


__all__ = ["ProviderUnavailable", "SignedIn", "SsoRefused", "finish", "start"]
