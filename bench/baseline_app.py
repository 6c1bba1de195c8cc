"""The baseline for ``hot_paths.py``: the least a FastAPI + SQLModel + Jinja2 page can do.

One ``def`` endpoint, ``GET /articles/{id}``, runs ONE SQLModel query (``session.get`` of a
row from a small table in its own SQLite file, through a ``Depends`` session) and renders
a Jinja2 page of about the size of a Podium lesson page. No middleware, no sign-in.

Serve it like the app (the runner does this)::

    BENCH_BASELINE_DB=/tmp/x/baseline.db .venv/bin/uvicorn baseline_app:create_app \
        --factory --app-dir bench --host 127.0.0.1 --port 8001 --workers 2 --no-access-log

after creating its database once (several workers must not race to create it)::

    .venv/bin/python bench/baseline_app.py --seed /tmp/x/baseline.db --page-bytes 9000
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from _baseline_page import NAV, page_body, templates
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, create_engine

DB_ENV = "BENCH_BASELINE_DB"
ROWS = 20
DEFAULT_PAGE_BYTES = 9_000


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    author: str
    minutes: int
    body_html: str


def sqlite_engine(path: str | Path) -> Engine:
    return create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})


def seed(path: Path, page_bytes: int = DEFAULT_PAGE_BYTES) -> None:
    """Create the database with ROWS articles whose pages render to about page_bytes."""
    path.unlink(missing_ok=True)
    engine = sqlite_engine(path)
    SQLModel.metadata.create_all(engine)
    body = page_body(page_bytes)
    with Session(engine) as session:
        for i in range(1, ROWS + 1):
            session.add(Article(id=i, title=f"Article {i}: trust and transparency",
                                author="Alex Morgan", minutes=5, body_html=body))
        session.commit()
    engine.dispose()


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def article(request: Request, article_id: int, session: SessionDep) -> HTMLResponse:
    row = session.get(Article, article_id)
    if row is None:
        raise HTTPException(status_code=404)
    return templates.TemplateResponse(request, "page.html", {"article": row, "nav": NAV})


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = sqlite_engine(os.environ[DB_ENV])
    app.add_api_route("/articles/{article_id}", article, methods=["GET"],
                      response_class=HTMLResponse)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Create the baseline app's SQLite database.")
    parser.add_argument("--seed", type=Path, required=True, metavar="PATH",
                        help="SQLite file to (re)create")
    parser.add_argument("--page-bytes", type=int, default=DEFAULT_PAGE_BYTES,
                        help="approximate size of the rendered page")
    args = parser.parse_args()
    seed(args.seed, args.page_bytes)


if __name__ == "__main__":
    main()
