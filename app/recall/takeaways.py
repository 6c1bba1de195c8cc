"""A lesson's key takeaways, read from its Markdown: the bullets of its ``> [!TAKEAWAYS]``
callout (courses/README.md), parsed with the same markdown-it parser that renders lessons
(``app.content.markdown.block_tokens``), never by matching lines.

Each top-level bullet is one takeaway card. Its prompt hides a key phrase: the bullet's
first **bold** phrase if it has one, else every word after the first few.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it.token import Token

from app.content.markdown import block_tokens

BLANK = "_____"
CALLOUT_CLASS = "callout-takeaways"


@dataclass(frozen=True)
class Takeaway:
    position: int  # from 1, in the callout's order
    source: str  # the bullet's Markdown (inline)
    text: str  # the bullet as plain text
    hidden: str  # the key phrase the prompt hides

    @property
    def prompt(self) -> str:
        """The bullet with its key phrase hidden: "Answer every comment in _____"."""
        if not self.hidden:
            return self.text
        if self.text.endswith(self.hidden) and self.text.count(self.hidden) == 1:
            return self.text[: len(self.text) - len(self.hidden)].rstrip() + " " + BLANK
        return self.text.replace(self.hidden, BLANK, 1)


def takeaways(markdown: str) -> list[Takeaway]:
    """The takeaways of a lesson's Markdown, in order (every ``[!TAKEAWAYS]`` callout's
    top-level bullets; none when the lesson has no such callout)."""
    return list(_parsed(markdown))


def takeaway_count(markdown: str) -> int:
    return len(_parsed(markdown))


@lru_cache(maxsize=128)
def _parsed(markdown: str) -> tuple[Takeaway, ...]:
    """Parsing a lesson takes milliseconds, and the same lessons are completed and
    reviewed all day: remembered per text (a pure function of it, so every process
    agrees and an edited lesson is simply another text)."""
    tokens = block_tokens(markdown)
    found: list[Takeaway] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "blockquote_open" and CALLOUT_CLASS in str(token.attrGet("class") or ""):
            end = _closing(tokens, index)
            for inline in _top_level_items(tokens[index + 1:end], token.level + 2):
                found.append(_takeaway(len(found) + 1, inline))
            index = end
        index += 1
    return tuple(found)


def takeaway_count_of(markdown: str, position: int) -> tuple[Takeaway, int] | None:
    """The takeaway at ``position`` (from 1) and how many the lesson has; None when the
    lesson has no such bullet (any more)."""
    found = takeaways(markdown)
    if not 1 <= position <= len(found):
        return None
    return found[position - 1], len(found)


def _closing(tokens: list[Token], opening: int) -> int:
    """Index of the token closing the block opened at ``opening``."""
    depth = 0
    for index in range(opening, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _top_level_items(tokens: list[Token], item_level: int) -> list[Token]:
    """The first inline token of each list item at ``item_level`` (nested lists belong to
    their item)."""
    items: list[Token] = []
    waiting = False
    for token in tokens:
        if token.type == "list_item_open" and token.level == item_level:
            waiting = True
        elif waiting and token.type == "inline":
            items.append(token)
            waiting = False
    return items


def _takeaway(position: int, inline: Token) -> Takeaway:
    parts: list[str] = []
    bold: list[str] = []
    strong_depth = 0
    current_bold: list[str] = []
    for child in inline.children or []:
        if child.type == "strong_open":
            strong_depth += 1
        elif child.type == "strong_close":
            strong_depth -= 1
            if strong_depth == 0:
                bold.append("".join(current_bold).strip())
                current_bold = []
        piece = {"text": child.content, "code_inline": child.content,
                 "softbreak": " ", "hardbreak": " "}.get(child.type, "")
        parts.append(piece)
        if strong_depth:
            current_bold.append(piece)
    text = " ".join("".join(parts).split())
    hidden = next((phrase for phrase in bold if phrase and phrase != text), "")
    if not hidden:
        words = text.split()
        keep = min(4, max(1, len(words) // 3))
        hidden = " ".join(words[keep:])
    return Takeaway(position=position, source=inline.content, text=text, hidden=hidden)
