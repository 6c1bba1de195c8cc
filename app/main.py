"""The application factory."""

from __future__ import annotations

from contextlib import asynccontextmanager
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app.admin import routes as admin_routes
from app.auth import routes as auth_routes
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import Database
from app.deps import verify_csrf
from app.errors import install_error_handlers
from app.home import routes as home_routes
from app.security.middleware import SecurityMiddleware

STATIC_DIR = PROJECT_ROOT / "static"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    docs = settings.is_development
    app = FastAPI(
        title="Podium",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        dependencies=[Depends(verify_csrf)],
    )
    app.state.settings = settings
    app.state.db = database

    app.add_middleware(SecurityMiddleware, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)

    app.include_router(auth_routes.router)
    app.include_router(home_routes.router)
    app.include_router(admin_routes.router)
    return app
