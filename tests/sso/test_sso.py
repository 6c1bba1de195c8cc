"""Signing in with the organisation's OpenID Connect provider, end to end over HTTP: Podium
through TestClient, the provider a real `oidc-provider` process (tests/oidc_provider.py)
whose login page `authorize()` fills in. Nothing of the protocol is mocked."""

from __future__ import annotations

import base64
import hashlib
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.db import Database
from app.invitations.service import invite
from app.mail.compose import open_content
from app.main import create_app
from app.models import (
    AuthSession,
    EmailMessage,
    Invitation,
    Role,
    SsoIdentity,
    SsoLoginRequest,
    User,
    utcnow,
)
from app.security.tokens import digest
from app.sso import provider as sso_provider
from app.sso import service
from app.sso.service import SsoRefused, validate_id_token
from tests.conftest import PASSWORD, csrf_from, login
from tests.oidc_provider import OidcProvider, authorize, issue_id_token, start_provider
from tests.sso.conftest import (
    CALLBACK,
    Podium,
    count,
    counts,
    page_text,
    provider_callback,
    query_of,
    require_node,
    same_browser,
    signed_in_name,
    sso_settings_for,
    sso_sign_in,
    start_sso,
)

DANA = "name=Dana Q. Whitfield:dana.whitfield@acme.example"
SESSION_COOKIE = "podium_session"
EXPIRED_TITLE = "This sign-in has expired"
UNVERIFIED_TITLE = "Sign-in could not be verified"


def _user(database: Database, email: str) -> User | None:
    with database.session() as session:
        return session.exec(select(User).where(User.email == email)).first()


def _pending(database: Database) -> SsoLoginRequest:
    with database.session() as session:
        return session.exec(select(SsoLoginRequest)).one()


def _assert_refused(response, status: int, title: str) -> str:  # type: ignore[no-untyped-def]
    """A refusal page: the status, the title as heading, a way back, no session."""
    assert response.status_code == status, response.text
    text = page_text(response)
    assert f"<h1>{title}</h1>" in response.text
    assert 'href="/login"' in response.text
    assert "Traceback" not in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    return text


# 1. The happy path ------------------------------------------------------------------------

def test_sign_in_creates_the_account_just_in_time_and_reuses_it(
        podium: Podium, oidc_provider: OidcProvider, database: Database) -> None:
    browser = podium.browser()
    url = start_sso(browser, "/account")

    # To the provider's authorization endpoint: code flow, PKCE S256, state and nonce.
    assert url.startswith(oidc_provider.discovery()["authorization_endpoint"] + "?")
    params = query_of(url)
    assert params["response_type"] == "code"
    assert params["client_id"] == "podium"
    assert params["redirect_uri"] == CALLBACK
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 40 and len(params["nonce"]) >= 40
    pending = _pending(database)  # the sign-in in flight is in the database, state hashed
    assert pending.state_hash == digest(params["state"]) != params["state"]
    assert pending.browser_hash == digest(browser.cookies["podium_csrf"])
    assert pending.nonce == params["nonce"]
    assert pending.next_url == "/account"
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(pending.code_verifier.encode()).digest()).rstrip(b"=").decode()
    assert params["code_challenge"] == challenge

    callback = authorize(url, DANA)
    assert query_of(callback)["state"] == params["state"]
    assert counts(database)["users"] == 0
    done = browser.get(callback)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/account"
    assert browser.cookies.get(SESSION_COOKIE)
    assert signed_in_name(browser) == "Dana"

    user = _user(database, "dana.whitfield@acme.example")
    assert user is not None
    assert (user.full_name, user.role, user.has_password) == ("Dana Q. Whitfield",
                                                              Role.executive, False)
    assert user.last_login_at is not None
    with database.session() as session:
        identity = session.exec(select(SsoIdentity)).one()
    assert (identity.user_id, identity.issuer, identity.subject, identity.email) == (
        user.id, oidc_provider.issuer, DANA, "dana.whitfield@acme.example")
    assert counts(database) == {"users": 1, "identities": 1, "sessions": 1, "requests": 0}

    # Again, in another browser: the same account, no duplicate.
    again = podium.browser()
    assert sso_sign_in(again, DANA).status_code == 303
    assert signed_in_name(again) == "Dana"
    assert counts(database) == {"users": 1, "identities": 1, "sessions": 2, "requests": 0}
    assert _user(database, "dana.whitfield@acme.example").id == user.id  # type: ignore[union-attr]


