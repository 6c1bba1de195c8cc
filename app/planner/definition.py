"""The 90-day strategic message planner: one strategic initiative, its message in one post,
and the content items that carry it over 90 days from a given first day.

The plan's draft is a JSON dict ``{"initiative": str, "message": str, "items": [...]}``
whose values come from users, so every function here reads it defensively: a malformed
item is skipped, a value of the wrong type counts as "". Like every workbook draft, an item
keeps what was typed even when it breaks a platform limit; only structural mistakes (see
``STRUCTURAL``) stop an item from being saved.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from app.content import moments
from app.content.limits import LIMITS, Measure, TextLimit, measure, normalise
from app.workbooks.schema import (
    MAX_ANSWER,
    Choice,
    Field,
    FormLike,
    Row,
    Step,
    step_errors,
)

KIND = "plan"
DAYS = 90  # the window runs from the first day to the first day + 89, inclusive
MIN_ITEMS = 6
MAX_ITEMS = 60
SOURCE_OTHER_MAX = 60
CLEARED_BY_MAX = 120

ITEM_ID_RE = re.compile(r"[0-9a-f]{8}")
ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Network:
    """A network an item can be posted on, with the limit its draft is measured against."""

    value: str
    label: str
    limit_key: str

    @property
    def limit(self) -> TextLimit:
        return LIMITS[self.limit_key]


NETWORKS: tuple[Network, ...] = (
    Network("linkedin", "LinkedIn", "linkedin-post"),
    Network("x", "X", "x-post"),
    Network("instagram", "Instagram", "instagram-caption"),
    Network("threads", "Threads", "threads-post"),
    Network("youtube", "YouTube", "youtube-description"),
)

FORMATS: tuple[Choice, ...] = (
    Choice("text-post", "Text post"),
    Choice("article", "Article"),
    Choice("image", "Image"),
    Choice("video", "Video"),
    Choice("poll", "Poll"),
    Choice("carousel", "Document or carousel"),
    Choice("live", "Live session"),
)

SOURCES: tuple[Choice, ...] = (
    Choice("news-story", "News story"),
    Choice("video", "Video"),
    Choice("employee-example", "Employee example"),
    Choice("customer-testimonial", "Customer testimonial"),
    Choice("conference-talk", "Conference talk"),
    Choice("personal-anecdote", "Personal anecdote"),
    Choice("other", "Other"),
)

STATUSES: tuple[Choice, ...] = (
    Choice("idea", "Idea"),
    Choice("drafted", "Drafted"),
    Choice("scheduled", "Scheduled"),
    Choice("published", "Published"),
)

NETWORK_BY_VALUE = {n.value: n for n in NETWORKS}
FORMAT_LABELS = {c.value: c.label for c in FORMATS}
SOURCE_LABELS = {c.value: c.label for c in SOURCES}
STATUS_LABELS = {c.value: c.label for c in STATUSES}

MESSAGE_STEP = Step(
    "message", "Initiative and message",
    "Choose the one initiative you will champion for the next 90 days, and say in a single "
    "post what you want people to understand about it. Every item you plan carries this "
    "message.",
    fields=(
        Field("initiative", "Strategic initiative", max_length=120,
              help="One initiative your organisation is delivering that you can speak for "
                   "in person: concrete, with an outcome people can picture.",
              example="Open our first zero-emission depot in Lyon",
              missing="Name the one initiative you will champion, e.g. a new depot or "
                      "product."),
        Field("message", "The message in one post", multiline=True, limit=LIMITS["x-post"],
              help="What you want people to remember, written as a post you could publish "
                   "on X today.",
              example="By June our Lyon depot will run on electric vans and solar power. "
                      "Cleaner air for 40,000 neighbours, and the blueprint for every depot "
                      "we open next.",
              missing="Write your message as one post you could publish today."),
    ),
)

ITEM_FIELDS = ("date", "network", "format", "source", "source_other", "draft", "status")
# Errors that must be fixed before an item can be saved. "draft" is not among them: a draft
# over its network's limit is saved as typed and the message shown beside it. A draft over
# MAX_ANSWER is refused under its own key, "draft_size".
STRUCTURAL = ("date", "network", "format", "source", "source_other", "status", "draft_size",
              "cleared_by", "clearance")


def window_end(starts_on: dt.date) -> dt.date:
    """The last day of the plan (inclusive)."""
    return starts_on + dt.timedelta(days=DAYS - 1)


def parse_day(text: str) -> dt.date | None:
    """A date written as YYYY-MM-DD, or None if ``text`` is not one (or no such day)."""
    if not ISO_DATE_RE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def format_day(day: dt.date, *, weekday: bool = False) -> str:
    """``12 Jan 2027``, or ``Tue 12 Jan 2027`` with the weekday."""
    return moments.weekday(day) if weekday else moments.day(day)


@dataclass
class Item:
    """One planned piece of content, exactly as stored (values may break the rules)."""

    id: str
    date: str
    network: str
    format: str
    source: str
    source_other: str
    draft: str
    status: str
    # Who the executive cleared a "stop" finding of the draft with ("" when not cleared):
    # an item with one may be marked scheduled only once it is cleared.
    cleared_by: str = ""

    @property
    def day(self) -> dt.date | None:
        return parse_day(self.date)

    @property
    def network_info(self) -> Network | None:
        return NETWORK_BY_VALUE.get(self.network)

    @property
    def limit(self) -> TextLimit | None:
        network = self.network_info
        return network.limit if network else None

    @property
    def draft_measure(self) -> Measure | None:
        limit = self.limit
        return measure(self.draft, limit) if limit else None

    @property
    def network_label(self) -> str:
        network = self.network_info
        return network.label if network else ""

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, "")

    @property
    def source_label(self) -> str:
        """The source's label; for "other", what the executive wrote (or "Other")."""
        if self.source == "other":
            return self.source_other.strip() or SOURCE_LABELS["other"]
        return SOURCE_LABELS.get(self.source, "")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    def to_dict(self) -> dict[str, str]:
        """The item as stored; ``cleared_by`` only when a clearance was given."""
        data = asdict(self)
        if not self.cleared_by:
            del data["cleared_by"]
        return data


