"""Rendering and responses shared by every feature: one template per page, HTMX
fragments as named blocks of that template, HTMX-aware redirects."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from app.assets import static_url
from app.content import moments
from app.security.tokens import csrf_token_for, mask_csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Fixed messages shown after a redirect (?notice=key): no user text travels in URLs.
NOTICES: dict[str, str] = {
    "logged-out": "You have signed out.",
    "activity-saved": "Your week was saved.",
    "reminder-saved": "Your reminder day was saved.",
    "user-created": "The account was created.",
    "user-saved": "The changes were saved.",
    "user-disabled": "The account was disabled and its sessions ended.",
    "user-enabled": "The account was enabled.",
    "password-reset": "The password was changed and the user's sessions ended.",
    "cohort-created": "The cohort was created.",
    "cohort-saved": "The cohort was saved.",
    "cohort-deleted": "The cohort was deleted.",
    "graded": "The marks were saved.",
    "unenrolled": "The enrolment was removed. The executive's progress is kept on record.",
    "submitted": "Submitted for review. Your trainer will see it in their review queue.",
    "nothing-new": "Nothing new to submit: this version is already with your trainer or "
                   "approved.",
    "plan-saved": "Your initiative and message were saved.",
    "item-saved": "The item was saved.",
    "item-deleted": "The item was deleted.",
    "not-ready": "Not submitted yet: see what still needs your attention below.",
    "restored": "The version was restored into your draft (a draft that matched no version "
                "was kept as a version first).",
    "review-approved": "Approved. The executive has been told and the activity is complete.",
    "review-changes": "Sent back with your comments. The executive sees them next to the "
                      "fields.",
    "course-created": "The course was created as a draft. Add modules and lessons, then "
                      "publish it.",
    "package-uploaded": "The package was checked and is now the course's draft. Review it, "
                        "then publish.",
    "draft-saved": "Saved to the draft. Executives see it once you publish.",
    "published": "Published. Executives now see this version; their progress is kept.",
    "draft-discarded": "The draft was discarded; the course is as published.",
    "revision-restored": "The earlier version is back in the draft. Publish to make it live.",
    "published-recount": "Published. Executives now see this version; their progress is kept. "
                         "The progress figures of enrolled executives are being updated in the "
                         "background.",
    "invited": "The invitation was sent.",
    "invitation-resent": "A new invitation was sent; the earlier link no longer works.",
    "invitation-revoked": "The invitation was revoked and the account disabled.",
    "nothing-to-revoke": "There was no invitation to revoke.",
    "welcome": "Welcome to Podium. Your password is set and you are signed in.",
    "password-changed": "Your password was changed and every session ended. Sign in with your "
                        "new password.",
    "notifications-saved": "Your email choices were saved.",
    "all-read": "Every notification is marked as read.",
    "time-zone-saved": "Your time zone was saved: dates and times are shown in it.",
    "phrase-saved": "The phrase was saved. Drafts are checked against it from now on.",
    "phrase-deleted": "The phrase was removed from the list.",
    "organisation-saved": "The organisation was added. Drafts that name it are checked for a "
                          "disclosure word from now on.",
    "organisation-deleted": "The organisation was removed from the list.",
    "period-saved": "The closed period was saved.",
    "period-deleted": "The closed period was removed.",
}


def reader_zone(request: Request) -> ZoneInfo:
    """The zone the signed-in person reads dates in: their own, else the organisation's."""
    user = getattr(request.state, "user", None)
    return moments.zone(getattr(user, "time_zone", None), request.app.state.settings.time_zone)


def _context(request: Request) -> dict[str, Any]:
    state = request.state
    settings = request.app.state.settings
    cookie_value = getattr(state, "csrf_cookie_value", None) or ""
    notice_key = request.query_params.get("notice")
    return {
        "time_zone": moments.set_reader_zone(reader_zone(request)),
        "now_utc": moments.now_utc(),
        "current_user": getattr(state, "user", None),
        "unread_notifications": getattr(state, "unread_notifications", 0),
        # masked afresh for each response: compressed pages must not repeat a secret
        "csrf_token": (mask_csrf_token(csrf_token_for(settings.secret, cookie_value))
                       if cookie_value else ""),
        "notice": NOTICES.get(notice_key or ""),
        "is_development": settings.is_development,
        "sso_name": settings.oidc_organisation if settings.sso_enabled else None,
    }


templates = Jinja2Blocks(directory=str(TEMPLATES_DIR), context_processors=[_context])
templates.env.globals["static"] = static_url  # {{ static('css/podium.css') }}: hashed URL
moments.register(templates.env)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           block: str | None = None, status_code: int = 200) -> HTMLResponse:
    """Render a page, or one named block of it (for HTMX requests asking for a fragment)."""
    kwargs: dict[str, Any] = {"status_code": status_code}
    if block is not None:
        kwargs["block_name"] = block
    return templates.TemplateResponse(request, name, context or {}, **kwargs)


def redirect(request: Request, url: str, *, notice: str | None = None) -> Response:
    """303 after a form post; for HTMX requests, an HX-Redirect the browser follows."""
    if notice:
        path, hash_, fragment = url.partition("#")
        url = f"{path}{'&' if '?' in path else '?'}notice={notice}{hash_}{fragment}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def download_headers(filename: str) -> dict[str, str]:
    """Headers of a download with a server-chosen file name that no cache or proxy keeps."""
    return {"Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store"}


def attachment(content: bytes, *, filename: str, media_type: str) -> Response:
    return Response(content, media_type=media_type, headers=download_headers(filename))


def client_address(request: Request) -> str:
    """The client's address: the connecting peer's, or what a trusted proxy says it is
    (the proxy middleware has already applied PODIUM_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after login (no open redirects)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return default
    return url
