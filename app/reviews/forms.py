"""What a trainer's review posts: the decision, a note, and a comment per reviewed row."""

from __future__ import annotations

from app.content.forms import NamedFieldsForm, Text, Token, named_fields

COMMENT_PREFIX = "comment:"


class ReviewForm(NamedFieldsForm):
    """A trainer's decision (`approved` or `changes-requested`), a note to the executive, and
    ``comment:<row>`` fields, one per row of the submission (a field of the persona, the
    message, an item of the plan)."""

    model_config = named_fields(f"^{COMMENT_PREFIX}.+$")

    decision: Token = ""
    note: Text = ""

