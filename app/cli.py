"""The ``podium`` command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlmodel import Session

from app.config import Settings, database_url_from_env

if TYPE_CHECKING:
    from app.questions.spec import Question

cli = typer.Typer(help="Podium: executive social-media enablement.", no_args_is_help=True,
                  add_completion=False)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
users_cli = typer.Typer(help="Accounts.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
courses_cli = typer.Typer(help="Course packages.", no_args_is_help=True)
quizzes_cli = typer.Typer(help="Quizzes in Moodle GIFT and Moodle XML files.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
cli.add_typer(courses_cli, name="courses")
cli.add_typer(quizzes_cli, name="quizzes")
reports_cli = typer.Typer(help="Completion reports for HR systems.", no_args_is_help=True)
cli.add_typer(reports_cli, name="reports")


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.secho(f"Configuration error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc


@contextmanager
def _transaction(settings: Settings) -> Iterator[Session]:
    """One write transaction on a database opened (and closed) for this command."""
    from app.db import Database

    database = Database(settings.database_url)
    try:
        with database.session(write=True) as session:
            yield session
    finally:
        database.dispose()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the database schema."""
    from app.migrate import upgrade

    upgrade(database_url_from_env(), revision)
    typer.echo(f"Database is at revision {revision}.")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION (use 'base' for an empty database)."""
    from app.migrate import downgrade

    downgrade(database_url_from_env(), revision)
    typer.echo(f"Database is at revision {revision}.")


def _read_password(confirm: bool = True) -> str:
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Email address (the login).")],
    role: Annotated[str, typer.Option(help="executive, trainer, hr or admin.")],
    full_name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
    department: Annotated[str, typer.Option(help="Department.")] = "",
) -> None:
    """Create an account. The password is read from a prompt, or from stdin when piped."""
    from app.admin import forms, service
    from app.security.passwords import PasswordPolicyError, check_policy

    settings = _settings()
    problems = []
    clean_email, error = forms.clean_email(email)
    if error:
        problems.append(f"--email: {error}")
    clean_role, error = forms.clean_role(role)
    if error:
        problems.append(f"--role: {error}")
    name, error = forms.clean_name(full_name or email.split("@")[0])
    if error:
        problems.append(f"--name: {error}")
    dept, error = forms.clean_department(department)
    if error:
        problems.append(f"--department: {error}")
    if problems:
        for p in problems:
            typer.secho(p, err=True, fg="red")
        raise typer.Exit(1)
    password = _read_password()
    try:
        check_policy(password)
    except PasswordPolicyError as exc:
        typer.secho(f"Password: {exc}", err=True, fg="red")
        raise typer.Exit(1) from exc
    with _transaction(settings) as session:
        if service.get_user_by_email(session, clean_email) is not None:
            typer.secho(f"--email: an account with {clean_email} already exists.", err=True,
                        fg="red")
            raise typer.Exit(1)
        assert clean_role is not None
        user = service.create_user(session, settings, email=clean_email, full_name=name,
                                   role=clean_role, department=dept, password=password)
        typer.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("import")
def users_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    valid_only: Annotated[bool, typer.Option(
        "--valid-only", help="Import the valid rows even when some rows are rejected.")] = False,
) -> None:
    """Import or update accounts from a CSV file (email, full name, role, department, cohort)."""
    from app.admin import importer

    settings = _settings()
    text, error = importer.decode_upload(file.read_bytes(), limit=settings.max_csv_bytes)
    if error:
        typer.secho(f"{file}: {error}", err=True, fg="red")
        raise typer.Exit(1)
    with _transaction(settings) as session:
        plan = importer.plan_import(session, text)
        for message in plan.file_errors:
            typer.secho(f"{file}: {message}", err=True, fg="red")
        for row in plan.rows:
            detail = "; ".join(row.reasons or row.changes)
            line = f"{file}:{row.line}: {row.action.value} {row.email}"
            if detail:
                line += f" ({detail})"
            typer.secho(line, err=row.action == "reject",
                        fg="red" if row.action == "reject" else None)
        if plan.file_errors or (plan.rejected and not valid_only):
            typer.secho("Nothing was imported." + (" Fix the rows above, or use --valid-only."
                                                  if plan.rejected else ""), err=True, fg="red")
            raise typer.Exit(1)
        done = importer.apply_import(session, settings, plan, valid_only=valid_only)
    typer.echo(f"Imported {done} row(s): {plan.count('create')} created, "
               f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged, "
               f"{plan.rejected} rejected.")


def _load_or_exit(path: Path):  # type: ignore[no-untyped-def]
    from app.courses.package import load_package
    from app.courses.spec import PackageError

    try:
        return load_package(path)
    except PackageError as exc:
        for problem in exc.problems:
            typer.secho(str(problem), err=True, fg="red")
        typer.secho(f"{len(exc.problems)} problem(s) found; nothing was changed.", err=True,
                    fg="red")
        raise typer.Exit(1) from exc


@courses_cli.command("check")
def courses_check(path: Annotated[Path, typer.Argument(help="A course folder.")]) -> None:
    """Validate a course package and report every problem as file:line: message."""
    from app.courses.package import package_warnings

    spec = _load_or_exit(path)
    for warning in package_warnings(path):
        typer.secho(f"{warning} (warning)", err=True, fg="yellow")
    lessons = sum(len(m.lessons) for m in spec.modules)
    typer.echo(f"{path}: OK ({len(spec.modules)} modules, {lessons} lessons).")


@courses_cli.command("import")
def courses_import(path: Annotated[Path, typer.Argument(help="A course folder.")]) -> None:
    """Load or update a course from its package, in one transaction."""
    from app.authoring.publishing import record

    spec = _load_or_exit(path)
    with _transaction(_settings()) as session:
        published = record(session, spec, author=None,
                           message=f"Imported with podium courses import {path.name}")
    typer.echo(published.report.summary())


@courses_cli.command("export")
def courses_export(
    slug: Annotated[str, typer.Argument(help="The course slug.")],
    directory: Annotated[Path, typer.Argument(help="Where to write the package folder.")],
) -> None:
    """Write a course back as a package folder DIRECTORY/SLUG."""
    from app.authoring.import_export import export_course
    from app.courses.service import get_course

    with _transaction(_settings()) as session:
        course = get_course(session, slug)
        if course is None:
            typer.secho(f"No course with the slug '{slug}'.", err=True, fg="red")
            raise typer.Exit(1)
        folder = export_course(session, course, directory)
    typer.echo(f"Wrote {folder}.")


def _course_module(session: Session, course_slug: str, module_slug: str):  # type: ignore[no-untyped-def]
    from sqlmodel import col, select

    from app.courses.service import get_course
    from app.models import Module

    course = get_course(session, course_slug)
    if course is None:
        typer.secho(f"--course: no course with the slug '{course_slug}'.", err=True, fg="red")
        raise typer.Exit(1)
    module = session.exec(select(Module).where(Module.course_id == course.id,
                                               Module.slug == module_slug,
                                               col(Module.retired_at).is_(None))).first()
    if module is None:
        typer.secho(f"--module: the course has no module '{module_slug}'.", err=True, fg="red")
        raise typer.Exit(1)
    return course, module


@quizzes_cli.command("import-gift")
def quizzes_import_gift(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    course: Annotated[str, typer.Option("--course", help="Course slug.")],
    module: Annotated[str, typer.Option("--module", help="Module slug.")],
    quiz: Annotated[str, typer.Option("--quiz", help="Quiz slug (default: the module's "
                                                     "quiz, or MODULE-quiz).")] = "",
    title: Annotated[str, typer.Option("--title", help="Title of a new quiz.")] = "",
) -> None:
    """Replace a module quiz's questions with those of a GIFT file (all or nothing)."""
    from app.questions.gift.reader import parse_gift
    from app.questions.gift.syntax import GiftError
    from app.quizzes.module_import import import_gift_into_module

    try:
        text = file.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        typer.secho(f"{file}:1: the file is not UTF-8 text; nothing was imported.", err=True,
                    fg="red")
        raise typer.Exit(1) from exc
    try:
        questions, warnings = parse_gift(text, file=str(file))
    except GiftError as exc:
        typer.secho(f"{exc}", err=True, fg="red")
        typer.secho("Nothing was imported.", err=True, fg="red")
        raise typer.Exit(1) from exc
    for warning in warnings:
        typer.secho(f"{file}:{warning.line}: {warning.message} (warning)", err=True, fg="yellow")
    if not any(q.graded for q in questions):
        typer.secho(f"{file}:1: the file has no question to answer; nothing was imported.",
                    err=True, fg="red")
        raise typer.Exit(1)
    with _transaction(_settings()) as session:
        found_course, found_module = _course_module(session, course, module)
        result = import_gift_into_module(
            session, course=found_course, module_id=found_module.id, module_slug=module,
            text=text if text.endswith("\n") else text + "\n", questions=questions,
            quiz_slug=quiz or None, title=title or None)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items()))
    verb = "Created quiz" if result.created else "Updated quiz"
    typer.echo(f"{verb} '{result.lesson.slug}': {len(questions)} question(s) ({counts})"
               f"{'' if result.changed else '; the questions were already the same'}.")


