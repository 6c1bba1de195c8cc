from __future__ import annotations

from sqlmodel import col, select
from typer.testing import CliRunner

from app.admin import service
from app.cli import cli
from app.demo import DEMO_INVITEE, SAMPLE_LEARNERS
from app.models import EmailMessage, Enrolment, Invitation, Notification, Role, User
from tests.conftest import TEST_SECRET

runner = CliRunner()


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {"PODIUM_DATABASE_URL": database_url, "PODIUM_SECRET_KEY": TEST_SECRET,
           "PODIUM_ENV": "production", "PODIUM_BASE_URL": "https://testserver",
           "PODIUM_ARGON2_MEMORY_KIB": "1024",
           "PODIUM_ARGON2_TIME_COST": "1"}
    env.update(extra)
    return env


def test_users_create_reads_password_from_stdin(database, database_url, settings):
    result = runner.invoke(cli, ["users", "create", "--email", "Boss@Acme.example", "--role",
                                 "admin", "--name", "The Boss"],
                           input="a fine password\n", env=_env(database_url))
    assert result.exit_code == 0, result.output
    assert "Created boss@acme.example (admin)." in result.output
    with database.session(write=True) as s:
        from app.auth.service import authenticate

        assert authenticate(s, settings, email="boss@acme.example", password="a fine password").ok


def test_users_create_rejects_bad_input_without_creating(database, database_url):
    result = runner.invoke(cli, ["users", "create", "--email", "nope", "--role", "king"],
                           input="a fine password\n", env=_env(database_url))
    assert result.exit_code == 1
    assert "--email: Not a valid email address" in result.output
    assert "--role: Unknown role 'king'" in result.output
    short = runner.invoke(cli, ["users", "create", "--email", "a@b.example", "--role", "hr"],
                          input="short\n", env=_env(database_url))
    assert short.exit_code == 1 and "Password: Use at least 8 characters." in short.output
    with database.session() as s:
        assert s.exec(select(User)).all() == []


def test_users_import_reports_rows_and_needs_valid_only_for_partial(database, database_url,
                                                                    tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,full name,role,department,cohort\n"
                    "a@acme.example,Ann A,executive,Board,Q1\n"
                    "bad,Bad Row,executive,,\n")
    refused = runner.invoke(cli, ["users", "import", str(path)], env=_env(database_url))
    assert refused.exit_code == 1
    assert f"{path}:3: reject bad" in refused.output
    assert "Nothing was imported." in refused.output
    with database.session() as s:
        assert s.exec(select(User)).all() == []
    done = runner.invoke(cli, ["users", "import", str(path), "--valid-only"],
                         env=_env(database_url))
    assert done.exit_code == 0, done.output
    assert "Imported 1 row(s): 1 created, 0 updated, 0 unchanged, 1 rejected." in done.output
    with database.session() as s:
        user = service.get_user_by_email(s, "a@acme.example")
        assert service.cohort_names_for(s, [user.id])[user.id] == ["Q1"]


def test_demo_is_idempotent_and_development_only(database, database_url):
    refused = runner.invoke(cli, ["demo"], env=_env(database_url))
    assert refused.exit_code == 1 and "PODIUM_ENV=development" in refused.output
    dev = _env(database_url, PODIUM_ENV="development")
    first = runner.invoke(cli, ["demo"], env=dev)
    assert first.exit_code == 0, first.output
    for role in Role:
        assert f"{role.value}@demo.podium.example" in first.output
    assert "Jamie Rivera has a pending invitation" in first.output
    with database.session() as s:
        after_first = sorted((n.user_id, n.kind) for n in s.exec(select(Notification)))
        emails_first = len(s.exec(select(EmailMessage)).all())
    second = runner.invoke(cli, ["demo"], env=dev)
    assert second.exit_code == 0 and "(already there)" in second.output
    with database.session() as s:
        users = s.exec(select(User)).all()
        # one account per role, the sample executives (who cannot sign in), the invitee
        assert len(users) == 4 + len(SAMPLE_LEARNERS) + 1
        invitee = s.exec(select(User).where(User.email == DEMO_INVITEE.email)).one()
        assert invitee.password_hash is None
        [invitation] = s.exec(select(Invitation).where(Invitation.user_id == invitee.id)).all()
        assert invitation.accepted_at is None and invitation.revoked_at is None
        # notifications for every role: a digest for the trainer and the admin (a persona
        # waits for review), a weekly summary for HR and the admin, the executives'
        # enrolments; made once, however often the demo runs
        notes = sorted((n.user_id, n.kind) for n in s.exec(select(Notification)))
        assert notes == after_first
        kinds = [kind for _, kind in notes]
        assert kinds.count("review-digest") == 2 and kinds.count("programme-summary") == 2
        assert kinds.count("enrolled") == 1 + len(SAMPLE_LEARNERS)
        assert len(s.exec(select(EmailMessage)).all()) == emails_first
        samples = {sample.email for sample in SAMPLE_LEARNERS}
        assert all(u.password_hash is None for u in users if u.email in samples)
        assert len(s.exec(select(Enrolment)).all()) == 1 + len(SAMPLE_LEARNERS)
        completed = s.exec(select(Enrolment).where(col(Enrolment.completed_at).is_not(None)))
        assert len(completed.all()) == sum(1 for x in SAMPLE_LEARNERS if x.share_done == 1.0)


def test_serve_refuses_an_insecure_secret(database_url):
    result = runner.invoke(cli, ["serve"], env=_env(database_url, PODIUM_SECRET_KEY="changeme"))
    assert result.exit_code == 2
    assert "PODIUM_SECRET_KEY is missing or a placeholder" in result.output
