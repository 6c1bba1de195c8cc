"""Invitations: an admin invites one person or a whole CSV import; the person follows a
one-time link, sets a password and lands signed in; links expire, work once, can be
resent and revoked; nobody with an account is invited again."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.invitations import service
from app.models import Invitation, Role, User, utcnow
from app.security.tokens import digest
from tests.accounts.conftest import content_of, emails_to, link_in
from tests.conftest import PASSWORD, csrf_from, form_post, login

INVITE = {"email": "Nia.Okoro@Acme.example", "full_name": "Nia Okoro", "role": "executive",
          "department": "Sales"}


def _invite(client, **overrides):  # type: ignore[no-untyped-def]
    return form_post(client, "/admin/users/invite", {**INVITE, **overrides},
                     page="/admin/users/invite")


def _user(database, email: str) -> User:
    with database.session() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        s.expunge(user)
        return user


def _invitations(database, user_id: int) -> list[Invitation]:
    with database.session() as s:
        return list(s.exec(select(Invitation).where(Invitation.user_id == user_id)
                           .order_by(Invitation.id)).all())


def test_admin_invites_and_the_person_sets_a_password(client, new_client, login_as, database,
                                                      settings):
    login_as(Role.admin)
    response = _invite(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users?notice=invited"
    person = _user(database, "nia.okoro@acme.example")
    assert (person.full_name, person.role, person.department) == ("Nia Okoro", Role.executive,
                                                                  "Sales")
    assert person.password_hash is None
    [email] = emails_to(database, "nia.okoro@acme.example")
    assert email.kind == "invitation" and email.category is None
    path = link_in(content_of(settings, email), "/invitations/")
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits
    [invitation] = _invitations(database, person.id)
    assert invitation.token_hash == digest(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    users = client.get("/admin/users").text
    assert "Invited " in users and "Resend" in users and "Revoke" in users

    invitee = new_client()
    page = invitee.get(path)
    assert page.status_code == 200
    assert "Welcome, Nia Okoro" in page.text and "nia.okoro@acme.example" in page.text
    weak = invitee.post(path, data={"csrf_token": csrf_from(invitee, path), "password": "short",
                                    "confirm_password": "short"})
    assert weak.status_code == 400
    assert "Use at least 8 characters." in weak.text
    assert _user(database, "nia.okoro@acme.example").password_hash is None
    done = invitee.post(path, data={"csrf_token": csrf_from(invitee, path),
                                    "password": PASSWORD, "confirm_password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/?notice=welcome"
    home = invitee.get(done.headers["location"])
    assert home.status_code == 200 and "Nia" in home.text
    assert "Your password is set and you are signed in." in home.text
    assert _invitations(database, person.id)[0].accepted_at is not None

    # the link works once
    again = new_client().get(path)
    assert again.status_code == 400 and "This invitation no longer works" in again.text
    listed = client.get("/admin/users?q=nia").text
    assert "Active" in listed and "invitation accepted" in listed
    # and the password is the one chosen
    fresh = new_client()
    login(fresh, "nia.okoro@acme.example", PASSWORD)


def test_nobody_is_invited_twice(client, login_as, make_user, database):
    login_as(Role.admin)
    make_user(Role.executive, email="has.account@acme.example")
    response = _invite(client, email="has.account@acme.example")
    assert response.status_code == 400
    assert "has.account@acme.example already has an account." in response.text
    assert emails_to(database, "has.account@acme.example") == []

    assert _invite(client).status_code == 303
    twice = _invite(client, full_name="Someone Else")
    assert twice.status_code == 400
    assert "was invited on" in twice.text and "Resend it from the list of users" in twice.text
    assert 'value="Someone Else"' in twice.text  # what was typed is kept
    assert len(emails_to(database, "nia.okoro@acme.example")) == 1


def test_an_imported_account_without_password_can_be_invited(client, login_as, database,
                                                             settings):
    login_as(Role.admin)
    with database.session(write=True) as s:
        from app.admin.service import create_user

        create_user(s, settings, email="nia.okoro@acme.example", full_name="N. Okoro",
                    role=Role.hr)
    assert _invite(client).status_code == 303
    person = _user(database, "nia.okoro@acme.example")
    assert (person.full_name, person.role) == ("Nia Okoro", Role.executive)
    assert len(_invitations(database, person.id)) == 1


def test_invite_form_keeps_what_was_typed_and_marks_fields(client, login_as, database):
    login_as(Role.admin)
    response = _invite(client, email="not an email", full_name="", role="boss")
    assert response.status_code == 400
    assert 'value="not an email"' in response.text
    assert "Not a valid email address" in response.text
    assert "Enter the person&#39;s full name." in response.text
    with database.session() as s:
        assert s.exec(select(User).where(User.role == Role.executive)).all() == []


def test_expired_links_do_not_work(client, new_client, login_as, make_user, database,
                                   settings):
    admin = login_as(Role.admin)
    with database.session(write=True) as s:
        from app.admin.service import create_user

        person = create_user(s, settings, email="late@acme.example", full_name="Late Comer",
                             role=Role.executive)
        service.invite(s, settings, user=person, invited_by=s.get(User, admin.id),
                       now=utcnow() - timedelta(days=7, minutes=1))
    path = link_in(content_of(settings, emails_to(database, "late@acme.example")[0]),
                   "/invitations/")
    response = new_client().get(path)
    assert response.status_code == 400 and "This invitation no longer works" in response.text
    invitee = new_client()
    post = invitee.post(path, data={"csrf_token": csrf_from(invitee, "/login"),
                                    "password": PASSWORD, "confirm_password": PASSWORD})
    assert post.status_code == 400
    assert _user(database, "late@acme.example").password_hash is None
    assert "Invitation expired" in client.get("/admin/users?q=late").text


def test_resend_replaces_the_link_and_revoke_disables(client, new_client, login_as, database,
                                                      settings, run_jobs):
    login_as(Role.admin)
    _invite(client)
    person = _user(database, "nia.okoro@acme.example")
    first = link_in(content_of(settings, emails_to(database, person.email)[0]),
                    "/invitations/")
    resend = form_post(client, f"/admin/users/{person.id}/invitation", {"back": "list"},
                       page="/admin/users")
    assert resend.status_code == 303
    assert resend.headers["location"] == "/admin/users?notice=invitation-resent"
    emails = emails_to(database, person.email)
    assert len(emails) == 2
    second = link_in(content_of(settings, emails[1]), "/invitations/")
    assert second != first
    assert new_client().get(first).status_code == 400
    assert new_client().get(second).status_code == 200

    revoke = form_post(client, f"/admin/users/{person.id}/invitation/revoke", {},
                       page=f"/admin/users/{person.id}")
    assert revoke.headers["location"] == f"/admin/users/{person.id}?notice=invitation-revoked"
    assert new_client().get(second).status_code == 400
    assert _user(database, person.email).is_active is False
    assert "Invitation revoked" in client.get("/admin/users?q=nia").text
    # a revoked invitee cannot get in by a password reset either
    other = new_client()
    other.post("/password/forgot", data={"csrf_token": csrf_from(other, "/password/forgot"),
                                         "email": person.email})
    run_jobs()
    assert [e.kind for e in emails_to(database, person.email)] == ["invitation", "invitation"]

    # inviting again re-opens the account
    form_post(client, f"/admin/users/{person.id}/invitation", {}, page="/admin/users")
    assert _user(database, person.email).is_active is True
    third = link_in(content_of(settings, emails_to(database, person.email)[-1]),
                    "/invitations/")
    assert new_client().get(third).status_code == 200


def test_resend_is_refused_for_an_account_in_use(client, login_as, make_user, database):
    login_as(Role.admin)
    person = make_user(Role.executive)
    response = form_post(client, f"/admin/users/{person.id}/invitation", {},
                         page="/admin/users")
    assert response.status_code == 400
    assert "already has an account" in response.text
    assert emails_to(database, person.email) == []
    assert form_post(client, "/admin/users/99999/invitation", {},
                     page="/admin/users").status_code == 404


def test_csv_import_then_send_invitations(client, login_as, make_user, database, settings):
    login_as(Role.admin)
    make_user(Role.executive, email="already@acme.example")
    csv = ("email,full name,role,department,cohort\n"
           "one@acme.example,One Person,executive,Sales,Leaders 2027\n"
           "two@acme.example,Two Person,hr,People,\n"
           "already@acme.example,Already Here,executive,Board,Leaders 2027\n")
    token = csrf_from(client, "/admin/users/import")
    imported = client.post("/admin/users/import", data={"csrf_token": token},
                           files={"file": ("people.csv", csv.encode(), "text/csv")})
    assert imported.status_code == 303
    report = client.get(imported.headers["location"])
    assert report.status_code == 200
    assert "Send 2 invitations" in report.text
    ids = _user(database, "one@acme.example").id, _user(database, "two@acme.example").id
    assert f'value="{ids[0]},{ids[1]}"' in report.text
    already = _user(database, "already@acme.example").id
    sent = form_post(client, "/admin/users/import/invite",
                     {"user_ids": f"{ids[0]},{ids[1]},{already}"}, page="/admin/users/import")
    assert sent.status_code == 200
    assert "2 invitations sent." in sent.text
    assert "already@acme.example already has an account." in sent.text
    assert len(emails_to(database, "one@acme.example")) == 1
    assert len(emails_to(database, "two@acme.example")) == 1
    assert emails_to(database, "already@acme.example") == []
    # sending again invites nobody twice
    again = form_post(client, "/admin/users/import/invite", {"user_ids": f"{ids[0]}"},
                      page="/admin/users/import")
    assert "0 invitations sent." in again.text and "was invited on" in again.text
    bad = form_post(client, "/admin/users/import/invite", {"user_ids": "²,x,-1"},
                    page="/admin/users/import")
    assert bad.status_code == 400


def test_only_admins_invite(client, login_as, database):
    login_as(Role.trainer)
    assert client.get("/admin/users/invite").status_code == 403
    assert _invite(client).status_code == 403
    with database.session() as s:
        assert s.exec(select(Invitation)).all() == []


def test_invitation_pages_are_not_cached_by_token_guessing(new_client):
    visitor = new_client()
    for token in ("x", "A" * 43, "../../admin", "%00" * 10):
        response = visitor.get(f"/invitations/{token}")
        assert response.status_code in (400, 404)
        assert "This invitation no longer works" in response.text or response.status_code == 404
