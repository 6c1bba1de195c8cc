"""Lesson Markdown to safe HTML.

CommonMark (plus tables and strikethrough) through markdown-it-py with raw HTML shown as
text, then sanitised with nh3 so that whatever a course author writes, the result has no
scripts, event handlers or dangerous URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "LINK_REL",
    "WORDS_PER_MINUTE",
    "estimated_minutes",
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
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
WORDS_PER_MINUTE = 200

_TEXT_ALIGN = re.compile(r"^text-align:\s*(left|right|center)$")


def _make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


# Configured once and never changed afterwards; parse/render keep their state per call.
_MD = _make_parser()


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


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
    tokens = _MD.parse(text, env)
    _prepare(tokens, link_resolver)
    return sanitise_html(_MD.renderer.render(tokens, _MD.options, env))


def sanitise_html(html: str) -> str:
    """The one allow-list for HTML from content (lessons, quiz questions in [html])."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
    )


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