def test_next_is_kept_only_within_podium(podium: Podium, database: Database) -> None:
    browser = podium.browser()
    start_sso(browser, "https://evil.example/steal")
    assert _pending(database).next_url == "/"


# 2. The role from a claim -----------------------------------------------------------------

def test_the_role_comes_from_the_mapped_claim_else_the_default(
        make_podium: Callable[..., Podium], database: Database) -> None:
    podium = make_podium(oidc_role_claim="podium_role",
                         oidc_role_map="acme-hr=hr,acme-trainers=trainer")
    assert sso_sign_in(podium.browser(), "role=acme-hr:kim.hale@acme.example").status_code == 303
    assert sso_sign_in(podium.browser(),
                       "role=acme-sales:lee.park@acme.example").status_code == 303
    assert sso_sign_in(podium.browser(), "noor.ali@acme.example").status_code == 303
    assert _user(database, "kim.hale@acme.example").role == Role.hr  # type: ignore[union-attr]
    assert _user(database, "lee.park@acme.example").role == Role.executive  # type: ignore[union-attr]
    assert _user(database, "noor.ali@acme.example").role == Role.executive  # type: ignore[union-attr]


def test_without_a_role_claim_setting_the_claim_is_ignored(
        make_podium: Callable[..., Podium], database: Database) -> None:
    podium = make_podium(oidc_role_map="acme-hr=hr", oidc_default_role=Role.trainer)
    assert sso_sign_in(podium.browser(), "role=acme-hr:kim.hale@acme.example").status_code == 303
    assert _user(database, "kim.hale@acme.example").role == Role.trainer  # type: ignore[union-attr]


# 3. Existing accounts -----------------------------------------------------------------------

def test_an_existing_account_is_linked_by_its_verified_email_and_keeps_its_role(
        make_podium: Callable[..., Podium], make_user: Callable[..., User],
        database: Database, oidc_provider: OidcProvider) -> None:
    podium = make_podium(oidc_role_claim="podium_role", oidc_role_map="acme-hr=hr")
    trainer = make_user(Role.trainer, email="pat.lee@acme.example", full_name="Patricia Lee")
    browser = podium.browser()
    assert sso_sign_in(browser, "role=acme-hr:Pat.Lee@Acme.example").status_code == 303
    assert signed_in_name(browser) == "Patricia"
    linked = _user(database, "pat.lee@acme.example")
    assert linked is not None
    assert (linked.id, linked.role, linked.full_name) == (trainer.id, Role.trainer,
                                                          "Patricia Lee")
    with database.session() as session:
        identity = session.exec(select(SsoIdentity)).one()
    assert (identity.user_id, identity.issuer) == (trainer.id, oidc_provider.issuer)
    assert count(database, User) == 1


def test_signing_in_accepts_a_pending_invitation(
        podium: Podium, make_user: Callable[..., User], database: Database) -> None:
    admin = make_user(Role.admin)
    invitee = make_user(Role.executive, email="sam.rivera@acme.example", password=None)
    other = make_user(Role.executive, email="other@acme.example", password=None)
    with database.session(write=True) as session:
        for person in (invitee, other):
            invite(session, podium.settings, user=person, invited_by=admin)

    browser = podium.browser()
    assert sso_sign_in(browser, "sam.rivera@acme.example").status_code == 303
    assert signed_in_name(browser) is not None
    with database.session() as session:
        accepted = {i.user_id: i.accepted_at for i in session.exec(select(Invitation))}
    assert accepted[invitee.id] is not None
    assert accepted[other.id] is None  # only the person who signed in
    assert _user(database, "sam.rivera@acme.example").has_password is False  # type: ignore[union-attr]


