"""Platform limits and how Podium counts characters: plain text, X's weighted counting
(links, CJK, emoji), normalisation (combining marks, CRLF), the warning threshold, the
messages, the parsing ceiling, and LinkedIn's "see more" split."""

from __future__ import annotations

import pytest

from app.content.limits import (
    LIMITS,
    LINKEDIN_SEE_MORE,
    X_PARSE_CEILING,
    Counting,
    count,
    measure,
    normalise,
    see_more_split,
)

CJK = "中"
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # man, ZWJ, woman, ZWJ, girl
FLAG = "\U0001F1E9\U0001F1EA"  # regional indicators D + E: the German flag
THUMB_TONE = "\U0001F44D\U0001F3FD"  # thumbs up with a medium skin tone
LONG_URL = "https://example.com/" + "a" * 80  # 100 characters


def x_count(text: str) -> int:
    return count(text, Counting.X)


def char_count(text: str) -> int:
    return count(text, Counting.CHARACTERS)


# --- plain characters ------------------------------------------------------------------

def test_plain_ascii_counts_one_per_character() -> None:
    text = "CEO of Northwind. Clean logistics."
    assert char_count(text) == len(text) == 34
    assert x_count(text) == 34
    result = measure(text, "x-bio")
    assert (result.used, result.remaining, result.state, result.over) == (34, 126, "ok", False)
    assert result.message is None


def test_the_limits_are_the_platforms() -> None:
    maxima = {key: limit.maximum for key, limit in LIMITS.items()}
    assert maxima["x-name"] == 50
    assert maxima["x-bio"] == 160
    assert maxima["x-post"] == 280
    assert maxima["linkedin-headline"] == 220
    assert maxima["linkedin-about"] == 2_600
    assert maxima["linkedin-post"] == 3_000
    assert LIMITS["x-post"].counting is Counting.X
    assert LIMITS["x-bio"].counting is Counting.CHARACTERS


@pytest.mark.parametrize("key", sorted(LIMITS))
def test_exactly_at_the_limit_is_accepted(key: str) -> None:
    limit = LIMITS[key]
    result = measure("a" * limit.maximum, key)
    assert result.used == limit.maximum
    assert result.remaining == 0
    assert not result.over
    assert result.state == "near"
    assert result.message is None


@pytest.mark.parametrize("key", sorted(LIMITS))
def test_one_over_the_limit_is_refused(key: str) -> None:
    limit = LIMITS[key]
    result = measure("a" * (limit.maximum + 1), key)
    assert result.used == limit.maximum + 1
    assert result.remaining == -1
    assert result.over
    assert result.state == "over"
    assert result.message is not None
    assert result.message.startswith("1 character over the limit: ")
    assert limit.label in result.message


def test_measure_accepts_a_limit_object_or_its_key() -> None:
    assert measure("hello", LIMITS["x-name"]) == measure("hello", "x-name")
    with pytest.raises(KeyError):
        measure("hello", "myspace-bio")


# --- X counting --------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://example.com", "http://a.co", LONG_URL, "example.com",
                                 "https://example.com/path?query=1&more=2#anchor"])
def test_a_link_counts_23_whatever_its_length(url: str) -> None:
    assert x_count(url) == 23
    assert x_count(f"Read {url} today") == 5 + 23 + 6


def test_a_long_link_lets_a_post_fit_that_is_longer_in_characters() -> None:
    fits = "a" * 256 + " " + LONG_URL
    assert len(fits) == 357
    assert measure(fits, "x-post").used == 280
    assert not measure(fits, "x-post").over
    over = "a" * 257 + " " + LONG_URL
    assert measure(over, "x-post").used == 281
    assert measure(over, "x-post").over
    # counted in characters, the same link counts every character
    assert char_count(LONG_URL) == 100


def test_two_links_count_23_each() -> None:
    assert x_count("see http://a.co and https://b.org/x") == 4 + 23 + 5 + 23
    assert x_count(f"{LONG_URL} {LONG_URL}") == 23 + 1 + 23


def test_cjk_characters_count_two() -> None:
    assert x_count(CJK) == 2
    assert x_count("日本語のテキスト") == 16
    at_limit = measure(CJK * 140, "x-post")
    assert (at_limit.used, at_limit.over) == (280, False)
    over = measure(CJK * 141, "x-post")
    assert (over.used, over.over) == (282, True)
    assert over.message is not None and over.message.startswith("2 characters over")
    # outside X, a CJK character is one character
    assert char_count(CJK * 141) == 141


@pytest.mark.parametrize("emoji", [FAMILY, FLAG, THUMB_TONE, "\U0001F680", "\u2764\ufe0f"],
                         ids=["zwj-family", "flag", "skin-tone", "rocket", "heart"])
def test_an_emoji_counts_two_on_x(emoji: str) -> None:
    assert x_count(emoji) == 2
    assert x_count(f"Go {emoji}!") == 3 + 2 + 1
    assert measure(emoji * 140, "x-post").used == 280
    assert not measure(emoji * 140, "x-post").over
    assert measure(emoji * 141, "x-post").over


def test_combining_marks_count_like_the_composed_character() -> None:
    composed, combining = "\u00e9", "e\u0301"
    assert char_count(combining) == char_count(composed) == 1
    assert x_count(combining) == x_count(composed) == 1
    assert char_count("Caf" + combining) == 4
    # 160 "é" typed with combining accents (320 code points) still fit an X bio
    assert len(combining * 160) == 320
    assert not measure(combining * 160, "x-bio").over
    assert measure(combining * 161, "x-bio").used == 161


