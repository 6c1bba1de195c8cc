"""'Forgot your password?': the same answer for every address, a one-time link valid for
an hour, every session ended by the reset, unused links void after any later password
change, and limits per address and per client."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.models import PasswordReset, RateLimit, Role
from tests.accounts.conftest import content_of, emails_to, link_in
from tests.conftest import PASSWORD, csrf_from, login

NEW_PASSWORD = "a new and longer phrase"


def _forgot(client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/password/forgot",
                       data={"csrf_token": csrf_from(client, "/password/forgot"),
                             "email": email})


def _reset_link(database, settings, run_jobs, email: str) -> str:  # type: ignore[no-untyped-def]
    run_jobs()
    return link_in(content_of(settings, emails_to(database, email)[-1]), "/password/reset/")


def _reset(client, path: str, password: str = NEW_PASSWORD,  # type: ignore[no-untyped-def]
           confirm: str | None = None):
    return client.post(path, data={"csrf_token": csrf_from(client, "/login"),
                                   "password": password,
                                   "confirm_password": password if confirm is None else confirm})


def _visible(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return main


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, new_client,
                                                                  make_user, database,
                                                                  run_jobs):
    user = make_user(Role.executive, email="known@acme.example")
    known = _forgot(client, "Known@Acme.example")
    unknown = _forgot(new_client(), "nobody@acme.example")
    assert known.status_code == unknown.status_code == 200
    assert _visible(known.text).replace("Known@Acme.example", "X") == \
        _visible(unknown.text).replace("nobody@acme.example", "X")
    assert "If an account uses" in known.text
    # nothing is written in the request: the job looks the address up
    assert emails_to(database, user.email) == []
    run_jobs()
    assert [e.kind for e in emails_to(database, user.email)] == ["password-reset"]
    assert emails_to(database, "nobody@acme.example") == []


def test_reset_sets_the_password_and_ends_every_session(client, new_client, make_user,
                                                        database, settings, run_jobs):
    user = make_user(Role.executive, email="known@acme.example")
    other_browser = new_client()
    login(client, user.email)
    login(other_browser, user.email)
    _forgot(new_client(), user.email)
    path = _reset_link(database, settings, run_jobs, user.email)
    with database.session() as s:
        reset = s.exec(select(PasswordReset)).one()
        assert reset.expires_at - reset.created_at == timedelta(minutes=60)
        assert path.rsplit("/", 1)[1] not in reset.token_hash
    stranger = new_client()
    form = stranger.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.text
    mismatch = _reset(stranger, path, confirm="something else")
    assert mismatch.status_code == 400 and "The two passwords differ." in mismatch.text
    done = _reset(stranger, path)
    assert done.status_code == 303 and done.headers["location"] == "/login?notice=password-changed"
    for browser in (client, other_browser):  # every session ended
        assert browser.get("/").status_code == 303
    assert _reset(new_client(), path).status_code == 400  # the link worked once
    fresh = new_client()
    refused = fresh.post("/login", data={"csrf_token": csrf_from(fresh), "email": user.email,
                                         "password": PASSWORD})
    assert refused.status_code == 400
    login(new_client(), user.email, NEW_PASSWORD)


def test_links_expire_after_an_hour(new_client, make_user, database, settings, run_jobs):
    user = make_user(Role.executive, email="known@acme.example")
    _forgot(new_client(), user.email)
    path = _reset_link(database, settings, run_jobs, user.email)
    with database.session(write=True) as s:
        reset = s.exec(select(PasswordReset)).one()
        reset.created_at -= timedelta(minutes=61)
        reset.expires_at -= timedelta(minutes=61)
        s.add(reset)
    visitor = new_client()
    page = visitor.get(path)
    assert page.status_code == 400 and "This link no longer works" in page.text
    assert _reset(visitor, path).status_code == 400
    login(new_client(), user.email, PASSWORD)  # the password stayed as it was


def test_a_later_password_change_voids_unused_links(client, new_client, make_user, database,
                                                   settings, run_jobs):
    user = make_user(Role.executive, email="known@acme.example")
    _forgot(new_client(), user.email)
    first = _reset_link(database, settings, run_jobs, user.email)
    _forgot(new_client(), user.email)
    second = _reset_link(database, settings, run_jobs, user.email)
    assert first != second
    login(client, user.email)
    changed = client.post("/account/password", data={
        "csrf_token": csrf_from(client, "/account"), "current_password": PASSWORD,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 200
    for path in (first, second):
        assert new_client().get(path).status_code == 400
    # and using one link voids the others
    _forgot(new_client(), user.email)
    third = _reset_link(database, settings, run_jobs, user.email)
    _forgot(new_client(), user.email)
    fourth = _reset_link(database, settings, run_jobs, user.email)
    assert _reset(new_client(), fourth, "yet another phrase").status_code == 303
    assert new_client().get(third).status_code == 400


def test_requests_are_limited_per_address_silently(new_client, make_user, database, run_jobs):
    user = make_user(Role.executive, email="known@acme.example")
    answers = [_forgot(new_client(), user.email) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert all("If an account uses" in a.text for a in answers)
    run_jobs()
    assert len(emails_to(database, user.email)) == 3  # reset_per_address_per_hour


def test_requests_are_limited_per_client_openly(client, make_user, database):
    for n in range(20):
        assert _forgot(client, f"person{n}@acme.example").status_code == 200
    refused = _forgot(client, "person20@acme.example")
    assert refused.status_code == 429
    assert "Too many requests from your network" in refused.text
    assert 'value="person20@acme.example"' in refused.text
    with database.session() as s:
        counters = {r.key: r.hits for r in s.exec(select(RateLimit))}
    assert counters["reset-client:testclient"] == 21


def test_disabled_accounts_get_no_link(new_client, make_user, database, run_jobs):
    user = make_user(Role.executive, email="gone@acme.example", active=False)
    assert _forgot(new_client(), user.email).status_code == 200
    run_jobs()
    assert emails_to(database, user.email) == []


def test_bad_input_is_answered_not_crashed(client, new_client):
    empty = _forgot(client, "")
    assert empty.status_code == 400 and "Enter the email address of your account." in empty.text
    huge = _forgot(new_client(), "a" * 900 + "@x.example")
    assert huge.status_code == 200
    for token in ("short", "A" * 43, "é" * 50):
        assert new_client().get(f"/password/reset/{token}").status_code == 400
    assert client.get("/login").text.count('href="/password/forgot') == 1