def _module_quiz_questions(session: Session, course: str, module: str,
                           quiz: str) -> list[Question]:
    """The live questions of a module's quiz (``quiz`` may be empty when the module has
    only one); exits with a message naming the module's quizzes otherwise."""
    from app.quizzes.module_import import module_quizzes
    from app.quizzes.quiz_store import live_questions

    _, found_module = _course_module(session, course, module)
    quizzes = module_quizzes(session, module_id=found_module.id)
    chosen = [q for q in quizzes if not quiz or q.slug == quiz]
    if len(chosen) != 1:
        names = ", ".join(q.slug for q in quizzes) or "none"
        typer.secho(f"--quiz: choose one of the module's quizzes ({names}).", err=True,
                    fg="red")
        raise typer.Exit(1)
    return [q for _, q in live_questions(session, lesson_id=chosen[0].id)]


@quizzes_cli.command("export-gift")
def quizzes_export_gift(
    course: Annotated[str, typer.Option("--course", help="Course slug.")],
    module: Annotated[str, typer.Option("--module", help="Module slug.")],
    quiz: Annotated[str, typer.Option("--quiz", help="Quiz slug (default: the module's "
                                                     "only quiz).")] = "",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: "
                                                           "standard output).")] = None,
) -> None:
    """Write a module quiz's questions as GIFT that Moodle can import."""
    from app.questions.gift.writer import write_gift

    with _transaction(_settings()) as session:
        questions = _module_quiz_questions(session, course, module, quiz)
    text = write_gift(questions)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {len(questions)} question(s) to {out}.", err=True)


