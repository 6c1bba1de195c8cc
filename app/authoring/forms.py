"""What the authoring pages post: a course's settings, its structure, a lesson, a quiz's
settings and questions (files come as their own parameters of the routes)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.authoring.questions import MAX_GIFT_BYTES
from app.content.forms import CsrfForm, Line, NamedFieldsForm, Text, Token, named_fields

# Pasted GIFT: the page refuses more than 1 MB itself, with its message next to the field.
GiftText = Annotated[str, Field(max_length=2 * MAX_GIFT_BYTES)]


class NewCourseForm(CsrfForm):
    """A new course."""

    slug: Line = ""
    title: Line = ""
    summary: Line = ""
    audience: Line = ""
    estimated_hours: Line = ""


class PackageForm(CsrfForm):
    """A course package upload: ``replace`` (``on``) overwrites unpublished changes."""

    replace: Token = ""


class CourseSettingsForm(CsrfForm):
    """A course's settings; ``sequential`` is ``on`` when modules must be taken in order."""

    title: Line = ""
    summary: Line = ""
    audience: Line = ""
    estimated_hours: Line = ""
    sequential: Token = ""


class NewModuleForm(CsrfForm):
    module_title: Line = ""
    module_slug: Line = ""


class ModuleForm(CsrfForm):
    """A module's title and summary."""

    title: Line = ""
    summary: Line = ""


class MoveForm(CsrfForm):
    """Move a module or lesson one place ``up`` or ``down``."""

    direction: Token = ""


class MoveToModuleForm(CsrfForm):
    """Move a lesson to the end of another ``module``."""

    module: Token = ""


class ReorderForm(CsrfForm):
    """The whole structure in a new order (drag and drop): every module slug once in
    ``modules``, every lesson once in ``lessons`` as ``module/lesson``, each in order."""

    modules: Annotated[list[Token], Field(max_length=2_000)] = []
    lessons: Annotated[list[Token], Field(max_length=2_000)] = []


class NewLessonForm(CsrfForm):
    """A new lesson, quiz or activity (``kind``) in a module."""

    lesson_title: Line = ""
    lesson_slug: Line = ""
    kind: Token = ""


class PublishForm(CsrfForm):
    """What changed, kept in the course's history."""

    message: Line = ""


class RestoreForm(CsrfForm):
    """The number of the published revision to bring back into the draft."""

    revision: Token = ""


class LessonForm(CsrfForm):
    """A reading lesson. ``base`` is the fingerprint of the lesson as the page showed it
    (a conflict is reported when someone changed it since); ``overwrite`` (``yes``) keeps
    this version over theirs."""

    title: Line = ""
    body: Text = ""
    minutes: Line = ""
    required: Token = ""
    base: Token = ""
    overwrite: Token = ""


class PreviewForm(CsrfForm):
    """A lesson body to preview."""

    body: Text = ""


class QuizChangeForm(CsrfForm):
    """A change to a quiz's questions; ``base`` is the fingerprint of the quiz as the page
    showed it (questions are addressed by position)."""

    base: Token = ""


class MoveQuestionForm(QuizChangeForm, MoveForm):
    """Move a question one place ``up`` or ``down``."""


class QuizSettingsForm(NamedFieldsForm, QuizChangeForm):
    """A quiz's settings; ``shuffle`` and ``required`` are ``on`` when ticked. ``draw``
    (questions per attempt, empty: all) and, per category of the questions,
    ``pool-<n>-category`` and ``pool-<n>-draw`` (empty: not a pool) draw questions at
    random."""

    model_config = named_fields(r"^pool-[0-9]{1,4}-(category|draw)$")

    title: Line = ""
    minutes: Line = ""
    pass_mark: Line = ""
    attempts: Line = ""
    time_limit: Line = ""
    score: Token = ""
    reveal: Token = ""
    shuffle: Token = ""
    required: Token = ""
    draw: Line = ""


class GiftForm(QuizChangeForm):
    """All the quiz's questions as GIFT text (or in a file, its own parameter)."""

    gift: GiftText = ""


class QuestionForm(NamedFieldsForm, QuizChangeForm):
    """One question of a quiz, of type ``qtype``, and its rows of answers:
    ``choice-<n>-text|grade|feedback``, ``numerical-<n>-value|tolerance|grade|feedback``,
    ``pair-<n>-question|answer``."""

    model_config = named_fields(r"^(choice|numerical|pair)-[0-9]{1,4}-[a-z]+$")

    qtype: Token = ""
    text: Text = ""
    name: Line = ""
    text_format: Token = ""
    general_feedback: Text = ""
    correct: Token = ""
    true_feedback: Text = ""
    false_feedback: Text = ""
