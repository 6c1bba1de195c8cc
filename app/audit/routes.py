"""The audit trail page for admins, and its CSV download."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.audit import service
from app.content.cells import csv_chunks
from app.db import Database
from app.deps import AdminUser, DatabaseDep, SessionDep
from app.models import utcnow
from app.web import download_headers, render

router = APIRouter(prefix="/admin/audit")

Text = Annotated[str, Query(max_length=200)]


def _filter(actor: str, action: str, target: str, since: str,
            until: str) -> service.AuditFilter:
    return service.parse_filter({"actor": actor, "action": action, "target": target,
                                 "since": since, "until": until})


@router.get("")
def audit(request: Request, admin: AdminUser, session: SessionDep, actor: Text = "",
          action: Text = "", target: Text = "", since: Text = "", until: Text = "",
          page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    flt = _filter(actor, action, target, since, until)
    return render(request, "audit/audit.html",
                  {"filter": flt, "page": service.search(session, flt, page=page),
                   "typed": {"actor": actor, "action": action, "target": target,
                             "since": since, "until": until},
                   "actions": service.ACTIONS, "describe": service.describe},
                  status_code=400 if flt.errors else 200)


@router.get(".csv")
def audit_csv(admin: AdminUser, database: DatabaseDep, actor: Text = "", action: Text = "",
              target: Text = "", since: Text = "", until: Text = "") -> Response:
    """Every matching entry, oldest first, streamed as the database returns them."""
    flt = _filter(actor, action, target, since, until)
    name = f"podium-audit-{utcnow():%Y%m%d-%H%M}.csv"
    return StreamingResponse(_stream(database, flt), media_type="text/csv; charset=utf-8",
                             headers=download_headers(name))


async def _stream(database: Database, flt: service.AuditFilter) -> AsyncIterator[str]:
    """In a read transaction of its own, taken once the request's has ended (bounded,
    first come first served, like any request's)."""
    async with database.request_transaction(write=False) as session:
        chunks = csv_chunks(service.CSV_HEADERS, service.csv_rows(session, flt))
        while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
            yield chunk