def test_a_reassigned_address_does_not_open_the_linked_account(
        podium: Podium, database: Database) -> None:
    first = podium.browser()
    assert sso_sign_in(first, "kim.hale@acme.example").status_code == 303
    # Later the provider gives the same address to someone else (another subject).
    newcomer = podium.browser()
    response = sso_sign_in(newcomer, "name=Kim Newman:kim.hale@acme.example")
    text = _assert_refused(response, 403, "This address belongs to another account")
    assert "kim.hale@acme.example is linked to another Acme account in Podium" in text
    assert signed_in_name(newcomer) is None
    assert counts(database) == {"users": 1, "identities": 1, "sessions": 1, "requests": 0}
    assert sso_sign_in(podium.browser(), "kim.hale@acme.example").status_code == 303


def test_a_disabled_account_is_refused(podium: Podium, make_user: Callable[..., User],
                                       database: Database) -> None:
    make_user(Role.executive, email="gone@acme.example", active=False)
    response = sso_sign_in(podium.browser(), "gone@acme.example")
    _assert_refused(response, 403, "Your account is disabled")
    assert counts(database)["sessions"] == 0


# 4. No accounts made just in time -----------------------------------------------------------

def test_an_unknown_person_is_refused_when_accounts_are_not_created(
        make_podium: Callable[..., Podium], make_user: Callable[..., User],
        database: Database) -> None:
    podium = make_podium(oidc_create_users=False)
    browser = podium.browser()
    response = sso_sign_in(browser, "new.person@acme.example")
    text = _assert_refused(response, 403, "You do not have a Podium account yet")
    assert "new.person@acme.example has no account in Podium" in text
    assert "Ask your administrator to invite you." in text
    assert counts(database) == {"users": 0, "identities": 0, "sessions": 0, "requests": 0}
    assert signed_in_name(browser) is None

    # A known account still gets in with the same settings.
    make_user(Role.executive, email="known@acme.example", full_name="Known Person")
    assert sso_sign_in(browser, "known@acme.example").status_code == 303
    assert signed_in_name(browser) == "Known"


# 5. The nonce -------------------------------------------------------------------------------

def test_an_id_token_with_another_nonce_is_refused(podium: Podium,
                                                    database: Database) -> None:
    browser = podium.browser()
    url = start_sso(browser)
    with database.session(write=True) as session:
        pending = session.exec(select(SsoLoginRequest)).one()
        pending.nonce = "a-nonce-the-provider-never-saw-0123456789"
        session.add(pending)
    response = browser.get(authorize(url, DANA))
    _assert_refused(response, 400, UNVERIFIED_TITLE)
    assert signed_in_name(browser) is None
    assert counts(database) == {"users": 0, "identities": 0, "sessions": 0, "requests": 0}


# 6. The audience (and the signature) --------------------------------------------------------

def test_only_id_tokens_for_podium_signed_by_the_provider_pass(
        sso_settings, oidc_provider: OidcProvider) -> None:  # type: ignore[no-untyped-def]
    nonce = "nonce-for-the-audience-test-0123456789"
    now = utcnow()
    for_other = issue_id_token(oidc_provider, client_id=oidc_provider.other_client_id,
                               client_secret=oidc_provider.other_client_secret,
                               login=DANA, nonce=nonce)
    with pytest.raises(SsoRefused, match="aud") as refused:
        validate_id_token(sso_settings, for_other, nonce=nonce, now=now)
    assert refused.value.title == UNVERIFIED_TITLE

    for_podium = issue_id_token(oidc_provider, client_id=oidc_provider.client_id,
                                client_secret=oidc_provider.client_secret,
                                login=DANA, nonce=nonce)
    claims = validate_id_token(sso_settings, for_podium, nonce=nonce, now=now)
    assert (claims["aud"], claims["iss"], claims["sub"], claims["email"]) == (
        "podium", oidc_provider.issuer, DANA, "dana.whitfield@acme.example")

    with pytest.raises(SsoRefused, match="nonce"):
        validate_id_token(sso_settings, for_podium, nonce="another-nonce", now=now)
    header, payload, signature = for_podium.split(".")
    forged = ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(SsoRefused, match="ID token rejected"):
        validate_id_token(sso_settings, forged, nonce=nonce, now=now)


# 7. Expiry of the ID token ------------------------------------------------------------------

