"""Workbooks too large to build during a request: asked for, prepared by a background
job, kept in the database for the person who asked, downloaded, and removed when they
expire.

A view of more than ``BACKGROUND_ROWS`` rows is not built while the browser waits (a
100,000-row workbook takes tens of seconds). ``request`` records what was asked (the
view's filters and the day "overdue" is counted from) and defers the job in the same
transaction; the job (``prepare``) writes the workbook to a temporary file, stores it in
``report_export_part`` in pieces of at most ``PART_BYTES`` and tells the person through a
notification (and its email) with the link to download it. The file lives in the
database because several app processes on several machines share only the database; any
of them serves it, a piece at a time, to its owner alone (anyone else: 404). After
``KEEP`` the nightly clean-up deletes it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from app.db import Database
from app.jobs.queue import defer
from app.models import ReportExport, ReportExportPart, utcnow
from app.notifications.service import notify
from app.reports import exports, service
from app.reports.filters import ReportFilter, parse

log = logging.getLogger("podium.reports")

BACKGROUND_ROWS = 10_000  # XLSX views with more rows are prepared by a job
PART_BYTES = 1024 * 1024
KEEP = timedelta(days=7)
MAX_ATTEMPTS = 3  # runs of the job (a worker that died mid-way counts) before giving up
TASK = "prepare_report_export"
NOTIFICATION_KIND = "report-export"
PENDING, READY, FAILED = "pending", "ready", "failed"
FAILURE_MESSAGE = "Something went wrong while preparing the workbook."


def in_background(rows: int) -> bool:
    """Whether a workbook of ``rows`` rows is prepared by a job rather than at once."""
    return rows > BACKGROUND_ROWS


@dataclass(frozen=True)
class Requested:
    """What asking for a workbook led to: prepared in the background (``export``), or the
    view is small enough to download at once (``export`` is None)."""

    export: ReportExport | None
    rows: int


def request(session: Session, *, user_id: int, where: service.Scope,
            now: datetime | None = None) -> Requested:
    """Ask for the XLSX workbook of a view: above ``BACKGROUND_ROWS`` rows, record the
    request and queue the job that prepares it (both commit with the caller); the same
    view asked for again while its workbook is being prepared is that same request."""
    rows = exports.count_rows(session, where)
    if not in_background(rows):
        return Requested(None, rows)
    filters = json.dumps(where.filter.params(), sort_keys=True)
    waiting = session.exec(select(ReportExport).where(  # a second click while it is prepared
        ReportExport.user_id == user_id, ReportExport.status == PENDING,
        ReportExport.filters == filters, ReportExport.as_of == where.today)).first()
    if waiting is not None:
        return Requested(waiting, rows)
    now = now or utcnow()
    export = ReportExport(
        user_id=user_id, format="xlsx", filters=filters, as_of=where.today,
        filename=exports.filename(where, "xlsx", now), status=PENDING, created_at=now,
        expires_at=now + KEEP)
    session.add(export)
    session.flush()
    defer(session, TASK, export_id=export.id)
    return Requested(export, rows)


def find(session: Session, *, export_id: int, user_id: int,
         now: datetime | None = None) -> ReportExport | None:
    """The export if it is this person's and has not expired; None otherwise (whoever
    else asks learns nothing, not even that it exists)."""
    export = session.get(ReportExport, export_id)
    if export is None or export.user_id != user_id or export.expires_at <= (now or utcnow()):
        return None
    return export


def view_filter(export: ReportExport) -> ReportFilter:
    """The filters the workbook was asked with (as the dashboard reads them)."""
    return parse(json.loads(export.filters)).filter


def parts(session: Session, *, export_id: int) -> int:
    return session.exec(select(func.count()).select_from(ReportExportPart)
                        .where(ReportExportPart.export_id == export_id)).one()


def read_part(session: Session, *, export_id: int, number: int) -> bytes:
    return session.exec(select(ReportExportPart.data).where(
        ReportExportPart.export_id == export_id, ReportExportPart.number == number)).one()


def record_download(session: Session, *, export_id: int) -> None:
    """Say in the audit trail that the current user downloaded the workbook."""
    export = session.get(ReportExport, export_id)
    if export is not None:
        exports.record_export(session, flt=view_filter(export), fmt=export.format)


# The job --------------------------------------------------------------------------------

def prepare(database: Database, *, export_id: int) -> None:
    """Build the workbook of a pending export, store it and notify its owner; when it
    cannot be built, mark the export failed and say so (the job itself never fails, so
    it is never retried behind the person's back; a worker that died mid-way leaves the
    export pending and the job is run again, at most ``MAX_ATTEMPTS`` times)."""
    with database.session(write=True) as session:
        export = session.get(ReportExport, export_id)
        if export is None or export.status != PENDING:
            return  # expired and deleted, or done already
        export.attempts += 1
        session.add(export)
        attempts = export.attempts
    if attempts > MAX_ATTEMPTS:
        _fail(database, export_id, "Preparing the workbook was interrupted too many times.")
        return
    try:
        with tempfile.TemporaryDirectory(prefix="podium-export-") as folder:
            path = Path(folder) / "report.xlsx"
            with database.session() as session:
                export = session.get(ReportExport, export_id)
                if export is None:
                    return
                where = service.scope(session, view_filter(export), today=export.as_of)
                rows = exports.write_xlsx(exports.report(session, where), path)
            _store(database, export_id, path, rows)
    except Exception:
        log.exception("Preparing report export %s failed", export_id)
        _fail(database, export_id, FAILURE_MESSAGE)


def _store(database: Database, export_id: int, path: Path, rows: int) -> None:
    """The file into the database, a part at a time, and its owner told; one
    transaction, so the export is ready exactly when its parts are all there."""
    with database.session(write=True) as session:
        export = session.get(ReportExport, export_id)
        if export is None or export.status != PENDING:
            return
        session.exec(delete(ReportExportPart)  # type: ignore[call-overload]
                     .where(col(ReportExportPart.export_id) == export_id))
        size = number = 0
        with path.open("rb") as handle:
            while piece := handle.read(PART_BYTES):
                number += 1
                size += len(piece)
                session.exec(insert(ReportExportPart).values(  # type: ignore[call-overload]
                    export_id=export_id, number=number, data=piece))
        export.status, export.rows, export.size = READY, rows, size
        export.finished_at = utcnow()
        session.add(export)
        session.flush()
        notify(session, user_id=export.user_id, kind=NOTIFICATION_KIND,
               params={"outcome": READY, "filename": export.filename, "rows": rows,
                       "days": KEEP.days},
               link=download_path(export_id))


def _fail(database: Database, export_id: int, message: str) -> None:
    with database.session(write=True) as session:
        export = session.get(ReportExport, export_id)
        if export is None or export.status != PENDING:
            return
        export.status, export.error, export.finished_at = FAILED, message[:300], utcnow()
        session.add(export)
        session.flush()
        notify(session, user_id=export.user_id, kind=NOTIFICATION_KIND,
               params={"outcome": FAILED, "filename": export.filename},
               link=page_path(export_id))


def page_path(export_id: int) -> str:
    return f"/reports/exports/{export_id}"


def download_path(export_id: int) -> str:
    return f"/reports/exports/{export_id}/download"


# Serving and clean-up -------------------------------------------------------------------

def clean_up(session: Session, *, now: datetime) -> int:
    """Delete the exports whose time is up, with their files; returns how many."""
    expired = select(ReportExport.id).where(col(ReportExport.expires_at) <= now)
    session.exec(delete(ReportExportPart)  # type: ignore[call-overload]
                 .where(col(ReportExportPart.export_id).in_(expired)))
    result = session.exec(delete(ReportExport)  # type: ignore[call-overload]
                          .where(col(ReportExport.expires_at) <= now))
    return result.rowcount or 0
