"""What the dashboard's "Prepare XLSX" button posts: the view's filters (as in its URL)."""

from __future__ import annotations

from app.content.forms import CsrfForm, Line, Token


class ExportForm(CsrfForm):
    """The filters of the view to export; each is checked as the dashboard checks its
    query string (an unusable value is refused with its message)."""

    course: Line = ""
    cohort: Token = ""
    department: Line = ""
    enrolled_from: Token = ""
    enrolled_to: Token = ""
    status: Token = ""