def test_an_expired_id_token_is_refused(database_url: str, database: Database) -> None:
    require_node()
    with start_provider(id_token_ttl=2) as short:
        settings = sso_settings_for(database_url, short.issuer)

        def sign_in(now_offset: timedelta) -> service.SignedIn:
            browser = "browser-cookie-" + str(now_offset.total_seconds())
            with database.session(write=True) as session:
                url = service.start(session, settings, browser=browser, next_url="/")
            params = query_of(authorize(url, "erin.cole@acme.example"))
            with database.session(write=True) as session:
                return service.finish(session, settings, browser=browser, params=params,
                                      now=utcnow() + now_offset)

        # Two seconds of validity and a minute of leeway: five minutes later it is stale,
        # while the sign-in in flight (ten minutes) is not.
        with pytest.raises(SsoRefused, match="ExpiredTokenError") as refused:
            sign_in(timedelta(minutes=5))
        assert refused.value.title == UNVERIFIED_TITLE
        assert _user(database, "erin.cole@acme.example") is None

        done = sign_in(timedelta(0))  # the same, used in time
        assert done.user.email == "erin.cole@acme.example" and done.created


# 8. What the claims must say ----------------------------------------------------------------

def test_an_unverified_email_is_refused(podium: Podium, database: Database) -> None:
    response = sso_sign_in(podium.browser(), "unverified:kim.hale@acme.example")
    text = _assert_refused(response, 403, "Your email address is not verified")
    assert "Acme has not verified kim.hale@acme.example" in text
    assert counts(database)["users"] == 0


def test_only_allowed_domains_sign_in(make_podium: Callable[..., Podium],
                                      database: Database) -> None:
    podium = make_podium(oidc_allowed_domains="acme.example, @acme-group.example")
    outsider = podium.browser()
    text = _assert_refused(sso_sign_in(outsider, "someone@elsewhere.example"), 403,
                           "This address cannot sign in here")
    assert "Addresses at elsewhere.example are not allowed" in text
    assert signed_in_name(outsider) is None
    assert _user(database, "someone@elsewhere.example") is None

    for login_name, first in (("ana.silva@acme.example", "Ana"),
                              ("bo.chen@acme-group.example", "Bo")):
        insider = podium.browser()
        assert sso_sign_in(insider, login_name).status_code == 303
        assert signed_in_name(insider) == first
    assert count(database, User) == 2


# 9. The provider is down --------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_provider_gives_a_clear_503(make_podium: Callable[..., Podium],
                                                   database: Database) -> None:
    podium = make_podium(oidc_issuer=f"http://127.0.0.1:{_closed_port()}")
    browser = podium.browser()
    response = browser.get("/sso/login", params={"next": "/"})
    text = _assert_refused(response, 503, "Acme sign-in is not available")
    assert "could not reach Acme's sign-in service" in text
    assert count(database, SsoLoginRequest) == 0
    assert "Sign in with Acme" in browser.get("/login").text  # the login page still works


def test_a_provider_gone_before_the_callback_gives_a_503(
        make_podium: Callable[..., Podium], database: Database) -> None:
    require_node()
    with start_provider() as doomed:
        podium = make_podium(oidc_issuer=doomed.issuer)
        browser = podium.browser()
        callback = provider_callback(browser, DANA)
        doomed.stop()
        response = browser.get(callback)
    text = _assert_refused(response, 503, "Acme sign-in is not available")
    assert "could not reach Acme's sign-in service" in text
    assert signed_in_name(browser) is None
    assert counts(database)["users"] == 0


# 10. The sign-in in flight ------------------------------------------------------------------

def test_a_callback_works_once(podium: Podium, database: Database) -> None:
    browser = podium.browser()
    callback = provider_callback(browser, DANA)
    assert browser.get(callback).status_code == 303
    replay = browser.get(callback)
    _assert_refused(replay, 400, EXPIRED_TITLE)
    stranger = podium.browser()  # nor anywhere else
    same_browser(browser, stranger)
    _assert_refused(stranger.get(callback), 400, EXPIRED_TITLE)
    assert counts(database) == {"users": 1, "identities": 1, "sessions": 1, "requests": 0}


