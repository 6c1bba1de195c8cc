"""Emails leave through a real SMTP server on loopback: STARTTLS and login, both parts,
the headers of who, what and how to unsubscribe; an outage loses nothing; a refusal is
recorded; content is sealed at rest."""

from __future__ import annotations

import datetime
import time

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.config import parse_smtp_url
from app.invitations.service import invite
from app.mail import transport
from app.mail.compose import queue_email
from app.models import EmailMessage, Role, User
from app.notifications.service import notify
from tests.conftest import make_settings


def _emails(database) -> list[EmailMessage]:
    with database.session() as s:
        return list(s.exec(select(EmailMessage).order_by(EmailMessage.id)).all())


def _invite(database, settings, make_user, *, email="new.person@acme.example") -> User:
    admin = make_user(Role.admin, full_name="Robin <Admin> & Co")
    with database.session(write=True) as s:
        from app.admin.service import create_user

        person = create_user(s, settings, email=email, full_name="Nia Okoro",
                             role=Role.executive)
        invite(s, settings, user=person, invited_by=s.get(User, admin.id))
    return person


def test_invitation_arrives_over_starttls_with_both_parts(database, smtp, smtp_settings,
                                                          make_user, run_jobs):
    _invite(database, smtp_settings, make_user)
    assert smtp.received == []  # queued in the transaction, sent by the job
    run_jobs(smtp_settings)
    [got] = smtp.wait_for(1)
    message = got.message
    assert got.recipients == ["new.person@acme.example"]
    assert message["To"] == "Nia Okoro <new.person@acme.example>"
    assert message["From"] == "Podium <podium@testserver>"
    assert message["Subject"] == "Robin <Admin> & Co invited you to Podium"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = got.part("plain"), got.part("html")
    link = next(word for word in plain.split() if "/invitations/" in word)
    assert link.startswith("https://testserver/invitations/")
    assert len(link.rsplit("/", 1)[1]) >= 43  # 256 random bits, base64url
    assert link in html
    # who it is for and why, in both parts; user text escaped in HTML
    assert "This email is for Nia Okoro <new.person@acme.example>" in plain
    assert "because Robin <Admin> & Co invited you to Podium" in plain
    assert "Robin &lt;Admin&gt; &amp; Co" in html and "<Admin>" not in html
    # an account email carries no unsubscribe (it is not a category one can leave)
    assert message["List-Unsubscribe"] is None
    [email] = _emails(database)
    assert (email.status, email.transport, email.attempts) == ("sent", "smtp", 1)
    assert message["Message-ID"] == email.message_id


def test_notification_email_has_one_click_unsubscribe_headers(database, smtp, smtp_settings,
                                                              make_user, run_jobs):
    person = make_user(Role.executive, full_name="Ada Lovelace")
    with database.session(write=True) as s:
        notify(s, user_id=person.id, kind="certificate",
               params={"course": "Leading on social", "code": "ABCD-EFGH-IJKL-MNOP"},
               link="/courses/leading/certificate")
    run_jobs(smtp_settings)
    [got] = smtp.wait_for(1)
    unsubscribe = got.message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://testserver/unsubscribe/") and unsubscribe[-1] == ">"
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = got.part("plain")
    assert "https://testserver/courses/leading/certificate" in plain
    assert unsubscribe[1:-1] in plain and unsubscribe[1:-1] in got.part("html")
    assert "https://testserver/account/notifications" in plain
    # every link in the email points at the configured public address
    links = [w for w in plain.split() if "://" in w]
    assert links and all(w.startswith("https://testserver/") for w in links)


def test_plain_relay_on_this_machine(database, database_url, make_user, run_jobs, tmp_path):
    from tests.smtp_server import SmtpServer

    relay = SmtpServer().start()
    try:
        settings = make_settings(database_url, smtp_url=relay.url)
        _invite(database, settings, make_user)
        run_jobs(settings)
        assert len(relay.wait_for(1)) == 1
    finally:
        relay.stop()


def test_content_is_sealed_at_rest(database, settings, make_user):
    _invite(database, settings, make_user)
    with database.engine.connect() as conn:
        stored = conn.execute(text("SELECT content, subject FROM email_message")).one()
    assert "invitations/" not in stored.content and "Nia" not in stored.content
    assert stored.subject == "Robin <Admin> & Co invited you to Podium"


