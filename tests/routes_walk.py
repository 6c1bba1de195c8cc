"""Every API route of the app, with its full path: FastAPI keeps included routers as
branches (their routes' paths lack the branch's prefix), so a flat look at app.routes
misses the nested ones."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi.routing import APIRoute


def api_routes(routes: Iterable[object], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # fastapi.routing._IncludedRouter
            yield from api_routes(route.original_router.routes,  # type: ignore[attr-defined]
                                  prefix + route.include_context.prefix)  # type: ignore[attr-defined]
