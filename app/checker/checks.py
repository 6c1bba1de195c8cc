"""The checks "Before you post" runs on a draft: pure functions of the draft and of the
organisation's rules, each returning findings that say what was seen, why it matters in
one line, and which lesson teaches it. Findings advise; none of them blocks anything here
(the planner asks for a clearance tick on "stop" findings before an item is scheduled).

Nothing here reaches the network or the database: the rules are handed in, and a draft
never leaves the server.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from app.checker import lexicon as lx
from app.checker.lexicon import LessonRef
from app.checker.matching import Matcher, fold, matcher


class Severity(StrEnum):
    INFO = "info"
    CAUTION = "caution"
    STOP = "stop"

    @property
    def label(self) -> str:
        return {"info": "Info", "caution": "Caution", "stop": "Stop"}[self.value]

    @property
    def rank(self) -> int:
        return {"stop": 0, "caution": 1, "info": 2}[self.value]


KINDS = {
    "disclosure": "Disclosure",
    "phrase": "Organisation phrase",
    "personal-data": "Personal data",
    "partnership": "Partnership",
    "accessibility": "Accessibility",
    "links": "Links and mentions",
    "ai": "AI assistance",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: Severity
    reason: str
    lesson: LessonRef | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Phrase:
    """A phrase of the organisation's list, as a trainer keeps it."""

    phrase: str
    severity: Severity
    explanation: str = ""
    lesson: LessonRef | None = None


@dataclass(frozen=True)
class ClosedPeriod:
    label: str
    starts_on: dt.date
    ends_on: dt.date  # inclusive

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Rules:
    """The organisation's lists, with their matchers built once for many checks."""

    phrases: tuple[Phrase, ...] = ()
    organisations: tuple[str, ...] = ()
    closed_periods: tuple[ClosedPeriod, ...] = ()
    phrase_matcher: Matcher = field(init=False)
    organisation_matcher: Matcher = field(init=False)
    by_phrase: dict[str, Phrase] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phrase_matcher", matcher(p.phrase for p in self.phrases))
        object.__setattr__(self, "organisation_matcher", matcher(self.organisations))
        object.__setattr__(self, "by_phrase",
                           {" ".join(p.phrase.split()): p for p in self.phrases})


@dataclass(frozen=True)
class Draft:
    text: str
    networks: tuple[str, ...] = ()
    day: dt.date | None = None  # the day it would be posted (today, or the planned day)
    has_image: bool = False
    image_description: str = ""
    ai_assisted: bool = False


NO_RULES = Rules()
_FORWARD = matcher(lx.FORWARD_LOOKING)
_MONEY = matcher(lx.MONEY_WORDS)
_RELATIONSHIP = matcher(lx.RELATIONSHIP_WORDS)

_SCALE = (r"k|m|bn|mn|mio|mrd|millions?|billions?|milliards?|milliarden?|"
          r"percent|per cent|prozent|pour cent|eur|euros?|usd|dollars?")
_FIGURE = re.compile(
    rf"[€$£¥]\s?\d[\d.,]*|\d[\d.,]*\s?(?:%|[€$£¥]|亿|万|億|(?:{_SCALE})(?![^\W\d_]))")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d\s().-]{6,20}\d(?![\w])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HASHTAG = re.compile(r"(?<![\w&#])[#\uff03]([^\W_][\w]*)")