def test_a_callback_in_another_browser_is_refused(podium: Podium, database: Database) -> None:
    victim = podium.browser()
    callback = provider_callback(victim, DANA)
    attacker = podium.browser()
    attacker.get("/login")  # a pre-session cookie of its own
    assert attacker.cookies["podium_csrf"] != victim.cookies["podium_csrf"]
    _assert_refused(attacker.get(callback), 400, EXPIRED_TITLE)
    assert signed_in_name(attacker) is None
    assert counts(database)["sessions"] == 0
    fresh = podium.browser()  # no cookie at all
    _assert_refused(fresh.get(callback), 400, EXPIRED_TITLE)


def test_an_expired_sign_in_is_refused(podium: Podium, database: Database) -> None:
    browser = podium.browser()
    url = start_sso(browser)
    with database.session(write=True) as session:
        pending = session.exec(select(SsoLoginRequest)).one()
        pending.expires_at = utcnow() - timedelta(seconds=1)
        session.add(pending)
    text = _assert_refused(browser.get(authorize(url, DANA)), 400, EXPIRED_TITLE)
    assert "Start again from the sign-in page" in text
    assert signed_in_name(browser) is None
    assert counts(database)["users"] == 0


def test_a_sign_in_cancelled_at_the_provider(podium: Podium, database: Database) -> None:
    browser = podium.browser()
    state = query_of(start_sso(browser))["state"]
    response = browser.get("/sso/callback", params={"error": "access_denied",
                                                    "error_description": "End-User aborted",
                                                    "state": state})
    text = _assert_refused(response, 400, "Sign-in was cancelled")
    assert "Acme did not sign you in. You can try again." in text
    assert counts(database) == {"users": 0, "identities": 0, "sessions": 0, "requests": 0}


def test_a_callback_naming_another_issuer_is_refused(podium: Podium,
                                                     database: Database) -> None:
    browser = podium.browser()
    callback = provider_callback(browser, DANA)
    params = query_of(callback)
    assert params["iss"] == podium.settings.oidc_issuer
    response = browser.get("/sso/callback", params={**params, "iss": "https://idp.evil.example"})
    _assert_refused(response, 400, UNVERIFIED_TITLE)
    assert counts(database) == {"users": 0, "identities": 0, "sessions": 0, "requests": 0}


def test_a_callback_without_a_state_is_refused(podium: Podium) -> None:
    _assert_refused(podium.browser().get("/sso/callback", params={"code": "x"}), 400,
                    EXPIRED_TITLE)


# 11. No sign-in state in process memory -----------------------------------------------------

def test_a_sign_in_started_on_one_process_finishes_on_another(
        podium: Podium, database: Database) -> None:
    other_process = Podium(podium.settings, create_app(podium.settings, database))
    first = podium.browser()
    callback = provider_callback(first, DANA, "/account")
    # The same browser, sent by the load balancer to the other process, whose caches are
    # empty (the only thing held in memory is the provider's public metadata).
    with other_process.browser() as second:
        same_browser(first, second)
        sso_provider._cache.clear()
        response = second.get(callback)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/account"
        assert signed_in_name(second) == "Dana"
    assert counts(database) == {"users": 1, "identities": 1, "sessions": 1, "requests": 0}


def test_people_signing_in_at_once_all_get_in(podium: Podium, database: Database) -> None:
    """Each TestClient request runs on its own event loop, like requests in separate
    processes: on SQLite a callback that read before another one wrote must still write."""
    people = 6
    browsers = [podium.browser() for _ in range(people)]
    with ThreadPoolExecutor(people) as pool:
        starts = list(pool.map(lambda b: b.get("/sso/login"), browsers))
    assert [r.status_code for r in starts] == [303] * people
    callbacks = [authorize(r.headers["location"], f"person{n}@acme.example")
                 for n, r in enumerate(starts)]
    with ThreadPoolExecutor(people) as pool:
        done = list(pool.map(lambda pair: pair[0].get(pair[1]), zip(browsers, callbacks,
                                                                       strict=True)))
    assert [r.status_code for r in done] == [303] * people, [r.text[:300] for r in done]
    assert counts(database) == {"users": people, "identities": people, "sessions": people,
                                "requests": 0}


# 12. Passwords and single sign-on -----------------------------------------------------------

