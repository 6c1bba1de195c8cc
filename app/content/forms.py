"""Form bodies as models: every form a page posts is a pydantic model declared on its route
(``Annotated[SomeForm, Form()]``), so the API description shows what each form sends and
a malformed body is refused in one place (the app's 400 page).

Every field is text (or a list of texts for repeated fields) with a ceiling far above the
limits the pages check themselves: a value a person could type is checked by the page,
which shows its message next to the field and keeps what was typed; only absurd input meets
the model's ceiling. Fields the model does not name are ignored, as the pages always did.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from starlette.datastructures import ImmutableMultiDict

# Hidden values and choices from a list: tokens, fingerprints, ids, numbers, dates, flags.
TOKEN_MAX = 200
# A line a person types (titles, names, messages; the pages allow at most 2,000).
LINE_MAX = 10_000
# Text a person writes (the pages allow at most 100,000: a lesson body).
TEXT_MAX = 200_000

Token = Annotated[str, Field(max_length=TOKEN_MAX)]
Line = Annotated[str, Field(max_length=LINE_MAX)]
Text = Annotated[str, Field(max_length=TEXT_MAX)]


class CsrfForm(BaseModel):
    """A form that sends nothing but its CSRF token; every form model extends it. (HTMX
    requests may carry the token in the ``X-CSRF-Token`` header instead, so the field is
    optional here: ``app.deps.verify_csrf`` checks it.)"""

    csrf_token: Token = ""


class NamedFieldsForm(CsrfForm):
    """A form whose field names depend on the page: a quiz's answers (``q<question id>``),
    a review's comments (``comment:<row>``), a question's rows (``choice-<n>-text``). Its
    fixed fields are declared; every other field is text or a list of texts, and the
    subclass documents the names the route reads (``patternProperties``)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Text | list[Text]] = Field(init=False)


def named_fields(*patterns: str) -> ConfigDict:
    """The configuration of a :class:`NamedFieldsForm` subclass that documents the names of
    the fields its route reads (regular expressions)."""
    value = TypeAdapter(Text | list[Text]).json_schema()
    return ConfigDict(json_schema_extra={"patternProperties": dict.fromkeys(patterns, value)})


def posted(form: BaseModel) -> ImmutableMultiDict[str, str]:
    """The fields of ``form`` as a browser posted them (repeated fields once per value, in
    order; the CSRF token left out), for code that reads a form by name (``get``,
    ``getlist``, ``multi_items``). Declared fields posted empty are left out, as they
    would be missing."""
    pairs: list[tuple[str, str]] = []
    values: dict[str, Any] = form.model_dump(by_alias=True, exclude_unset=True,
                                             exclude={"csrf_token"})
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                pairs.append((name, item))
    return ImmutableMultiDict(pairs)
