"""``podium quizzes``: a module quiz's questions imported from, and exported to, Moodle GIFT
and Moodle XML files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlmodel import Session

from app.cli.common import settings_or_exit, transaction

if TYPE_CHECKING:
    from app.questions.spec import Question

quizzes_cli = typer.Typer(help="Quizzes in Moodle GIFT and Moodle XML files.", no_args_is_help=True)

# The options every command here shares: which module quiz, and where an export goes.
CourseSlug = Annotated[str, typer.Option("--course", help="Course slug.")]
ModuleSlug = Annotated[str, typer.Option("--module", help="Module slug.")]
QuizToReplace = Annotated[str, typer.Option(
    "--quiz", help="Quiz slug (default: the module's quiz, or MODULE-quiz).")]
QuizToExport = Annotated[str, typer.Option(
    "--quiz", help="Quiz slug (default: the module's only quiz).")]
OutFile = Annotated[Path | None, typer.Option(
    "--out", help="File to write (default: standard output).")]


def _write_out(text: str, out: Path | None, *, count: int) -> None:
    """An export to ``out``, or to standard output without one."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {count} question(s) to {out}.", err=True)


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
    course: CourseSlug,
    module: ModuleSlug,
    quiz: QuizToReplace = "",
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
    with transaction(settings_or_exit()) as session:
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
    course: CourseSlug,
    module: ModuleSlug,
    quiz: QuizToExport = "",
    out: OutFile = None,
) -> None:
    """Write a module quiz's questions as GIFT that Moodle can import."""
    from app.questions.gift.writer import write_gift

    with transaction(settings_or_exit()) as session:
        questions = _module_quiz_questions(session, course, module, quiz)
    text = write_gift(questions)
    _write_out(text, out, count=len(questions))


# Larger than the quiz editor's limit: files read from disk may embed many images.
CLI_MAX_XML_BYTES = 20 * 1024 * 1024


@quizzes_cli.command("import-xml")
def quizzes_import_xml(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    course: CourseSlug,
    module: ModuleSlug,
    quiz: QuizToReplace = "",
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
    with transaction(settings_or_exit()) as session:
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
    course: CourseSlug,
    module: ModuleSlug,
    quiz: QuizToExport = "",
    out: OutFile = None,
) -> None:
    """Write a module quiz's questions as Moodle XML (images embedded)."""
    from app.courses.service import course_assets
    from app.courses.urls import asset_url
    from app.questions.moodle_xml.writer import write_moodle_xml

    with transaction(settings_or_exit()) as session:
        questions = _module_quiz_questions(session, course, module, quiz)
        text = write_moodle_xml(questions, images=course_assets(session, course),
                                image_prefix=asset_url(course, ""))
    _write_out(text, out, count=len(questions))
