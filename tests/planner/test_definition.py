"""The planner's items: reading forms and stored drafts, checking them, and showing them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.datastructures import FormData

from app.content.limits import LIMITS
from app.planner import definition as plan
from app.planner.definition import Item
from app.workbooks.schema import MAX_ANSWER, Row

STARTS_ON = dt.date(2027, 1, 12)
WINDOW = "Pick a day between 12 Jan 2027 and 11 Apr 2027."


def on(day: int) -> str:
    return (STARTS_ON + dt.timedelta(days=day)).isoformat()


def form(**overrides: str) -> FormData:
    values = {"date": on(0), "network": "linkedin", "format": "video",
              "source": "customer-testimonial", "source_other": "", "draft": "Our depot.",
              "status": "idea"}
    values.update(overrides)
    return FormData(list(values.items()))


def parse(**overrides: str) -> tuple[Item, dict[str, str]]:
    return plan.parse_item(form(**overrides), starts_on=STARTS_ON, item_id="a1b2c3d4")


def stored(item_id: str, day: int, **overrides: Any) -> dict[str, Any]:
    values = {"id": item_id, "date": on(day), "network": "x", "format": "text-post",
              "source": "news-story", "source_other": "", "draft": f"Post {item_id}",
              "status": "drafted"}
    values.update(overrides)
    return values


def complete_plan(count: int) -> dict[str, Any]:
    return {"initiative": "Open our first zero-emission depot in Lyon",
            "message": "Lyon goes electric in June.",
            "items": [stored(f"{n:08x}", n * 7) for n in range(count)]}


# --- definitions -----------------------------------------------------------------------

def test_every_network_has_a_known_limit() -> None:
    assert [n.value for n in plan.NETWORKS] == ["linkedin", "x", "instagram", "threads",
                                                "youtube"]
    for network in plan.NETWORKS:
        assert network.limit is LIMITS[network.limit_key]


def test_message_step_uses_the_x_limit() -> None:
    fields = {f.name: f for f in plan.MESSAGE_STEP.fields}
    assert fields["message"].limit is LIMITS["x-post"]
    assert fields["initiative"].max_length == 120
    assert all(f.help and f.example for f in fields.values())


def test_new_item_ids_are_random_lowercase_hex() -> None:
    ids = {plan.new_item_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(plan.ITEM_ID_RE.fullmatch(i) for i in ids)


def test_window_runs_ninety_days_inclusive() -> None:
    assert plan.window_end(STARTS_ON) == dt.date(2027, 4, 11)
    assert (plan.window_end(STARTS_ON) - STARTS_ON).days == plan.DAYS - 1


# --- parse_item: dates -------------------------------------------------------------------

def test_valid_item_has_no_errors() -> None:
    item, errors = parse(draft="Line one\r\nLine two")
    assert errors == {}
    assert not plan.blocking(errors)
    assert item == Item("a1b2c3d4", on(0), "linkedin", "video", "customer-testimonial", "",
                        "Line one\nLine two", "idea")


@pytest.mark.parametrize("day", [0, 1, 45, 89])
def test_days_inside_the_window_are_accepted(day: int) -> None:
    item, errors = parse(date=on(day))
    assert errors == {}
    assert item.day == STARTS_ON + dt.timedelta(days=day)


@pytest.mark.parametrize("day", [-1, 90, 400])
def test_days_outside_the_window_are_refused(day: int) -> None:
    item, errors = parse(date=on(day))
    assert errors == {"date": WINDOW}
    assert plan.blocking(errors)
    assert item.date == on(day)  # kept as typed


@pytest.mark.parametrize(
    "typed", ["", "   ", "2027-02-30", "12/01/2027", "2027-1-12", "20270112", "2027-W02-2",
              "\u0662\u0660\u0662\u0667-\u0660\u0661-\u0661\u0662", "tomorrow", "2027-01-12T10:00"],
)
def test_missing_or_invalid_dates_are_refused(typed: str) -> None:
    _, errors = parse(date=typed)
    assert errors == {"date": "Enter the date as YYYY-MM-DD, e.g. 2027-01-12."}
    assert plan.blocking(errors)


# --- parse_item: choices -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "value"),
    [("network", "facebook"), ("network", ""), ("format", "<script>alert(1)</script>"),
     ("format", "Video"), ("source", "rumour"), ("source", ""), ("status", "done"),
     ("status", "{{7*7}}")],
)
def test_tampered_choices_are_refused(name: str, value: str) -> None:
    item, errors = parse(**{name: value})
    assert list(errors) == [name]
    assert errors[name].startswith("Choose a")
    assert plan.blocking(errors)
    assert getattr(item, name) == value


def test_missing_fields_are_refused_without_raising() -> None:
    item, errors = plan.parse_item(FormData(), starts_on=STARTS_ON, item_id="a1b2c3d4")
    assert set(errors) == {"date", "network", "format", "source", "status"}
    assert item.draft == ""


def test_non_text_form_values_read_as_empty() -> None:
    junk = {"date": 5, "network": None, "format": ["video"], "draft": object()}
    item, errors = plan.parse_item(junk, starts_on=STARTS_ON, item_id="a1b2c3d4")
    assert (item.date, item.network, item.format, item.draft) == ("", "", "", "")
    assert "date" in errors


# --- parse_item: the other source --------------------------------------------------------

def test_other_source_needs_a_description() -> None:
    _, errors = parse(source="other", source_other="   ")
    assert errors == {"source_other": "Say what the source is."}
    assert plan.blocking(errors)


def test_other_source_uses_its_description_as_label() -> None:
    item, errors = parse(source="other", source_other="Board minutes")
    assert errors == {}
    assert item.source_label == "Board minutes"


def test_other_source_description_is_at_most_sixty_characters() -> None:
    assert parse(source="other", source_other="s" * 60)[1] == {}
    item, errors = parse(source="other", source_other="s" * 61)
    assert errors == {"source_other": "Keep the source to 60 characters (now 61)."}
    assert plan.blocking(errors)
    assert item.source_other == "s" * 61


def test_other_source_text_is_dropped_for_a_listed_source() -> None:
    item, errors = parse(source="video", source_other="s" * 100)
    assert errors == {}
    assert item.source_other == ""


# --- parse_item: drafts over their limit are kept, not blocked ---------------------------

@pytest.mark.parametrize(
    ("network", "length", "over"),
    [("x", 280, False), ("x", 281, True), ("linkedin", 3_000, False),
     ("linkedin", 3_001, True), ("threads", 501, True), ("youtube", 5_000, False)],
)
def test_draft_limit_follows_the_network(network: str, length: int, over: bool) -> None:
    item, errors = parse(network=network, draft="a" * length)
    assert item.draft == "a" * length
    assert not plan.blocking(errors)
    if over:
        assert errors == {"draft": item.draft_measure.message}  # type: ignore[union-attr]
        assert errors["draft"].startswith("1 character over the limit")
    else:
        assert errors == {}


def test_draft_over_the_hard_ceiling_blocks_saving() -> None:
    _, errors = parse(draft="a" * (MAX_ANSWER + 1))
    assert list(errors) == ["draft_size"]
    assert plan.blocking(errors)


def test_blocking_ignores_the_draft_limit() -> None:
    assert not plan.blocking({})
    assert not plan.blocking({"draft": "over"})
    for key in plan.STRUCTURAL:
        assert plan.blocking({key: "wrong"})


# --- stored items ------------------------------------------------------------------------

def test_item_labels_and_limits() -> None:
    item = plan.items({"items": [stored("a1b2c3d4", 0, network="instagram", format="carousel",
                                        source="personal-anecdote", status="published")]})[0]
    assert (item.network_label, item.format_label, item.source_label, item.status_label) == (
        "Instagram", "Document or carousel", "Personal anecdote", "Published")
    assert item.limit is LIMITS["instagram-caption"]
    assert item.draft_measure is not None
    assert item.draft_measure.used == len("Post a1b2c3d4")
    assert item.to_dict() == stored("a1b2c3d4", 0, network="instagram", format="carousel",
                                    source="personal-anecdote", status="published")


def test_unknown_values_have_empty_labels() -> None:
    item = Item("a1b2c3d4", "nope", "myspace", "telegram", "rumour", "", "x", "lost")
    assert item.day is None
    assert (item.network_info, item.limit, item.draft_measure) == (None, None, None)
    assert (item.network_label, item.format_label, item.source_label, item.status_label) == (
        "", "", "", "")
    assert Item("a1b2c3d4", "", "", "", "other", "", "", "").source_label == "Other"


def test_items_are_sorted_by_date_then_id_with_undated_last() -> None:
    data = {"items": [stored("0000000c", 5), stored("0000000b", 5), stored("0000000a", 9),
                      stored("00000001", 0, date="someday"), stored("00000002", 1)]}
    assert [i.id for i in plan.items(data)] == ["00000002", "0000000b", "0000000c",
                                                "0000000a", "00000001"]


@pytest.mark.parametrize(
    "data",
    [{}, {"items": None}, {"items": "a1b2c3d4"}, {"items": {"id": "a1b2c3d4"}}, [], None,
     "junk", {"items": [None, 3, "x", ["a1b2c3d4"], {"id": 12345678}, {"id": "A1B2C3D4"},
                        {"id": "../../etc"}, {}]}],
)
def test_malformed_data_gives_no_items(data: Any) -> None:
    assert plan.items(data) == []
    assert plan.rows(data) == [Row("initiative", "Strategic initiative", ""),
                               Row("message", "The message in one post", "")]
    assert not plan.started(data)
    assert "items" in plan.submit_errors(data, STARTS_ON)


def test_wrong_types_inside_an_item_read_as_empty() -> None:
    data = {"items": [{"id": "a1b2c3d4", "date": 20270112, "network": ["x"], "draft": 7,
                       "status": {"idea": 1}}]}
    [item] = plan.items(data)
    assert item == Item("a1b2c3d4", "", "", "", "", "", "", "")
    problems = plan.item_problems(item, starts_on=STARTS_ON, submitting=True)
    assert set(problems) == {"date", "network", "format", "source", "status", "draft"}


def test_duplicate_ids_keep_the_first_item() -> None:
    data = {"items": [stored("a1b2c3d4", 3, draft="first"), stored("a1b2c3d4", 1)]}
    assert [i.draft for i in plan.items(data)] == ["first"]


def test_missing_draft_is_a_problem_only_when_submitting() -> None:
    item = Item("a1b2c3d4", on(3), "x", "poll", "video", "", "  ", "idea")
    assert plan.item_problems(item, starts_on=STARTS_ON, submitting=False) == {}
    assert plan.item_problems(item, starts_on=STARTS_ON, submitting=True) == {
        "draft": "Write a draft for this item."}


def test_stored_item_outside_a_moved_window_is_a_problem() -> None:
    item = Item("a1b2c3d4", on(0), "x", "poll", "video", "", "Text", "idea")
    later = STARTS_ON + dt.timedelta(days=1)
    assert plan.item_problems(item, starts_on=later, submitting=False) == {
        "date": "Pick a day between 13 Jan 2027 and 12 Apr 2027."}


# --- submitting --------------------------------------------------------------------------

def test_complete_plan_can_be_submitted() -> None:
    assert plan.submit_errors(complete_plan(6), STARTS_ON) == {}


def test_too_few_items() -> None:
    assert plan.submit_errors(complete_plan(5), STARTS_ON) == {
        "items": "Plan at least 6 items (5 so far)."}


def test_too_many_items() -> None:
    data = complete_plan(0)
    data["items"] = [stored(f"{n:08x}", n % 90) for n in range(plan.MAX_ITEMS + 1)]
    assert plan.submit_errors(data, STARTS_ON) == {"items": "Plan at most 60 items (61 now)."}


def test_initiative_and_message_are_required() -> None:
    data = complete_plan(6)
    data["initiative"] = " "
    del data["message"]
    errors = plan.submit_errors(data, STARTS_ON)
    assert errors == {
        "initiative": "Name the one initiative you will champion, e.g. a new depot or product.",
        "message": "Write your message as one post you could publish today."}


def test_message_must_fit_an_x_post() -> None:
    data = complete_plan(6)
    data["message"] = "m" * 281
    assert plan.submit_errors(data, STARTS_ON)["message"].startswith(
        "1 character over the limit")


def test_item_problems_are_joined_per_item() -> None:
    data = complete_plan(6)
    data["items"][2].update(draft="", status="lost")
    data["items"][4].update(draft="x" * 281)
    errors = plan.submit_errors(data, STARTS_ON)
    assert set(errors) == {"items.00000002", "items.00000004"}
    assert errors["items.00000002"] == ("Choose a status from the list. "
                                        "Write a draft for this item.")
    assert errors["items.00000004"].startswith("1 character over the limit: the X post")


def test_junk_initiative_and_message_do_not_raise() -> None:
    data = {"initiative": 12, "message": ["x"], "items": complete_plan(6)["items"]}
    assert set(plan.submit_errors(data, STARTS_ON)) == {"initiative", "message"}


# --- rows and started --------------------------------------------------------------------

def test_rows_show_the_first_day_the_message_and_each_item() -> None:
    data = {"initiative": " Lyon depot ", "message": "Electric by June.",
            "items": [stored("0000000b", 0, network="linkedin", format="video",
                             source="customer-testimonial", status="idea",
                             draft=" Hear Amal, a driver. "),
                      stored("0000000a", 0, date="", source="other", source_other="Podcast")]}
    assert plan.rows(data, STARTS_ON) == [
        Row("starts_on", "First day", "12 Jan 2027"),
        Row("initiative", "Strategic initiative", "Lyon depot"),
        Row("message", "The message in one post", "Electric by June."),
        Row("items.0000000b",
                 "Tue 12 Jan 2027 · LinkedIn · Video · Customer testimonial · Idea",
                 "Hear Amal, a driver."),
        Row("items.0000000a", "No date · X · Text post · Podcast · Drafted",
                 "Post 0000000a"),
    ]
    assert plan.rows(data)[0].key == "initiative"


@pytest.mark.parametrize(
    ("data", "expected"),
    [({}, False), ({"initiative": "  ", "message": ""}, False), ({"initiative": "Lyon"}, True),
     ({"message": "Go"}, True), ({"items": [stored("a1b2c3d4", 0)]}, True)],
)
def test_started(data: dict[str, Any], expected: bool) -> None:
    assert plan.started(data) is expected
