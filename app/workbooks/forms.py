"""The form of a workbook step, made from the step's own fields: each kind of field knows the
inputs it renders (``expertise-1`` … for a list, one value per ticked box for choices), so the
model declares exactly the inputs the pages post."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_origin

from pydantic import BaseModel, Field, create_model

from app.content.forms import CsrfForm, NamedFieldsForm, Text, Token, named_fields
from app.workbooks.schema import ChoicesField, ListField, PairsField, Step
from app.workbooks.schema import Field as WorkbookField


def inputs(field: WorkbookField) -> dict[str, Any]:
    """The inputs ``field`` renders, by name, with the type of what each posts."""
    if isinstance(field, PairsField):
        notes = {f"{field.name}-{choice.value}": Text for choice in field.choices}
        return {field.name: list[Token], **notes, f"{field.name}-other-name": Text,
                f"{field.name}-other": Text}
    if isinstance(field, ChoicesField):
        return {field.name: list[Token]}
    if isinstance(field, ListField):
        return {field.input_name(n): Text for n in range(1, field.maximum + 1)}
    return {field.name: Text}


def step_form(name: str, steps: Iterable[Step], doc: str,
              **fixed: Any) -> type[BaseModel]:
    """A form model with the inputs of every field of ``steps`` (all optional: a step's page
    posts its own) and the ``fixed`` fields (name: type, each defaulting to blank)."""
    fields: dict[str, Any] = {}
    named = {**{n: t for step in steps for f in step.fields for n, t in inputs(f).items()},
             **fixed}
    for alias, annotation in named.items():
        python_name = re.sub(r"\W", "_", alias)
        assert python_name not in fields, f"two inputs named {python_name}"
        info = (Field(default_factory=list, alias=alias) if get_origin(annotation) is list
                else Field(default="", alias=alias))
        fields[python_name] = (annotation, info)
    return create_model(name, __base__=CsrfForm, __doc__=doc, **fields)

# The name of a text input of a workbook (``message``, ``expertise-2``).
INPUT_NAME = r"^[a-z_]{1,40}(-[0-9]{1,2})?$"


class CounterForm(NamedFieldsForm):
    """The text input a live counter counts, posted under its own name (the one the
    ``field`` query parameter names)."""

    model_config = named_fields(INPUT_NAME)
