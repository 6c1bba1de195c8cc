"""The floor under every Podium page, for ``hot_paths.py``: Podium's own app (its
middleware, its per-request transaction, its CSRF and access dependencies) with three
routes added: two pages that do what the baseline does and nothing of a lesson page's own
work, and the least a write can be.

* ``GET /bench/floor/public``: a public page. ONE query (``session.get`` of the bench's
  lesson: its title and minutes), the baseline's Jinja2 template around a body of the
  baseline's size (``BENCH_FLOOR_PAGE_BYTES``, as the baseline is seeded), no sign-in.
  Against the baseline it shows what Podium's middleware and transaction cost.
* ``GET /bench/floor``: the same page behind the sign-in of every executive page (the
  session lookup, ``LearnerOrStaffUser``). Against the baseline it shows what any signed-in
  Podium page costs before it does anything of its own.
* ``POST /bench/floor/write``: the least a write costs. Signed in, CSRF-checked, a write
  transaction (SQLite: the write lock and ``BEGIN IMMEDIATE``) that updates ONE row by its
  key (the executive's own session: its last-seen time) and answers 204.

Served like the app, by the runner::

    BENCH_FLOOR_LESSON=trust-and-transparency BENCH_FLOOR_PAGE_BYTES=12751 \
        .venv/bin/uvicorn floor_app:create_app \
        --factory --app-dir bench …

The lesson page does all of the floor's work and more (its course, its progress, a page
of base.html and macros), so its ratio to the baseline cannot pass the floor's.
"""

import os

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

# No `from __future__ import annotations`: the routes below are defined inside
# create_app, after its imports of the app, and FastAPI reads their annotations as objects.
# The app is imported there, not here, so hot_paths.py can import these names cheaply.
LESSON_ENV = "BENCH_FLOOR_LESSON"
PAGE_BYTES_ENV = "BENCH_FLOOR_PAGE_BYTES"
FLOOR_PATH = "/bench/floor"
PUBLIC_FLOOR_PATH = "/bench/floor/public"
WRITE_FLOOR_PATH = "/bench/floor/write"


def create_app() -> FastAPI:
    from _baseline_page import NAV, page_body, templates
    from fastapi import Response
    from sqlmodel import col, select

    from app.auth.service import touch_session
    from app.deps import LearnerOrStaffUser, Public, SessionDep, small_read
    from app.main import create_app as create_podium
    from app.models import Lesson
    from app.security.tokens import digest

    app = create_podium()
    slug = os.environ.get(LESSON_ENV, "trust-and-transparency")
    body = page_body(int(os.environ.get(PAGE_BYTES_ENV, "12000")))
    lesson_id: list[int] = []  # found on the first request, then one session.get per page

    def page(request: Request, session: SessionDep, author: str) -> HTMLResponse:
        if not lesson_id:
            found = session.exec(select(Lesson.id).where(col(Lesson.slug) == slug)).first()
            if found is None:
                raise HTTPException(status_code=404)
            lesson_id.append(found)
        lesson = session.get(Lesson, lesson_id[0])
        if lesson is None:
            raise HTTPException(status_code=404)
        article = {"id": lesson.id, "title": lesson.title, "author": author,
                   "minutes": lesson.minutes, "body_html": body}
        return templates.TemplateResponse(request, "page.html",
                                          {"article": article, "nav": NAV})

    router = APIRouter()

    @router.get(PUBLIC_FLOOR_PATH, dependencies=[Public], response_class=HTMLResponse)
    @small_read  # as Podium's own hot pages
    def public_floor(request: Request, session: SessionDep) -> HTMLResponse:
        return page(request, session, "Podium")

    @router.get(FLOOR_PATH, response_class=HTMLResponse)
    @small_read
    def signed_in_floor(request: Request, session: SessionDep,
                        user: LearnerOrStaffUser) -> HTMLResponse:
        return page(request, session, user.full_name)

    @router.post(WRITE_FLOOR_PATH, status_code=204)
    def write_floor(request: Request, session: SessionDep,
                    user: LearnerOrStaffUser) -> Response:
        touch_session(session, session_id=digest(request.state.session_token))
        return Response(status_code=204)

    app.include_router(router)
    # FastAPI tries routes in order, at a cost per route: the floor's come first, so their
    # figures hold the least routing any page has (the lesson page's router is second).
    app.router.routes.insert(0, app.router.routes.pop())
    return app