def new_item_id() -> str:
    return secrets.token_hex(4)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mapping(data: Any) -> Mapping[str, Any]:
    return data if isinstance(data, Mapping) else {}


def _item(raw: Any) -> Item | None:
    if not isinstance(raw, Mapping):
        return None
    item_id = _str(raw.get("id"))
    if not ITEM_ID_RE.fullmatch(item_id):
        return None
    return Item(id=item_id, **{name: _str(raw.get(name)) for name in ITEM_FIELDS},
                cleared_by=_str(raw.get("cleared_by")))


def items(data: Mapping[str, Any]) -> list[Item]:
    """The plan's well-formed items, by date then id; items without a valid date last.

    An item must be a dict with an 8-hex-character id (the first of duplicate ids wins);
    any of its other values that is not a string reads as ""."""
    raw_items = _mapping(data).get("items")
    if not isinstance(raw_items, list):
        return []
    found: dict[str, Item] = {}
    for raw in raw_items:
        item = _item(raw)
        if item is not None and item.id not in found:
            found[item.id] = item
    return sorted(found.values(),
                  key=lambda i: (i.day is None, i.day or dt.date.min, i.id))


def item_problems(item: Item, *, starts_on: dt.date, submitting: bool) -> dict[str, str]:
    """What is wrong with ``item``, per field name (``STRUCTURAL`` says which block saving).

    A draft over its network's limit is reported under "draft" on every check; a missing
    draft only when ``submitting``."""
    errors: dict[str, str] = {}
    day = item.day
    end = window_end(starts_on)
    if day is None:
        errors["date"] = f"Enter the date as YYYY-MM-DD, e.g. {starts_on.isoformat()}."
    elif not starts_on <= day <= end:
        errors["date"] = f"Pick a day between {format_day(starts_on)} and {format_day(end)}."
    if item.network not in NETWORK_BY_VALUE:
        errors["network"] = "Choose a network from the list."
    if item.format not in FORMAT_LABELS:
        errors["format"] = "Choose a format from the list."
    if item.source not in SOURCE_LABELS:
        errors["source"] = "Choose a source from the list."
    elif item.source == "other" and not item.source_other.strip():
        errors["source_other"] = "Say what the source is."
    elif item.source == "other" and len(item.source_other) > SOURCE_OTHER_MAX:
        errors["source_other"] = (f"Keep the source to {SOURCE_OTHER_MAX} characters "
                                  f"(now {len(item.source_other):,}).")
    if item.status not in STATUS_LABELS:
        errors["status"] = "Choose a status from the list."
    if len(item.draft) > MAX_ANSWER:
        errors["draft_size"] = (f"This draft is far too long to save ({MAX_ANSWER:,} "
                                "characters at most); shorten it and save again.")
        return errors
    draft_measure = item.draft_measure
    if draft_measure is not None and draft_measure.message:
        errors["draft"] = draft_measure.message
    elif submitting and not item.draft.strip():
        errors["draft"] = "Write a draft for this item."
    return errors


