"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import app.template_filters  # noqa: F401  (the features' filters on the shared templates)
from app.activities import routes as activity_routes
from app.activity_log import routes as activity_log_routes
from app.admin import routes as admin_routes
from app.assets import StaticAssets, StaticFilesMiddleware
from app.audit import routes as audit_routes
from app.auth import routes as auth_routes
from app.authoring import routes as authoring_routes
from app.checker import routes as checker_routes
from app.compression import CompressionMiddleware
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import Database
from app.deps import verify_csrf
from app.enrolments import routes as enrolment_routes
from app.errors import install_error_handlers
from app.home import routes as home_routes
from app.invitations import routes as invitation_routes
from app.learning import routes as learning_routes
from app.mail import routes as mail_routes
from app.notifications import routes as notification_routes
from app.persona import routes as persona_routes
from app.planner import routes as planner_routes
from app.quizzes import routes as quiz_routes
from app.recall import routes as recall_routes
from app.reports import routes as report_routes
from app.reviews import routes as review_routes
from app.security import events, redact
from app.security.inputs import InputHygieneMiddleware
from app.security.middleware import SecurityMiddleware
from app.sso import routes as sso_routes
from app.web import templates

STATIC_DIR = PROJECT_ROOT / "static"
# Hashed and compressed copies of static/, one folder per content digest (see app/assets.py).
STATIC_BUILDS_DIR = PROJECT_ROOT / "var" / "static"

# Every feature's router, in one list: the app includes these and the access test walks them.
# No request body may be larger (the course package upload allows more on its own route).
MAX_BODY_BYTES = 5 * 1024 * 1024

# Routes are matched in this order, so the pages executives open most come first (home,
# lessons, quizzes, persona): matching a request walks every route before its own.
ROUTERS = (
    home_routes.router,
    learning_routes.router,
    quiz_routes.router,
    persona_routes.router,
    auth_routes.router,
    sso_routes.router,
    invitation_routes.router,
    notification_routes.router,
    admin_routes.router,
    mail_routes.router,
    audit_routes.router,
    enrolment_routes.router,
    planner_routes.router,
    activity_routes.router,
    activity_log_routes.router,
    review_routes.router,
    recall_routes.router,
    report_routes.router,
    authoring_routes.router,
    checker_routes.router,
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_database = database is None
    database = database or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if settings.runs_worker_in_process:
                from app.jobs.registry import JobEnv
                from app.worker import runner as worker

                await stack.enter_async_context(worker.in_process(JobEnv(settings, database)))
            yield
        if owns_database:  # a database handed in belongs to the caller
            database.dispose()

    # The API description (development only) is /openapi.json. There is no /docs page:
    # Swagger UI needs files from a CDN and an inline script, which the policy refuses.
    docs = settings.is_development
    app = FastAPI(
        title="Podium",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        dependencies=[Depends(verify_csrf)],
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.static_assets = StaticAssets(STATIC_DIR, STATIC_BUILDS_DIR,
                                           watch=settings.is_development)
    # Outside development a template is read once: Jinja otherwise checks every template's
    # file time on every render (4% of a lesson page's CPU under load).
    templates.env.auto_reload = settings.is_development
    redact.install()  # one-time links and sign-in codes never reach the logs

    # innermost first: compression of the app's responses, then static files (already
    # compressed), then the security headers that every response gets, static ones too
    app.add_middleware(InputHygieneMiddleware, max_body_bytes=MAX_BODY_BYTES)
    app.add_middleware(CompressionMiddleware)
    app.add_middleware(StaticFilesMiddleware, assets=app.state.static_assets)
    app.add_middleware(SecurityMiddleware, settings=settings)
    # outermost: the client's address as the trusted proxies give it (PODIUM_TRUSTED_PROXIES)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    events.configure(as_json=not settings.is_development)
    install_error_handlers(app)

    for router in ROUTERS:
        app.include_router(router)
    return app
