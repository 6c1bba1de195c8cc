"""Lesson Markdown to safe HTML.

CommonMark (plus tables and strikethrough) through markdown-it-py with raw HTML shown as
text, then sanitised with nh3 so that whatever a course author writes, the result has no
scripts, event handlers or dangerous URLs.

Callouts: a blockquote whose first line is a marker such as ``> [!TIP]`` (optionally
followed by a title of the author's own) becomes ``<aside class="callout callout-tip">``
with a title line; see ``CALLOUTS`` and courses/README.md. ``outline`` lists a lesson's
sections (its ``<h2>`` headings) and gives each an anchor.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "CALLOUTS",
    "LINK_REL",
    "WORDS_PER_MINUTE",
    "Section",
    "block_tokens",
    "estimated_minutes",
    "outline",
    "plain_word_count",
    "render_markdown",
]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "img",
        "aside",
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
# The callout markers authors may use, and the title each shows unless the author gives one.
CALLOUTS: dict[str, str] = {
    "TAKEAWAYS": "Key takeaways",
    "TIP": "Tip",
    "NOTE": "Note",
    "WARNING": "Warning",
}
# Classes are kept only where the renderer itself writes them (callouts), never others.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "aside": frozenset({"callout"} | {f"callout-{kind.lower()}" for kind in CALLOUTS}),
    "p": frozenset({"callout-title"}),
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
WORDS_PER_MINUTE = 200

_TEXT_ALIGN = re.compile(r"^text-align:\s*(left|right|center)$")
_CALLOUT_MARKER = re.compile(r"^\[!([A-Za-z]+)\][ \t]*([^\n]*)(?:\n|$)")


def _make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


# Configured once and never changed afterwards; parse/render keep their state per call.
_MD = _make_parser()


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _callouts(tokens: list[Token]) -> list[Token]:
    """Turn ``> [!KIND] Optional title`` blockquotes into callout asides (in place of the
    blockquote tokens); a blockquote with an unknown marker stays a blockquote."""
    result: list[Token] = []
    stack: list[bool] = []  # per open blockquote: is it a callout?
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "blockquote_open":
            kind, title = _callout_marker(tokens, index)
            stack.append(kind is not None)
            if kind is not None:
                token.tag = "aside"
                token.attrSet("class", f"callout callout-{kind.lower()}")
                result.append(token)
                result.extend(_callout_title(token, title or CALLOUTS[kind]))
                index += 1
                continue
        elif token.type == "blockquote_close" and stack and stack.pop():
            token.tag = "aside"
        result.append(token)
        index += 1
    return result


def _callout_marker(tokens: list[Token], index: int) -> tuple[str | None, str]:
    """The callout kind and the author's title if the blockquote opening at ``index`` starts
    with a known marker; the marker is removed from the blockquote's first paragraph."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None, ""
    inline = tokens[index + 2]
    if inline.type != "inline" or not inline.children:
        return None, ""
    match = _CALLOUT_MARKER.match(inline.content)
    if match is None or match.group(1).upper() not in CALLOUTS:
        return None, ""
    kind, title = match.group(1).upper(), match.group(2).strip()
    # drop the marker line from the paragraph: the children up to the first line break
    children = inline.children
    cut = next((i for i, child in enumerate(children)
                if child.type in ("softbreak", "hardbreak")), len(children))
    inline.children = children[cut + 1:]
    inline.content = inline.content[match.end():]
    if not inline.children:  # the marker stood alone: its paragraph goes
        tokens[index + 1].hidden = tokens[index + 3].hidden = True
        tokens[index + 1].type, tokens[index + 3].type = "callout_skip", "callout_skip"
    return kind, title


def _callout_title(opening: Token, title: str) -> list[Token]:
    start = Token("paragraph_open", "p", 1, block=True, level=opening.level + 1)
    start.attrSet("class", "callout-title")
    text = Token("inline", "", 0, block=True, level=opening.level + 2, content=title)
    text.children = [Token("text", "", 0, content=title)]
    end = Token("paragraph_close", "p", -1, block=True, level=opening.level + 1)
    return [start, text, end]