@pytest.mark.parametrize("counting", list(Counting))
def test_a_line_break_counts_one_whatever_the_browser_sent(counting: Counting) -> None:
    assert count("a\r\nb", counting) == 3
    assert count("a\rb", counting) == 3
    assert count("a\nb", counting) == 3
    assert count("a\r\n\r\nb", counting) == 4


def test_crlf_text_at_the_limit_is_not_over() -> None:
    text = ("a" * 9 + "\r\n") * 16  # 176 as sent, 160 once the line breaks are one each
    assert len(text) == 176
    result = measure(text, "x-bio")
    assert (result.used, result.over) == (160, False)


def test_normalise_gives_lf_line_breaks_and_composed_characters() -> None:
    assert normalise("Cafe\u0301\r\nline\rend") == "Caf\u00e9\nline\nend"
    assert normalise("plain") == "plain"


# --- states and messages -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "below", "warn"),
    [("x-bio", 143, 144), ("x-name", 44, 45), ("linkedin-headline", 197, 198),
     ("linkedin-about", 2_339, 2_340), ("x-post", 251, 252)],
)
def test_the_counter_warns_from_90_percent(key: str, below: int, warn: int) -> None:
    assert LIMITS[key].warn_from == warn
    assert measure("a" * below, key).state == "ok"
    assert measure("a" * warn, key).state == "near"
    assert measure("a" * LIMITS[key].maximum, key).state == "near"
    assert measure("a" * (LIMITS[key].maximum + 1), key).state == "over"


def test_the_warning_on_x_uses_the_weighted_count() -> None:
    assert measure(CJK * 125, "x-post").state == "ok"  # 250
    assert measure(CJK * 126, "x-post").state == "near"  # 252


def test_the_message_gives_the_excess_and_the_rule() -> None:
    assert measure("a" * 165, "x-bio").message == (
        "5 characters over the limit: the X bio takes at most 160 characters.")
    assert measure("a" * 51, "x-name").message == (
        "1 character over the limit: the X display name takes at most 50 characters.")
    assert measure(CJK * 141, "x-post").message == (
        "2 characters over the limit: the X post takes at most 280 characters as X counts "
        "them (a link counts 23, emoji and CJK 2).")
    assert measure("a" * 3_600, "linkedin-about").message == (
        "1,000 characters over the limit: the LinkedIn About section takes at most "
        "2,600 characters.")


def test_no_message_under_the_limit() -> None:
    for key, limit in LIMITS.items():
        assert measure("a" * limit.warn_from, key).message is None


# --- the parsing ceiling -----------------------------------------------------------------

def test_very_long_x_text_is_counted_in_characters_without_parsing() -> None:
    text = "a" * (X_PARSE_CEILING + 1)
    result = measure(text, "x-post")
    assert result.used == X_PARSE_CEILING + 1
    assert result.over


def test_an_absurdly_long_link_beyond_the_ceiling_does_not_count_23() -> None:
    url = "https://example.com/" + "a" * X_PARSE_CEILING
    result = measure(url, "x-post")
    assert result.used == len(url)
    assert result.over


def test_the_ceiling_applies_after_normalisation() -> None:
    # 4,000 line breaks sent as CRLF are 8,000 characters, but only 4,000 once normalised:
    # they are parsed (each counts 1), not refused as too long to parse.
    assert x_count("\r\n" * X_PARSE_CEILING) == X_PARSE_CEILING


def test_huge_x_text_with_many_links_is_over_the_limit() -> None:
    assert x_count("https://example.com/ " * 50_000) == len("https://example.com/ ") * 50_000


# --- LinkedIn's "see more" ---------------------------------------------------------------

def test_short_about_is_shown_whole() -> None:
    assert see_more_split("Short and sweet.") == ("Short and sweet.", "")
    at_cut = "a" * LINKEDIN_SEE_MORE
    assert see_more_split(at_cut) == (at_cut, "")
    assert see_more_split("") == ("", "")


def test_short_about_is_normalised_before_measuring() -> None:
    # 201 characters as sent, 200 with the CRLF counted as one: shown whole
    text = "a" * 100 + "\r\n" + "b" * 99
    assert see_more_split(text) == ("a" * 100 + "\n" + "b" * 99, "")


@pytest.mark.parametrize("offset", range(0, 12))
def test_the_split_never_falls_inside_a_word(offset: int) -> None:
    words = ["logistics", "can", "be", "clean", "and", "still", "fast", "Northwind",
             "delivers", "electric"]
    text = "x" * offset + " " + " ".join(words[i % len(words)] for i in range(60))
    visible, rest = see_more_split(text)
    assert visible + rest == text
    assert rest, "a long text has a rest"
    assert LINKEDIN_SEE_MORE - 40 <= len(visible) <= LINKEDIN_SEE_MORE
    # the cut is at a space: the visible part ends with a whole word, the rest starts
    # with the space before the next word
    assert rest.startswith(" ")
    assert not visible.endswith(" ")
    assert visible.split()[-1] in words


def test_a_space_just_after_the_cut_is_used() -> None:
    text = "a" * 200 + " tail"
    assert see_more_split(text) == ("a" * 200, " tail")


def test_without_a_space_near_the_cut_the_text_is_cut_at_200() -> None:
    text = "a" * 150 + " " + "b" * 300
    visible, rest = see_more_split(text)
    assert len(visible) == LINKEDIN_SEE_MORE
    assert visible + rest == text