# Larger than the quiz editor's limit: files read from disk may embed many images.
CLI_MAX_XML_BYTES = 20 * 1024 * 1024


@quizzes_cli.command("import-xml")
def quizzes_import_xml(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    course: Annotated[str, typer.Option("--course", help="Course slug.")],
    module: Annotated[str, typer.Option("--module", help="Module slug.")],
    quiz: Annotated[str, typer.Option("--quiz", help="Quiz slug (default: the module's "
                                                     "quiz, or MODULE-quiz).")] = "",
    title: Annotated[str, typer.Option("--title", help="Title of a new quiz.")] = "",
) -> None:
    """Replace a module quiz's questions with those of a Moodle XML file (all or nothing;
    question types Podium does not have are skipped with a warning)."""
    from app.courses.service import store_assets
    from app.courses.urls import asset_url
    from app.questions.gift.writer import write_gift
    from app.questions.moodle_xml.common import MoodleXmlError
    from app.questions.moodle_xml.reader import parse_moodle_xml
    from app.quizzes.module_import import import_gift_into_module

    try:
        parsed = parse_moodle_xml(file.read_bytes(), image_prefix=asset_url(course, ""),
                                  max_bytes=CLI_MAX_XML_BYTES)
    except MoodleXmlError as exc:
        for error in exc.errors:
            typer.secho(f"{file}: {error}", err=True, fg="red")
        typer.secho("Nothing was imported.", err=True, fg="red")
        raise typer.Exit(1) from exc
    for warning in parsed.warnings:
        typer.secho(f"{file}: {warning} (warning)", err=True, fg="yellow")
    if not any(q.graded for q in parsed.questions):
        typer.secho(f"{file}: the file has no question to answer; nothing was imported.",
                    err=True, fg="red")
        raise typer.Exit(1)
    try:
        text = write_gift(parsed.questions)
    except ValueError as exc:
        typer.secho(f"{file}: {exc}; nothing was imported.", err=True, fg="red")
        raise typer.Exit(1) from exc
    with _transaction(_settings()) as session:
        found_course, found_module = _course_module(session, course, module)
        store_assets(session, course_slug=course, assets=parsed.images)
        result = import_gift_into_module(
            session, course=found_course, module_id=found_module.id, module_slug=module,
            text=text, questions=parsed.questions, quiz_slug=quiz or None, title=title or None)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items()))
    verb = "Created quiz" if result.created else "Updated quiz"
    skipped = f"; {len(parsed.skipped)} skipped" if parsed.skipped else ""
    images = f"; {len(parsed.images)} image(s)" if parsed.images else ""
    typer.echo(f"{verb} '{result.lesson.slug}': {len(parsed.questions)} question(s) ({counts})"
               f"{skipped}{images}"
               f"{'' if result.changed else '; the questions were already the same'}.")