def _prepare(tokens: list[Token], link_resolver: Callable[[str], str | None] | None) -> None:
    for token in _walk(tokens):
        if token.type in ("s_open", "s_close"):
            token.tag = "del"  # GFM's element for ~~strikethrough~~
        elif token.type in ("th_open", "td_open"):
            # markdown-it writes style="text-align:..."; the sanitiser keeps align only.
            match = _TEXT_ALIGN.match(str(token.attrGet("style") or ""))
            token.attrs.pop("style", None)
            if match:
                token.attrSet("align", match.group(1))
        elif link_resolver is not None and token.type in ("link_open", "image"):
            attr = "href" if token.type == "link_open" else "src"
            url = token.attrGet(attr)
            if url is None:
                continue
            replacement = link_resolver(str(url))
            if replacement is not None:
                token.attrSet(attr, replacement)


def render_markdown(text: str, *, link_resolver: Callable[[str], str | None] | None = None) -> str:
    """Safe HTML for the Markdown ``text``.

    ``link_resolver`` is called with the (normalised) target of every link and image and
    may return a replacement URL, e.g. to turn ``../module/lesson.md`` into the lesson's
    page; None keeps the target. The result is sanitised after the replacement, so a
    resolver cannot introduce unsafe URLs either."""
    env: dict[str, object] = {}
    tokens = _callouts(_MD.parse(text, env))
    _prepare(tokens, link_resolver)
    return sanitise_html(_MD.renderer.render(tokens, _MD.options, env))


def block_tokens(text: str) -> list[Token]:
    """The tokens of the Markdown ``text`` as ``render_markdown`` sees them, callouts
    included (an ``aside`` opening with the class ``callout callout-<kind>``), for code
    that reads part of a lesson (the daily review reads the key takeaways' bullets)."""
    return _callouts(_MD.parse(text, {}))


def sanitise_html(html: str) -> str:
    """The one allow-list for HTML from content (lessons, quiz questions in [html])."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
    )
    # nh3 leaves class="" where it removed every class; in its output that sequence can
    # only be an attribute (text has its quotes escaped)
    return cleaned.replace(' class=""', "")


@dataclass(frozen=True)
class Section:
    """One entry of a lesson's outline: an ``<h2>`` heading and its anchor."""

    anchor: str
    title: str


_H2 = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def outline(html: str) -> tuple[str, list[Section]]:
    """The sections of rendered lesson HTML (``render_markdown``'s output): each ``<h2>``
    gets an ``id`` ("section-" and its words, unique in the page) and is listed in order.
    Returns the HTML with the anchors and the list; HTML without ``<h2>`` comes back as is.
    """
    sections: list[Section] = []
    taken: set[str] = set()

    def anchor(match: re.Match[str]) -> str:
        title = " ".join(html_lib.unescape(_TAG.sub("", match.group(1))).split())
        base = "section-" + (_NOT_SLUG.sub("-", title.lower()).strip("-")[:60] or "part")
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        sections.append(Section(anchor=slug, title=title))
        return f'<h2 id="{slug}">{match.group(1)}</h2>'

    return _H2.sub(anchor, html), sections


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?^---[ \t]*$", re.DOTALL | re.MULTILINE)
_CODE_FENCE_MARKERS = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.MULTILINE)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[^\n]*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>")
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def plain_word_count(text: str) -> int:
    """Roughly the number of words a reader reads in the Markdown ``text``: front matter,
    link targets, fence markers and markup punctuation do not count."""
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _CODE_FENCE_MARKERS.sub(" ", text)
    text = _REFERENCE_DEFINITION.sub(" ", text)
    text = _LINK_TARGET.sub("] ", text)
    text = _AUTOLINK.sub(" link ", text)
    return len(_WORD.findall(text))


def estimated_minutes(text: str) -> int:
    """Reading time in whole minutes (at least 1) at 200 words a minute."""
    return max(1, round(plain_word_count(text) / WORDS_PER_MINUTE))