def _password_login(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password, "next": "/",
                                       "csrf_token": csrf_from(client, "/login")})


def test_linked_accounts_cannot_use_a_password_when_password_login_is_off(
        make_podium: Callable[..., Podium], make_user: Callable[..., User],
        database: Database) -> None:
    podium = make_podium(oidc_password_login=False)
    make_user(Role.executive, email="linked@acme.example", full_name="Lin Ked")
    make_user(Role.executive, email="plain@acme.example", full_name="Plain Person")
    assert sso_sign_in(podium.browser(), "linked@acme.example").status_code == 303
    sessions = count(database, AuthSession)

    browser = podium.browser()
    refused = _password_login(browser, "linked@acme.example")
    assert refused.status_code == 400
    assert "Your account signs in with Acme: use “Sign in with Acme” above." in page_text(refused)
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    assert count(database, AuthSession) == sessions
    assert signed_in_name(browser) is None

    login(browser, "plain@acme.example")  # not linked: the password still works
    assert signed_in_name(browser) == "Plain"


def test_linked_accounts_keep_their_password_when_password_login_is_on(
        podium: Podium, make_user: Callable[..., User]) -> None:
    make_user(Role.executive, email="linked@acme.example", full_name="Lin Ked")
    assert sso_sign_in(podium.browser(), "linked@acme.example").status_code == 303
    browser = podium.browser()
    login(browser, "linked@acme.example")
    assert signed_in_name(browser) == "Lin"


def test_the_login_page_offers_sso_only_when_configured(podium: Podium,
                                                        client: TestClient) -> None:
    with_sso = podium.browser().get("/login", params={"next": "/account"})
    assert with_sso.status_code == 200
    assert "Sign in with Acme" in with_sso.text
    assert 'href="/sso/login?next=/account"' in with_sso.text
    without = client.get("/login")
    assert without.status_code == 200
    assert "Sign in with" not in without.text
    assert client.get("/sso/login").status_code == 404
    assert client.get("/sso/callback", params={"state": "x", "code": "y"}).status_code == 404


# 13. "Forgot your password?" --------------------------------------------------------------

def _emails(database: Database, address: str) -> list[EmailMessage]:
    with database.session() as session:
        return list(session.exec(select(EmailMessage).where(EmailMessage.to_address == address)
                                 .order_by(col(EmailMessage.id))).all())


def test_a_forgotten_password_of_an_sso_account_points_to_sso(
        make_podium: Callable[..., Podium], make_user: Callable[..., User],
        database: Database, run_jobs: Callable[..., None]) -> None:
    podium = make_podium(oidc_password_login=False)
    make_user(Role.executive, email="linked@acme.example")
    make_user(Role.executive, email="plain@acme.example")
    assert sso_sign_in(podium.browser(), "linked@acme.example").status_code == 303

    browser = podium.browser()
    for address in ("linked@acme.example", "plain@acme.example"):
        response = browser.post("/password/forgot", data={
            "email": address, "csrf_token": csrf_from(browser, "/password/forgot")})
        assert response.status_code == 200, response.text
    assert _emails(database, "linked@acme.example") == []  # the job writes it
    run_jobs(podium.settings)

    (pointer,) = _emails(database, "linked@acme.example")
    assert pointer.kind == "password-reset-sso"
    assert pointer.status == "not-sent"  # production without a mail server
    content = open_content(podium.settings, pointer)
    assert "signs in with Acme" in content.text
    assert "https://testserver/login" in content.text
    assert "/password/reset/" not in content.text + content.html
    (reset,) = _emails(database, "plain@acme.example")  # an account not linked: a link
    assert reset.kind == "password-reset"
    assert "/password/reset/" in open_content(podium.settings, reset).text


def test_starting_sign_ins_is_limited_per_client(sso_client: TestClient, database: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "STARTS_PER_CLIENT_PER_HOUR", 3)
    for _ in range(3):
        assert sso_client.get("/sso/login").status_code == 303
    refused = sso_client.get("/sso/login")
    text = _assert_refused(refused, 429, "Too many sign-ins started")
    assert "Try again in 60 minutes" in text
    assert count(database, SsoLoginRequest) == 3