def test_an_outage_loses_nothing_and_sends_once(database, smtp, smtp_settings, make_user,
                                                run_jobs):
    smtp.stop()  # the mail server is down
    _invite(database, smtp_settings, make_user)
    run_jobs(smtp_settings)
    [email] = _emails(database)
    assert (email.status, email.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in (email.last_error or "")
    run_jobs(smtp_settings)  # the retry waits (1 s here): nothing happens yet
    assert _emails(database)[0].attempts == 1
    smtp.start()  # back up
    time.sleep(1.2)
    run_jobs(smtp_settings)
    [got] = smtp.wait_for(1)
    [email] = _emails(database)
    assert (email.status, email.attempts) == ("sent", 2)
    assert got.message["Message-ID"] == email.message_id
    run_jobs(smtp_settings)
    assert len(smtp.received) == 1


def test_permanent_refusal_is_recorded_and_not_retried(database, smtp, smtp_settings, make_user,
                                                       run_jobs):
    smtp.handler.reply = "550 5.1.1 No such mailbox"
    _invite(database, smtp_settings, make_user)
    run_jobs(smtp_settings)
    [email] = _emails(database)
    assert email.status == "failed" and email.attempts == 1
    assert email.last_error is not None and email.last_error.startswith("550")
    _assert_no_job_waits(database)


def test_temporary_refusals_stop_after_the_last_attempt(database, database_url, smtp,
                                                        make_user, run_jobs):
    smtp.handler.reply = "451 4.3.0 Try again later"
    settings = make_settings(database_url, smtp_url=smtp.url, smtp_ca_file=smtp.ca_file,
                             mail_retry_base_seconds=1, mail_max_attempts=2)
    _invite(database, settings, make_user)
    run_jobs(settings)
    assert _emails(database)[0].status == "queued"
    time.sleep(1.2)
    run_jobs(settings)
    [email] = _emails(database)
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.last_error is not None and email.last_error.startswith("451")
    assert smtp.received == []
    _assert_no_job_waits(database)


def test_wrong_login_is_retried_not_lost(database, database_url, smtp, make_user, run_jobs):
    settings = make_settings(database_url, smtp_url=smtp.url.replace("mail-pass", "nope"),
                             smtp_ca_file=smtp.ca_file, mail_retry_base_seconds=1)
    _invite(database, settings, make_user)
    run_jobs(settings)
    [email] = _emails(database)
    assert email.status == "queued" and email.last_error.startswith("535")


def test_an_untrusted_certificate_is_refused(database, database_url, smtp, make_user,
                                             run_jobs):
    settings = make_settings(database_url, smtp_url=smtp.url)  # no CA file for the cert
    _invite(database, settings, make_user)
    run_jobs(settings)
    [email] = _emails(database)
    assert email.status == "queued" and "SSLCertVerificationError" in email.last_error
    assert smtp.received == []


def test_without_a_mail_server(database, database_url, make_user, run_jobs):
    production = make_settings(database_url)
    _invite(database, production, make_user)
    run_jobs(production)
    assert [(e.status, e.transport) for e in _emails(database)] == [("not-sent", None)]
    development = make_settings(database_url, env="development")
    _invite(database, development, make_user, email="other@acme.example")
    run_jobs(development)
    assert [(e.status, e.transport) for e in _emails(database)][-1] == ("sent", "mailbox")


def test_header_values_stay_on_one_line():
    message = transport.build_message(
        sender="Podium <p@x.example>", to_address="a@x.example", to_name="Eve\r\nBcc: x@y",
        subject="Hi\nBcc: x@y", text="t", html="<p>t</p>", message_id="<1@x>",
        date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        unsubscribe_url=None)
    assert message["Subject"] == "Hi Bcc: x@y" and message["Bcc"] is None
    assert message["To"] == '"Eve Bcc: x@y" <a@x.example>'


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://u:p%40ss@mail.example.com", ("mail.example.com", 587, "starttls", "u", "p@ss")),
    ("smtps://mail.example.com", ("mail.example.com", 465, "tls", None, None)),
    ("smtp+plain://localhost", ("localhost", 25, "none", None, None)),
])
def test_smtp_urls(url, expected):
    config = parse_smtp_url(url)
    assert (config.host, config.port, config.security, config.username,
            config.password) == expected


def queue_for_test(database, settings, user_id: int, n: int) -> None:
    with database.session(write=True) as s:
        user = s.get(User, user_id)
        for i in range(n):
            queue_email(s, settings, to=user, kind="test", subject=f"Message {i}",
                        template="notification", reason="this is a test",
                        context={"paragraphs": [f"Number {i}."], "facts": [],
                                 "action_label": "Open", "action_url": "https://testserver/"})


def _assert_no_job_waits(database) -> None:
    with database.engine.connect() as conn:
        if database.is_sqlite:
            rows = conn.execute(text("SELECT status FROM local_job")).scalars().all()
            assert "todo" not in rows
        else:
            rows = conn.execute(text("SELECT status FROM procrastinate_jobs "
                                     "WHERE task_name = 'send_email'")).scalars().all()
            assert "todo" not in rows and "doing" not in rows


def test_queue_for_test_writes_each_email_once(database, settings, make_user):
    person = make_user(Role.executive)
    queue_for_test(database, settings, person.id, 3)
    emails = _emails(database)
    assert [e.subject for e in emails] == ["Message 0", "Message 1", "Message 2"]
    assert len({e.message_id for e in emails}) == 3


def test_the_admins_mailbox_is_paged(client, login_as, database, settings, make_user):
    login_as(Role.admin)
    for n in range(51):
        _invite(database, settings, make_user, email=f"person{n}@acme.example")
    first = client.get("/admin/mailbox", params={"status": "queued"})
    assert first.status_code == 200
    assert "Page 1 of 2" in first.text
    assert 'href="/admin/mailbox?status=queued&amp;page=2" rel="next">Older →' in first.text
    second = client.get("/admin/mailbox", params={"status": "queued", "page": "2"})
    assert "Page 2 of 2" in second.text and 'rel="prev">← Newer' in second.text
