"""The personal home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import CurrentUser
from app.web import render

router = APIRouter()


@router.get("/")
def home(request: Request, user: CurrentUser) -> Response:
    return render(request, "home/index.html", {})
