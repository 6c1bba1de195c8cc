"""HR's completion dashboard and its CSV/XLSX exports (HR and admins only)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from datetime import date
from functools import partial
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTasks

from app.db import Database
from app.deps import DatabaseDep, HRUser, SessionDep
from app.models import utcnow
from app.reports import charts, exports, service
from app.reports.filters import SORTS, STATUSES, ReportQuery, parse, without
from app.web import download_headers, is_htmx, render
from app.workbooks.service import STATUS_LABELS

router = APIRouter()


def _query(request: Request, session: SessionDep) -> tuple[ReportQuery, dict[str, str]]:
    query = parse(request.query_params)
    errors = service.check_filter(session, query)
    return without(query, *(name for name in errors if name in (
        "course", "cohort", "department", "enrolled_from", "enrolled_to", "status"))), errors


@router.get("/reports")
def dashboard(request: Request, user: HRUser, session: SessionDep) -> Response:
    query, errors = _query(request, session)
    where = service.scope(session, query.filter, today=date.today())
    status_code = 400 if errors else 200
    figures = service.figures(session, where)
    page = service.learners(session, where, query, total=figures.enrolled)
    context = {"query": query, "errors": errors, "page": page, "figures": figures,
               "sorts": SORTS, "statuses": STATUSES, "workbook_labels": STATUS_LABELS}
    if is_htmx(request) and request.headers.get("HX-Target") == "learners":
        return render(request, "reports/dashboard.html", context, block="learners",
                      status_code=status_code)
    cohorts, departments = service.by_cohort(session, where), service.by_department(session, where)
    over_time = service.completions_over_time(session, where)
    context |= {
        "updating": service.courses_updating(session, where),
        "choices": service.choices(session), "cohorts": cohorts, "departments": departments,
        "over_time": over_time,
        "cohort_chart": charts.bar_chart(
            [charts.Bar(g.label, g.completed, g.enrolled) for g in cohorts],
            title="Completion by cohort"),
        "department_chart": charts.bar_chart(
            [charts.Bar(g.label, g.completed, g.enrolled) for g in departments],
            title="Completion by department"),
        "funnel": _funnel(figures),
        "funnel_chart": charts.funnel_chart(_funnel(figures), title="From enrolment to completion"),
        "time_chart": charts.line_chart(over_time, title="Completions over time"),
    }
    return render(request, "reports/dashboard.html", context, status_code=status_code)


def _funnel(figures: service.Figures) -> list[charts.Step]:
    return [charts.Step("Enrolled", figures.enrolled),
            charts.Step("Started", figures.started),
            charts.Step("Persona approved", figures.persona_approved_enrolments),
            charts.Step("Completed", figures.completed)]


def _export_scope(request: Request, session: SessionDep) -> service.Scope:
    query, errors = _query(request, session)
    if errors:
        field, message = next(iter(errors.items()))
        raise HTTPException(status_code=400, detail=f"{field.replace('_', ' ')}: {message}")
    return service.scope(session, query.filter, today=date.today())


@router.get("/reports/export.csv")
def export_csv(request: Request, user: HRUser, session: SessionDep,
               database: DatabaseDep) -> Response:
    where = _export_scope(request, session)
    after = BackgroundTasks()
    after.add_task(database.run_write,
                   partial(exports.record_export, flt=where.filter, fmt="csv"))
    return StreamingResponse(
        _stream_csv(database, where), media_type=exports.CSV_MEDIA_TYPE,
        headers=download_headers(exports.filename(where, "csv", utcnow())), background=after)


async def _stream_csv(database: Database, where: service.Scope) -> AsyncIterator[str]:
    """Rows leave as the database returns them. The request's own transaction has ended
    by now; this one is taken like any request's (bounded, first come first served)."""
    async with database.request_transaction(write=False) as session:
        report = await anyio.to_thread.run_sync(exports.report, session, where)
        chunks = exports.csv_file(report)
        while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
            yield chunk


@router.get("/reports/export.xlsx")
def export_xlsx(request: Request, user: HRUser, session: SessionDep,
                database: DatabaseDep) -> Response:
    where = _export_scope(request, session)
    handle, name = tempfile.mkstemp(prefix="podium-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        exports.write_xlsx(exports.report(session, where), path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    after = BackgroundTasks()
    after.add_task(path.unlink, missing_ok=True)
    after.add_task(database.run_write,
                   partial(exports.record_export, flt=where.filter, fmt="xlsx"))
    return FileResponse(path, media_type=exports.XLSX_MEDIA_TYPE,
                        headers=download_headers(exports.filename(where, "xlsx", utcnow())),
                        background=after)