@quizzes_cli.command("export-xml")
def quizzes_export_xml(
    course: Annotated[str, typer.Option("--course", help="Course slug.")],
    module: Annotated[str, typer.Option("--module", help="Module slug.")],
    quiz: Annotated[str, typer.Option("--quiz", help="Quiz slug (default: the module's "
                                                     "only quiz).")] = "",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: "
                                                           "standard output).")] = None,
) -> None:
    """Write a module quiz's questions as Moodle XML (images embedded)."""
    from app.courses.service import course_assets
    from app.courses.urls import asset_url
    from app.questions.moodle_xml.writer import write_moodle_xml

    with _transaction(_settings()) as session:
        questions = _module_quiz_questions(session, course, module, quiz)
        text = write_moodle_xml(questions, images=course_assets(session, course),
                                image_prefix=asset_url(course, ""))
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {len(questions)} question(s) to {out}.", err=True)


@reports_cli.command("export")
def reports_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.", dir_okay=False)],
    course: Annotated[str, typer.Option(help="Course slug (default: every course).")] = "",
    cohort: Annotated[str, typer.Option(help="Cohort name.")] = "",
    department: Annotated[str, typer.Option(help="Department.")] = "",
    status: Annotated[str, typer.Option(
        help="not-started, in-progress, completed or overdue.")] = "",
    enrolled_from: Annotated[str, typer.Option(help="Enrolled on or after (YYYY-MM-DD).")] = "",
    enrolled_to: Annotated[str, typer.Option(help="Enrolled on or before (YYYY-MM-DD).")] = "",
) -> None:
    """Write the completion report (the same rows as the dashboard's download) to OUT.

    Reads the database only (PODIUM_DATABASE_URL); suited to scheduled jobs. The file
    appears complete or not at all."""
    import os
    import tempfile
    from datetime import date

    from app.db import Database
    from app.reports import exports, service
    from app.reports.filters import parse

    if fmt not in ("csv", "xlsx"):
        typer.secho("--format: use csv or xlsx.", err=True, fg="red")
        raise typer.Exit(1)
    database = Database(database_url_from_env())
    try:
        with database.session() as session:
            cohort_id = ""
            if cohort:
                cohort_id = str(service.cohort_id_by_name(session, cohort) or "")
                if not cohort_id:
                    typer.secho(f"--cohort: there is no cohort named '{cohort}'.", err=True,
                                fg="red")
                    raise typer.Exit(1)
            query = parse({"course": course, "cohort": cohort_id, "department": department,
                           "status": status, "enrolled_from": enrolled_from,
                           "enrolled_to": enrolled_to})
            errors = service.check_filter(session, query)
            if errors:
                for name, message in errors.items():
                    typer.secho(f"--{name.replace('_', '-')}: {message}", err=True, fg="red")
                raise typer.Exit(1)
            where = service.scope(session, query.filter, today=date.today())
            report = exports.report(session, where)
            out.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".podium-export-", suffix=f".{fmt}",
                                            dir=out.parent)
            os.close(handle)
            partial = Path(name)
            try:
                if fmt == "csv":
                    with partial.open("w", encoding="utf-8", newline="") as file:
                        rows = exports.write_csv(report, file)
                else:
                    rows = exports.write_xlsx(report, partial)
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
    finally:
        database.dispose()
    typer.echo(f"Wrote {rows} row(s) to {out}.")