def blocking(errors: Mapping[str, str]) -> bool:
    """Whether ``errors`` stop an item from being saved (a structural error among them)."""
    return any(key in errors for key in STRUCTURAL)


def parse_item(form: FormLike, *, starts_on: dt.date,
               item_id: str) -> tuple[Item, dict[str, str]]:
    """The item a form submitted, with exactly what was typed (line breaks and Unicode
    normalised), and what is wrong with it per field name.

    Save the item unless ``blocking(errors)``; either way show the errors. The other
    source's text is kept only when the source is "other"."""
    values = {name: _str(form.get(name)) for name in ITEM_FIELDS}
    source = values["source"].strip()
    cleared_by = " ".join(normalise(_str(form.get("cleared_by"))).split()) \
        if _str(form.get("cleared")) else ""
    item = Item(
        id=item_id,
        date=values["date"].strip(),
        network=values["network"].strip(),
        format=values["format"].strip(),
        source=source,
        source_other=normalise(values["source_other"]) if source == "other" else "",
        draft=normalise(values["draft"]),
        status=values["status"].strip(),
        cleared_by=cleared_by,
    )
    errors = item_problems(item, starts_on=starts_on, submitting=False)
    if _str(form.get("cleared")) and not cleared_by:
        errors["cleared_by"] = "Say who you cleared it with, e.g. “Ana Lopez, Legal”."
    elif len(cleared_by) > CLEARED_BY_MAX:
        errors["cleared_by"] = f"Keep the name to {CLEARED_BY_MAX} characters."
    return item, errors


def submit_errors(data: Mapping[str, Any], starts_on: dt.date) -> dict[str, str]:
    """Everything that must change before the plan can be submitted: "initiative",
    "message", "items" (how many) and "items.<id>" (one message per faulty item)."""
    data = _mapping(data)
    errors = step_errors(MESSAGE_STEP, data, submitting=True)
    planned = items(data)
    if len(planned) < MIN_ITEMS:
        errors["items"] = f"Plan at least {MIN_ITEMS} items ({len(planned)} so far)."
    elif len(planned) > MAX_ITEMS:
        errors["items"] = f"Plan at most {MAX_ITEMS} items ({len(planned)} now)."
    for item in planned:
        problems = item_problems(item, starts_on=starts_on, submitting=True)
        if problems:
            errors[f"items.{item.id}"] = " ".join(problems.values())
    return errors


def item_label(item: Item) -> str:
    """``Tue 12 Jan 2027 · LinkedIn · Video · Customer testimonial · Idea``."""
    day = item.day
    parts = (format_day(day, weekday=True) if day else "No date", item.network_label,
             item.format_label, item.source_label, item.status_label)
    return " · ".join(part for part in parts if part)


def rows(data: Mapping[str, Any], starts_on: dt.date | None = None) -> list[Row]:
    """The plan as reviewable rows: first day, initiative, message, then each item."""
    data = _mapping(data)
    result = [Row("starts_on", "First day", format_day(starts_on))] if starts_on else []
    result += [row for f in MESSAGE_STEP.fields for row in f.rows(data.get(f.name))]
    result += [Row(f"items.{item.id}", item_label(item), item.draft.strip())
               for item in items(data)]
    return result


def started(data: Mapping[str, Any]) -> bool:
    """Whether anything has been written or planned yet."""
    data = _mapping(data)
    return bool(items(data)) or any(not f.empty(data.get(f.name)) for f in MESSAGE_STEP.fields)
