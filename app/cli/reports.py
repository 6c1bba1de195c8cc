"""``podium reports``: the completion report written to a CSV or XLSX file, for HR systems
and scheduled jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.config import database_url_from_env

reports_cli = typer.Typer(help="Completion reports for HR systems.", no_args_is_help=True)


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