@cli.command("demo")
def demo() -> None:
    """Load demo accounts and content (idempotent; development only)."""
    from app.demo import DEMO_INVITEE, DEMO_PASSWORD, SAMPLE_LEARNERS, load_demo

    settings = _settings()
    if not settings.is_development:
        typer.secho("Demo accounts have a published password: run this only with "
                    "PODIUM_ENV=development.", err=True, fg="red")
        raise typer.Exit(1)
    with _transaction(settings) as session:
        results, reports = load_demo(session, settings)
    for report in reports:
        typer.echo(report.summary())
    typer.echo(f"{len(SAMPLE_LEARNERS)} sample executives with progress fill HR's dashboard "
               "(they cannot sign in).")
    typer.echo(f"{DEMO_INVITEE.full_name} has a pending invitation: sign in as the admin and "
               "open Users, then Mailbox, to follow the link. Every email Podium sends in "
               "development arrives in that mailbox.")
    typer.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for account, created in results:
        note = "" if created else "  (already there)"
        typer.echo(f"  {account.role.label:<10} {account.email}{note}")


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
    jobs: Annotated[bool | None, typer.Option(
        "--jobs/--no-jobs", help="Also run background jobs in each server process "
                                 "(default: in development only).")] = None,
) -> None:
    """Serve the app with uvicorn."""
    import os

    import uvicorn

    if jobs is not None:
        os.environ["PODIUM_WORKER_IN_PROCESS"] = "true" if jobs else "false"
    _settings()  # fail fast on insecure configuration
    # The app reads proxy headers itself, from PODIUM_TRUSTED_PROXIES only.
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers,
                reload=reload, proxy_headers=False, server_header=False)


@cli.command("worker")
def worker(
    once: Annotated[bool, typer.Option(
        "--once", help="Run the jobs that are due, then stop.")] = False,
    concurrency: Annotated[int, typer.Option(
        help="Jobs run at the same time (default: PODIUM_WORKER_CONCURRENCY).", min=0)] = 0,
) -> None:
    """Run background jobs: emails, reminders, digests, recounts (on PostgreSQL, start as
    many as you like, on any machine; on SQLite, one beside the app)."""
    import asyncio
    import logging

    from app.db import Database
    from app.jobs.registry import JobEnv
    from app.security import redact
    from app.worker import runner as jobs_worker

    settings = _settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                   "%(message)s")
    redact.install()
    database = Database(settings.database_url)
    try:
        asyncio.run(jobs_worker.run(JobEnv(settings, database), once=once,
                                    concurrency=concurrency or None))
    finally:
        database.dispose()


def main() -> None:
    cli()
