"""What the 90-day planner's forms post: the initiative and message, one content item, and
the draft to count."""

from __future__ import annotations

from app.content.forms import CsrfForm, Line, Text, Token
from app.planner import definition as plan
from app.planner.service import FIRST_DAY
from app.workbooks.forms import step_form

MessageForm = step_form(
    "PlanMessageForm", [plan.MESSAGE_STEP],
    "The initiative, the message and the first day of the 90 days (`starts_on`, "
    "YYYY-MM-DD); `autosave` is set when the page saves as the executive types.",
    **{FIRST_DAY: Token, "autosave": Token})


class ItemForm(CsrfForm):
    """One content item of the plan."""

    date: Token = ""
    network: Token = ""
    format: Token = ""
    source: Token = ""
    source_other: Line = ""
    draft: Text = ""
    status: Token = ""
    cleared: Token = ""  # ticked: "I have cleared this with …"
    cleared_by: Line = ""


class DraftCounterForm(CsrfForm):
    """A draft to count against the limit of the network chosen (and to check, on the
    item's date)."""

    network: Token = ""
    draft: Text = ""
    date: Token = ""