_MENTION = re.compile(r"(?<![\w@.])@(\w{1,50})")
_WORD = re.compile(r"[^\W\d_]+")
# Links as readers see them: with a scheme, from "www.", or a bare domain with a common
# ending (as X and LinkedIn link them); not the domain of an email address.
_URL_CHARS = r"[^\s<>\"\u3000-\u9fff\uff00-\uffef]"
_LINK = re.compile(
    rf"(?<![@.\-/])(?<![^\W\u3000-\u9fff])(?:https?://{_URL_CHARS}+|www\.{_URL_CHARS}+|"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|io|co|ly|gl|gd|in|me|to|"
    r"de|fr|uk|eu|ch|at|it|es|nl|be|cn|jp|ai|app|dev|news|info|biz|id|cc|gy|ink)"
    rf"(?:/{_URL_CHARS}*)?(?![\w@.\-]*@))", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"\u00bb\u201d\u2019\u3002\uff0c\u3001\uff01\uff1f\uff09"


def _quote(items: Iterable[str], limit: int = 3) -> str:
    listed = list(items)
    shown = ", ".join(f"“{item}”" for item in listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")


def disclosure(draft: Draft, rules: Rules) -> list[Finding]:
    found: list[Finding] = []
    if draft.day is not None:
        for period in rules.closed_periods:
            if period.covers(draft.day):
                found.append(Finding(
                    "disclosure", Severity.CAUTION,
                    f"{draft.day.isoformat()} falls in the closed period “{period.label}” "
                    f"({period.starts_on.isoformat()} to {period.ends_on.isoformat()}): "
                    "say nothing about results or outlook until it ends.",
                    lx.CLOSED_PERIOD))
    forward = _FORWARD.find(draft.text)
    if forward:
        found.append(Finding(
            "disclosure", Severity.CAUTION,
            f"{_quote(forward)} reads as a statement about future results: outlook "
            "belongs in the company's official disclosures, not in a personal post.",
            lx.DISCLOSURE))
    if _figures_with_money(draft.text):
        found.append(Finding(
            "disclosure", Severity.CAUTION,
            "A figure next to a revenue, margin or profit word: share only numbers the "
            "company has already published, and say where.", lx.RESULTS))
    return found


def _figures_with_money(text: str) -> bool:
    folded = fold(text)
    for match in _FIGURE.finditer(folded):
        window = folded[max(0, match.start() - 60):match.end() + 60]
        if _MONEY.find(window):
            return True
    return False


def phrases(draft: Draft, rules: Rules) -> list[Finding]:
    found = []
    for spelled in rules.phrase_matcher.find(draft.text):
        phrase = rules.by_phrase.get(spelled)
        if phrase is None:
            continue
        reason = phrase.explanation.strip() or "It is on your organisation's list."
        found.append(Finding("phrase", phrase.severity, f"“{phrase.phrase}”: {reason}",
                             phrase.lesson))
    return found


def _phones(text: str) -> list[str]:
    result = []
    for match in _PHONE.finditer(text):
        value = match.group(0)
        if _ISO_DATE.fullmatch(value.strip()):
            continue
        digits = sum(ch.isdigit() for ch in value)
        intl = value.lstrip("(").startswith(("+", "00"))
        grouped = bool(re.search(r"\d[\s().-]+\d", value))
        if 8 <= digits <= 15 and (intl or (value[0] in "(0" and grouped)
                                  or (digits >= 10 and grouped)):
            result.append(value.strip())
    return result


def personal_data(draft: Draft) -> list[Finding]:
    found = []
    emails = list(dict.fromkeys(_EMAIL.findall(draft.text)))
    if emails:
        found.append(Finding(
            "personal-data", Severity.CAUTION,
            f"An email address ({_quote(emails, 2)}): publish contact details only with "
            "the person's consent, and never a colleague's or a customer's.", lx.PRIVACY))
    text_without_emails = _EMAIL.sub(" ", draft.text)
    phones = list(dict.fromkeys(_phones(text_without_emails)))
    if phones:
        found.append(Finding(
            "personal-data", Severity.CAUTION,
            f"A phone number ({_quote(phones, 2)}): keep personal numbers out of public "
            "posts; point people to a company channel instead.", lx.PRIVACY))
    return found


def partnerships(draft: Draft, rules: Rules) -> list[Finding]:
    named = rules.organisation_matcher.find(draft.text)
    if not named or _RELATIONSHIP.find(draft.text):
        return []
    return [Finding(
        "partnership", Severity.CAUTION,
        f"You name {_quote(named)}, a customer or partner on your organisation's list: say "
        "so (“our client”, “partner”, #ad, “sponsored”) so readers can weigh what you say.",
        lx.PARTNERSHIP)]


_STYLED = re.compile("[\U0001d400-\U0001d7ff]")  # mathematical bold, italic, script…


def _styled_letters(text: str) -> bool:
    return _STYLED.search(text) is not None


def hashtags_in(text: str) -> list[str]:
    return list(dict.fromkeys(match.group(1) for match in _HASHTAG.finditer(text)))


def _caps_runs(text: str) -> list[str]:
    """Runs of three or more words in capitals (acronyms alone are fine), or one long
    word in capitals."""
    shouting = [(index, word) for index, word in enumerate(_WORD.finditer(text))
                if len(word.group(0)) >= 2 and word.group(0).isupper()]
    runs: list[str] = []
    current: list[tuple[int, re.Match[str]]] = []
    for index, word in [*shouting, (-2, None)]:
        if current and word is not None and index == current[-1][0] + 1:
            gap = text[current[-1][1].end():word.start()]
            if "\n" not in gap and len(gap) <= 3:
                current.append((index, word))
                continue
        if len(current) >= 3 or (current and len(current[0][1].group(0)) >= 10):
            runs.append(text[current[0][1].start():current[-1][1].end()])
        current = [(index, word)] if word is not None else []
    return runs


def accessibility(draft: Draft) -> list[Finding]:
    found = []
    if _styled_letters(draft.text):
        found.append(Finding(
            "accessibility", Severity.CAUTION,
            "Styled “bold” or “italic” letters are maths symbols: screen readers spell "
            "them out one by one or skip them, and search does not find them.",
            lx.ACCESSIBILITY))
    tags = hashtags_in(draft.text)
    lowercase = [t for t in tags if t.islower() and len(t) >= 7
                 and all(unicodedata.category(ch).startswith("L") or ch.isdigit()
                         for ch in t)]
    if lowercase:
        found.append(Finding(
            "accessibility", Severity.INFO,
            f"{_quote('#' + t for t in lowercase)}: if a tag joins several words, "
            "capitalise each one (#NetZero, not #netzero) so screen readers can say it.",
            lx.HASHTAGS))
    for network in draft.networks:
        if network in lx.HASHTAG_LIMITS:
            label, most = lx.HASHTAG_LIMITS[network]
            if len(tags) > most:
                found.append(Finding(
                    "accessibility", Severity.CAUTION,
                    f"{len(tags)} hashtags: the course recommends at most {most} on {label}; "
                    "a string of tags reads as advertising and tires screen-reader users.",
                    lx.HASHTAGS))
    if draft.has_image and not draft.image_description.strip():
        found.append(Finding(
            "accessibility", Severity.CAUTION,
            "An image without a description: add alt text so people who cannot see it "
            "get what it shows.", lx.ALT_TEXT))
    runs = _caps_runs(draft.text)
    if runs:
        found.append(Finding(
            "accessibility", Severity.INFO,
            f"Capitals ({_quote(runs, 2)}) read as shouting and are harder to read; "
            "screen readers may spell them out.", lx.ACCESSIBILITY))
    return found


def _host(url: str) -> str:
    target = url if "://" in url else f"//{url}"
    host = (urlsplit(target).hostname or "").lower()
    return host.removeprefix("www.")


def links_and_mentions(draft: Draft) -> list[Finding]:
    found = []
    urls = list(dict.fromkeys(match.group(0).rstrip(_TRAILING)
                              for match in _LINK.finditer(draft.text)))
    mentions = list(dict.fromkeys(_MENTION.findall(_EMAIL.sub(" ", draft.text))))
    if urls or mentions:
        parts = [f"{len(urls)} link{'s' if len(urls) != 1 else ''}",
                 f"{len(mentions)} mention{'s' if len(mentions) != 1 else ''}"]
        note = " X counts every link as 23 characters, however long." \
            if urls and "x" in draft.networks else ""
        found.append(Finding("links", Severity.INFO, f"{' and '.join(parts)}.{note}",
                             lx.LINKS))
    short = [u for u in urls if _host(u) in lx.SHORTENERS]
    if short:
        found.append(Finding(
            "links", Severity.CAUTION,
            f"A shortened link ({_quote(short, 2)}) hides where it leads: readers and "
            "security filters distrust it; use the full address.", lx.SHORT_LINKS))
    if len(mentions) > lx.MANY_MENTIONS:
        found.append(Finding(
            "links", Severity.CAUTION,
            f"{len(mentions)} mentions: tag only people with a reason to be named (credit, "
            "thanks, an invitation), and customers only with their agreement.",
            lx.MENTIONS))
    return found


def ai_assistance(draft: Draft) -> list[Finding]:
    if not draft.ai_assisted:
        return []
    return [Finding(
        "ai", Severity.INFO,
        "Drafted with AI help: check every fact and figure, make it sound like you, and "
        "say so where your organisation or the network asks you to.", lx.AI)]


def check(draft: Draft, rules: Rules = NO_RULES) -> list[Finding]:
    """Every finding on ``draft``, the most serious first."""
    found = [*disclosure(draft, rules), *phrases(draft, rules), *personal_data(draft),
             *partnerships(draft, rules), *accessibility(draft), *links_and_mentions(draft),
             *ai_assistance(draft)]
    order = list(KINDS)
    return sorted(found, key=lambda f: (f.severity.rank, order.index(f.kind)))


def stops(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.STOP]
