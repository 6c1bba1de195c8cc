from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.auth import service
from app.models import AuthSession, LoginThrottle, Role, User, utcnow
from app.security.passwords import HashParams, hash_password
from app.security.tokens import digest
from tests.conftest import PASSWORD, csrf_from, form_post, login, make_settings

GENERIC_ERROR = "That email and password do not match an active account."


def _attempt(client, email: str, password: str):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token, "next": "/"})


def test_login_shows_home_and_logout_ends_session(client, make_user, database):
    user = make_user(Role.executive, full_name="Ada Lovelace")
    login(client, user.email)
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Ada" in home.text
    assert "My courses" in home.text

    token = csrf_from(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?notice=logged-out"
    with database.session() as s:
        assert s.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all() == []
    assert client.get("/").status_code == 303


def test_session_cookie_flags_and_fresh_id_each_login(client, make_user, database):
    user = make_user()
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    first = client.cookies.get("podium_session")
    assert first and len(first) >= 43  # 256 random bits, url-safe base64
    with database.session() as s:
        ids = s.exec(select(AuthSession.id)).all()
    assert ids == [digest(first)]  # only the digest is stored

    login(client, user.email)
    second = client.cookies.get("podium_session")
    assert second != first
    with database.session() as s:
        assert s.exec(select(AuthSession.id)).all() == [digest(second)]


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    user = make_user()
    wrong = _attempt(client, user.email, "not the password")
    unknown = _attempt(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC_ERROR in wrong.text
    assert GENERIC_ERROR in unknown.text
    assert f'value="{user.email}"' in wrong.text  # what was typed is kept
    assert client.cookies.get("podium_session") is None


def test_disabled_account_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    response = _attempt(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert GENERIC_ERROR in response.text


def test_lockout_after_five_failures_even_with_right_password(client, make_user, database):
    user = make_user()
    for _ in range(5):
        assert _attempt(client, user.email, "wrong-password").status_code == 400
    response = _attempt(client, user.email, PASSWORD)
    assert response.status_code == 429  # throttled: 429 with when to try again
    assert "Too many failed attempts. Try again in 1 minute." in response.text
    assert response.headers["Retry-After"] == "30"
    with database.session() as s:
        throttle = s.get(LoginThrottle, user.email)
        assert throttle is not None and throttle.failures == 5
        assert throttle.locked_until is not None


def test_unknown_emails_are_throttled_the_same_way(client):
    for _ in range(5):
        _attempt(client, "ghost@example.com", "whatever1")
    assert "Too many failed attempts" in _attempt(client, "ghost@example.com", "x" * 8).text


def test_lockout_backs_off_exponentially_and_expires(database, settings, make_user):
    user = make_user()
    now = utcnow()
    with database.session(write=True) as s:
        for _ in range(5):
            assert not service.authenticate(s, settings, email=user.email, password="bad-pass-1",
                                            now=now).ok
    with database.session(write=True) as s:
        locked = service.authenticate(s, settings, email=user.email, password=PASSWORD, now=now)
        assert not locked.ok and locked.retry_after_seconds == 30
    later = now + timedelta(seconds=31)
    with database.session(write=True) as s:  # lock expired: one more failure doubles it
        assert not service.authenticate(s, settings, email=user.email, password="bad-pass-2",
                                        now=later).ok
        again = service.authenticate(s, settings, email=user.email, password=PASSWORD, now=later)
        assert again.retry_after_seconds == 60
    much_later = later + timedelta(hours=1)
    with database.session(write=True) as s:  # capped at 15 minutes, and success resets
        ok = service.authenticate(s, settings, email=user.email, password=PASSWORD,
                                  now=much_later)
        assert ok.ok
        assert s.get(LoginThrottle, user.email) is None


def test_lockout_is_capped_at_fifteen_minutes(database, settings):
    now = utcnow()
    with database.session(write=True) as s:
        for i in range(30):
            service.authenticate(s, settings, email="cap@example.com", password="bad-pass",
                                 now=now + timedelta(hours=i))
        row = s.get(LoginThrottle, "cap@example.com")
        assert row.locked_until - (now + timedelta(hours=29)) == timedelta(minutes=15)


def test_disabling_a_user_ends_their_sessions_at_once(client, new_client, make_user):
    executive = make_user(Role.executive)
    login(client, executive.email)
    assert client.get("/").status_code == 200

    admin_browser = new_client()
    admin = make_user(Role.admin)
    login(admin_browser, admin.email)
    response = form_post(admin_browser, f"/admin/users/{executive.id}/active", {"active": "0"})
    assert response.status_code == 303
    assert client.get("/").status_code == 303  # sent to the login page


def test_admin_password_reset_ends_sessions_and_sets_new_password(client, new_client, make_user):
    executive = make_user(Role.executive)
    login(client, executive.email)
    admin_browser = new_client()
    login(admin_browser, make_user(Role.admin).email)
    response = form_post(admin_browser, f"/admin/users/{executive.id}/password",
                         {"password": "a brand new password"})
    assert response.status_code == 303
    assert client.get("/").status_code == 303
    assert _attempt(client, executive.email, PASSWORD).status_code == 400
    login(client, executive.email, "a brand new password")


def test_own_password_change_ends_other_sessions_keeps_this_one(client, new_client, make_user):
    user = make_user()
    other = new_client()
    login(client, user.email)
    login(other, user.email)
    response = form_post(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "another good one",
        "confirm_password": "another good one"})
    assert response.status_code == 200
    assert "Your password was changed" in response.text
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 303


def test_own_password_change_errors_are_shown_next_to_fields(client, make_user):
    user = make_user()
    login(client, user.email)
    response = form_post(client, "/account/password", {
        "current_password": "wrong", "new_password": "short", "confirm_password": "other"})
    assert response.status_code == 400
    assert "This is not your current password." in response.text
    assert "Use at least 8 characters." in response.text
    assert "The two new passwords differ." in response.text
    assert client.get("/").status_code == 200  # still signed in


def test_idle_and_absolute_timeouts(database, settings, make_user):
    user = make_user()
    now = utcnow()
    with database.session(write=True) as s:
        token = service.start_session(s, settings, user=s.get(User, user.id), now=now)
    with database.session() as s:
        assert service.resolve_session(s, settings, token=token, now=now) is not None
        idle = now + timedelta(minutes=settings.session_idle_minutes + 1)
        assert service.resolve_session(s, settings, token=token, now=idle) is None
    with database.session(write=True) as s:  # stays active, but the absolute limit holds
        for hours in range(0, settings.session_absolute_hours + 1, 2):
            service.touch_session(s, session_id=digest(token), now=now + timedelta(hours=hours))
        end = now + timedelta(hours=settings.session_absolute_hours)
        assert service.resolve_session(s, settings, token=token, now=end) is None


def test_password_is_rehashed_on_login_when_parameters_change(database, database_url, make_user):
    old = make_settings(database_url, argon2_time_cost=1)
    new = make_settings(database_url, argon2_time_cost=2)
    user = make_user()
    with database.session(write=True) as s:
        u = s.get(User, user.id)
        u.password_hash = hash_password(PASSWORD, HashParams(1024, 1, 1))
    with database.session(write=True) as s:
        assert service.authenticate(s, old, email=user.email, password=PASSWORD).ok
    with database.session() as s:
        assert "t=1" in s.get(User, user.id).password_hash
    with database.session(write=True) as s:
        assert service.authenticate(s, new, email=user.email, password=PASSWORD).ok
    with database.session() as s:
        assert "t=2" in s.get(User, user.id).password_hash


def test_default_hash_parameters_are_owasp_argon2id():
    from app.config import Settings

    defaults = Settings(env="development")
    params = HashParams(defaults.argon2_memory_kib, defaults.argon2_time_cost,
                        defaults.argon2_parallelism)
    assert params == HashParams(19456, 2, 1)
    assert hash_password("long enough", params).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_length_limits(client, make_user):
    from app.security.passwords import MAX_PASSWORD_LENGTH, PasswordPolicyError, check_policy

    check_policy("x" * 8)
    check_policy("x" * MAX_PASSWORD_LENGTH)
    for bad in ("x" * 7, "x" * (MAX_PASSWORD_LENGTH + 1)):
        try:
            check_policy(bad)
        except PasswordPolicyError:
            continue
        raise AssertionError(f"accepted a password of {len(bad)} characters")
    user = make_user()
    assert _attempt(client, user.email, "y" * 2000).status_code == 400


def test_login_redirects_only_to_local_paths(client, make_user):
    user = make_user()
    for target, expected in [("/account", "/account"), ("https://evil.example/", "/"),
                             ("//evil.example/x", "/"), ("/\\evil", "/")]:
        client.cookies.clear()
        token = csrf_from(client, "/login")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                               "csrf_token": token, "next": target})
        assert response.headers["location"] == expected
