"""``podium courses``: course packages checked, imported into the database and exported
back as folders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import settings_or_exit, transaction

courses_cli = typer.Typer(help="Course packages.", no_args_is_help=True)


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
    with transaction(settings_or_exit()) as session:
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

    with transaction(settings_or_exit()) as session:
        course = get_course(session, slug)
        if course is None:
            typer.secho(f"No course with the slug '{slug}'.", err=True, fg="red")
            raise typer.Exit(1)
        folder = export_course(session, course, directory)
    typer.echo(f"Wrote {folder}.")
