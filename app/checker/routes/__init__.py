""""Before you post": the executive's draft checker, the trainers' organisation lists and
HR's closed periods."""

from fastapi import APIRouter

from app.checker.routes import draft, lists, periods

router = APIRouter()
for _area in (draft, lists, periods):
    router.include_router(_area.router)
