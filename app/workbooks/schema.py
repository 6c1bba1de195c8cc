"""The shape of a workbook's answers: fields that know how to read themselves from a form,
check themselves, and show themselves as text rows (for review, comparison and export).

A draft keeps what the executive typed even when it breaks a rule, so nothing is ever
cut or lost; ``problems`` says what must change before the workbook can be submitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.content.limits import LIMITS, TextLimit, measure, normalise

# A hard ceiling on any single answer, far above every platform limit: a request with a
# longer value is refused (and the form keeps it), so a draft cannot grow without bound.
MAX_ANSWER = 20_000

FormLike = Mapping[str, Any]


def _text(value: Any) -> str:
    return normalise(value) if isinstance(value, str) else ""


def _texts(values: Sequence[Any]) -> list[str]:
    return [normalise(v) for v in values if isinstance(v, str)]


@dataclass(frozen=True)
class Row:
    """One reviewable unit of a workbook: its comment key, label and text."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """A single text answer (one line or several)."""

    name: str
    label: str
    help: str = ""
    example: str = ""
    required: bool = True
    multiline: bool = False
    limit: TextLimit | None = None
    max_length: int = 500  # when there is no platform limit
    # What to say when the answer is missing at submission, in the words of a person
    # ("Add your role, e.g. …"); list fields may use {minimum} and {filled}.
    missing: str = ""

    kind = "text"

    def parse(self, form: Any) -> Any:
        return _text(form.get(self.name, ""))

    def empty(self, value: Any) -> bool:
        return not _text(value).strip()

    def check(self, value: Any, *, submitting: bool) -> str | None:
        """What is wrong with ``value`` (None if nothing). Limits are reported on every
        save; missing answers only when submitting."""
        text = _text(value)
        if self.limit is not None:
            message = measure(text, self.limit).message
            if message:
                return message
        elif len(text) > self.max_length:
            return f"Keep this to {self.max_length:,} characters (now {len(text):,})."
        if submitting and self.required and not text.strip():
            return self.missing or f"{self.label} is needed before you submit."
        return None

    def rows(self, value: Any) -> list[Row]:
        return [Row(self.name, self.label, _text(value).strip())]

    def too_large(self, value: Any) -> bool:
        return len(_text(value)) > MAX_ANSWER


@dataclass(frozen=True)
class ListField(Field):
    """Several short answers of the same kind (e.g. 3 to 5 areas of expertise)."""

    minimum: int = 1
    maximum: int = 5
    item_label: str = ""  # the label of one answer ("Area of expertise" 1, 2, …)

    kind = "list"

    def input_name(self, number: int) -> str:
        """Each answer has its own input (``expertise-1`` …), so each can be counted."""
        return f"{self.name}-{number}"

    def parse(self, form: Any) -> Any:
        values = [_text(form.get(self.input_name(n), "")) for n in range(1, self.maximum + 1)]
        while values and not values[-1].strip():
            values.pop()
        return values

    def items(self, value: Any) -> list[str]:
        return _texts(value) if isinstance(value, list) else []

    def slots(self, value: Any) -> list[tuple[str, str]]:
        """(input name, answer) for every input to show, blanks up to the maximum."""
        items = self.items(value)[: self.maximum]
        items += [""] * (self.maximum - len(items))
        return [(self.input_name(n), text) for n, text in enumerate(items, start=1)]

    def empty(self, value: Any) -> bool:
        return not any(v.strip() for v in self.items(value))

    def check(self, value: Any, *, submitting: bool) -> str | None:
        items = self.items(value)
        for number, item in enumerate(items, start=1):
            if self.limit is not None:
                message = measure(item, self.limit).message
                if message:
                    return f"Number {number}: {message}"
            elif len(item) > self.max_length:
                return f"Number {number}: keep each to {self.max_length:,} characters."
        filled = sum(1 for v in items if v.strip())
        if submitting and self.required and filled < self.minimum:
            if self.missing:
                return self.missing.format(minimum=self.minimum, filled=filled)
            return (f"Write at least {self.minimum} ({filled} so far); "
                    f"at most {self.maximum}.")
        return None

    def rows(self, value: Any) -> list[Row]:
        items = [v.strip() for v in self.items(value) if v.strip()]
        return [Row(self.name, self.label, "\n".join(f"- {v}" for v in items))]

    def too_large(self, value: Any) -> bool:
        return any(len(v) > MAX_ANSWER for v in self.items(value))


@dataclass(frozen=True)
class ChoicesField(Field):
    """Tick one or more of a fixed set (e.g. the networks)."""

    choices: tuple[Choice, ...] = ()
    minimum: int = 1

    kind = "choices"

    def parse(self, form: Any) -> Any:
        allowed = {c.value for c in self.choices}
        picked = set(form.getlist(self.name))
        return [c.value for c in self.choices if c.value in picked and c.value in allowed]

    def picked(self, value: Any) -> list[str]:
        allowed = {c.value for c in self.choices}
        return [v for v in value if v in allowed] if isinstance(value, list) else []

    def empty(self, value: Any) -> bool:
        return not self.picked(value)

    def check(self, value: Any, *, submitting: bool) -> str | None:
        if submitting and self.required and len(self.picked(value)) < self.minimum:
            return self.missing or f"Choose at least {self.minimum}."
        return None

    def rows(self, value: Any) -> list[Row]:
        labels = {c.value: c.label for c in self.choices}
        return [Row(self.name, self.label, ", ".join(labels[v] for v in self.picked(value)))]


@dataclass(frozen=True)
class PairsField(Field):
    """Tick from a set and write a sentence for each ticked one, plus one of your own
    (e.g. audiences and what each should take away)."""

    choices: tuple[Choice, ...] = ()
    other_label: str = "Another audience"
    max_length: int = 300

    kind = "pairs"

    def parse(self, form: Any) -> Any:
        picked = set(form.getlist(self.name))
        rows = []
        for choice in self.choices:
            note = _text(form.get(f"{self.name}-{choice.value}", ""))
            if choice.value in picked or note.strip():
                rows.append({"key": choice.value, "name": choice.label, "note": note,
                             "picked": choice.value in picked})
        other_name = _text(form.get(f"{self.name}-other-name", ""))
        other_note = _text(form.get(f"{self.name}-other", ""))
        if other_name.strip() or other_note.strip():
            rows.append({"key": "other", "name": other_name, "note": other_note,
                         "picked": True})
        return rows

    def entries(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            return []
        return [e for e in value if isinstance(e, dict)
                and isinstance(e.get("name"), str) and isinstance(e.get("note"), str)]

    def entry(self, value: Any, key: str) -> dict[str, Any] | None:
        return next((e for e in self.entries(value) if e.get("key") == key), None)

    def chosen(self, value: Any) -> list[dict[str, Any]]:
        return [e for e in self.entries(value) if e.get("picked")]

    def empty(self, value: Any) -> bool:
        return not self.chosen(value)

    def check(self, value: Any, *, submitting: bool) -> str | None:
        for entry in self.entries(value):
            if len(entry["note"]) > self.max_length:
                return (f"{entry['name'] or self.other_label}: keep this to "
                        f"{self.max_length:,} characters.")
            if len(entry["name"]) > 80:
                return f"{self.other_label}: keep its name to 80 characters."
        chosen = self.chosen(value)
        if submitting and self.required:
            if not chosen:
                return (self.missing
                        or "Choose at least one audience and say what it should take away.")
            for entry in chosen:
                if not entry["name"].strip():
                    return f"{self.other_label}: give it a name."
                if not entry["note"].strip():
                    return f"{entry['name']}: say what this audience should take away."
        return None

    def rows(self, value: Any) -> list[Row]:
        lines = [f"- {e['name'].strip()}: {e['note'].strip()}" for e in self.chosen(value)]
        return [Row(self.name, self.label, "\n".join(lines))]

    def too_large(self, value: Any) -> bool:
        return any(len(e["note"]) > MAX_ANSWER or len(e["name"]) > MAX_ANSWER
                   for e in self.entries(value))


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str
    fields: tuple[Field, ...] = ()


@dataclass
class Checked:
    """Answers read from a form, with a message per field that breaks a rule."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    refused: bool = False  # an answer above MAX_ANSWER: nothing was saved


def read_step(step: Step, form: Any) -> Checked:
    values = {f.name: f.parse(form) for f in step.fields}
    result = Checked(values)
    for f in step.fields:
        if f.too_large(values[f.name]):
            result.errors[f.name] = (f"This is far too long to save ({MAX_ANSWER:,} characters "
                                     "at most); shorten it and save again.")
            result.refused = True
        else:
            message = f.check(values[f.name], submitting=False)
            if message:
                result.errors[f.name] = message
    return result


def step_errors(step: Step, data: Mapping[str, Any], *, submitting: bool) -> dict[str, str]:
    errors = {}
    for f in step.fields:
        message = f.check(data.get(f.name), submitting=submitting)
        if message:
            errors[f.name] = message
    return errors


def limit(key: str) -> TextLimit:
    return LIMITS[key]
