"""What the persona builder's step pages post: the inputs of every step's fields (each page
posts its own step's), and which button was pressed."""

from __future__ import annotations

from app.content.forms import Token
from app.persona.definition import STEPS
from app.workbooks.forms import step_form

PersonaStepForm = step_form(
    "PersonaStepForm", STEPS,
    "A step of the persona builder: the answers to the step's fields, and `action` "
    "(`next` saves and goes on to the next step).",
    action=Token)
