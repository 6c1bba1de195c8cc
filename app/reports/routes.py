"""HR's completion dashboard and its CSV/XLSX exports (HR and admins only)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.background import BackgroundTasks

from app.db import Database
from app.deps import DatabaseDep, HRUser, RowId, SessionDep
from app.models import ReportExport, utcnow
from app.reports import activity, background, charts, exports, service
from app.reports.filters import SORTS, STATUSES, ReportQuery, parse, without
from app.reports.forms import ExportForm
from app.web import download_headers, is_htmx, redirect, render
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
               "sorts": SORTS, "statuses": STATUSES, "workbook_labels": STATUS_LABELS,
               "xlsx_in_background": background.in_background(figures.enrolled),
               "background_rows": background.BACKGROUND_ROWS}
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


@router.get("/reports/activity")
def activity_page(request: Request, user: HRUser, session: SessionDep,
                  weeks: int = Query(activity.DEFAULT_WEEKS, ge=1, le=52)) -> Response:
    """The weekly activity log in aggregate: per cohort and department, never a person."""
    if weeks not in activity.PERIODS:
        weeks = activity.DEFAULT_WEEKS
    result = activity.activity_report(session, today=date.today(), weeks=weeks)
    overall = result.overall
    return render(request, "reports/activity.html", {
        "report": result, "periods": activity.PERIODS, "metrics": activity.METRICS,
        "min_group": activity.MIN_GROUP,
        "cohort_chart": charts.bar_chart(
            [charts.Bar(g.label, g.active_weeks, g.possible_weeks)
             for g in result.cohorts if not g.suppressed],
            title="Active executive-weeks by cohort", value_name="active executive-weeks",
            total_name="executive-weeks"),
        "time_chart": charts.line_chart(
            [] if overall.suppressed else
            [(week, round(overall.share_in(week) or 0)) for week in result.period.mondays],
            title="Share of executives active per week", y_name="active (%)"),
    })


def _funnel(figures: service.Figures) -> list[charts.Step]:
    return [charts.Step("Enrolled", figures.enrolled),
            charts.Step("Started", figures.started),
            charts.Step("Persona approved", figures.persona_approved_enrolments),
            charts.Step("Completed", figures.completed)]


def _export_scope(params: Mapping[str, str], session: SessionDep) -> service.Scope:
    query = parse(params)
    errors = service.check_filter(session, query)
    if errors:
        field, message = next(iter(errors.items()))
        raise HTTPException(status_code=400, detail=f"{field.replace('_', ' ')}: {message}")
    return service.scope(session, query.filter, today=date.today())


@router.get("/reports/export.csv")
def export_csv(request: Request, user: HRUser, session: SessionDep,
               database: DatabaseDep) -> Response:
    where = _export_scope(request.query_params, session)
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
    """The workbook at once for a view of up to ``background.BACKGROUND_ROWS`` rows; for a
    larger one, a page that offers to prepare it in the background (a GET never starts a
    job)."""
    where = _export_scope(request.query_params, session)
    rows = exports.count_rows(session, where)
    if background.in_background(rows):
        return render(request, "reports/export.html",
                      {"offer": where.filter, "rows": rows, "export": None,
                       "background_rows": background.BACKGROUND_ROWS})
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


@router.post("/reports/exports")
def request_xlsx(request: Request, user: HRUser, session: SessionDep,
                 form: Annotated[ExportForm, Form()]) -> Response:
    """Ask for the view's workbook: a large one is prepared by a job (the person is
    notified when it is ready); a small one downloads at once."""
    where = _export_scope(form.model_dump(exclude={"csrf_token"}), session)
    requested = background.request(session, user_id=user.id, where=where)
    if requested.export is None:
        return redirect(request, ReportQuery(filter=where.filter).export_url("xlsx"))
    export_id = requested.export.id or 0
    if is_htmx(request):
        return render(request, "reports/export.html", _export_context(requested.export),
                      block="status", status_code=202)
    return RedirectResponse(background.page_path(export_id), status_code=303)


def _owned(session: SessionDep, export_id: int, user_id: int) -> ReportExport:
    export = background.find(session, export_id=export_id, user_id=user_id)
    if export is None:
        raise HTTPException(status_code=404)
    return export


def _export_context(export: ReportExport) -> dict[str, object]:
    return {"export": export, "offer": None, "filter": background.view_filter(export),
            "background_rows": background.BACKGROUND_ROWS}


@router.get("/reports/exports/{export_id}")
def export_page(request: Request, export_id: RowId, user: HRUser,
                session: SessionDep) -> Response:
    """Where a workbook being prepared stands (HTMX asks for the status block alone)."""
    export = _owned(session, export_id, user.id)
    block = "status" if is_htmx(request) else None
    return render(request, "reports/export.html", _export_context(export), block=block)


@router.get("/reports/exports/{export_id}/download")
def download_export(export_id: RowId, user: HRUser, session: SessionDep,
                    database: DatabaseDep) -> Response:
    export = _owned(session, export_id, user.id)
    if export.status != background.READY:
        raise HTTPException(status_code=404)
    count = background.parts(session, export_id=export_id)
    after = BackgroundTasks()
    after.add_task(database.run_write, partial(background.record_download, export_id=export_id))
    headers = download_headers(export.filename) | {"Content-Length": str(export.size or 0)}
    return StreamingResponse(_stream_file(database, export_id, count),
                             media_type=exports.XLSX_MEDIA_TYPE, headers=headers,
                             background=after)


async def _stream_file(database: Database, export_id: int, count: int) -> AsyncIterator[bytes]:
    """The stored file a part at a time, each read in a short transaction of its own."""
    for number in range(1, count + 1):
        async with database.request_transaction(write=False) as session:
            piece = await anyio.to_thread.run_sync(
                partial(background.read_part, session, export_id=export_id, number=number))
        yield piece  # no transaction held while the client reads
