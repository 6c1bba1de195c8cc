"""What the activity log's forms post: a week's entry, and the reminder day."""

from __future__ import annotations

from app.content.forms import CsrfForm, Token


class EntryForm(CsrfForm):
    """One week (``YYYY-Www``), its counts (whole numbers; empty: 0) and, optionally, the
    Social Selling Index: the total (0-100) and its four pillars (0-25 each)."""

    week: Token = ""
    posts_linkedin: Token = ""
    posts_x: Token = ""
    posts_other: Token = ""
    comments: Token = ""
    connections: Token = ""
    conversations: Token = ""
    opportunities: Token = ""
    ssi_total: Token = ""
    ssi_brand: Token = ""
    ssi_people: Token = ""
    ssi_insights: Token = ""
    ssi_relationships: Token = ""


class ReminderForm(CsrfForm):
    """The reminder day: 0 (Monday) to 6 (Sunday), or empty for no reminder."""

    weekday: Token = ""
