"""Finding listed terms in a text: case-insensitively in any script, on word boundaries,
never as a regular expression someone typed.

Both the text and each term are read the same way: NFKC (so mathematical "bold" letters and
full-width forms read as plain letters), then Unicode casefold (so "STRASSE" meets
"Straße"), runs of white space as one space. A term must stand on its own: the character
before and after it may not be a letter or digit of a script that separates words with
spaces. Where a term begins or ends with a Chinese, Japanese or Korean character, that end
needs no boundary (those scripts write words without spaces), so "机密" is found inside
"这是机密文件" and "Falke" inside "我们的Falke项目" but not inside "Falkenberg".

Every term is escaped; all of a list's terms make one regular expression (a trie of the
terms, so each position of the text is tried once), compiled per list (Python keeps
recently compiled patterns, keyed by their text, so the same list is not compiled twice,
and a changed list is a new pattern at once; the matcher built from a list is kept by
the list's content too). Boundaries are checked on each match.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Scripts written without spaces between words (Han, kana, Hangul and their symbols).
CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
       "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
       "\U00020000-\U0002fa1f")
_CJK_CHAR = re.compile(f"[{CJK}]")
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=16)  # one draft is read by several lists in one check
def fold(text: str) -> str:
    """Text as matching reads it: compatibility-normalised, casefolded, spaces collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold())


def _spaced_word(ch: str) -> bool:
    """A letter or digit of a script that puts spaces between words: no boundary."""
    return (ch.isalnum() or ch == "_") and not _CJK_CHAR.match(ch)


def _trie_pattern(keys: Iterable[str]) -> str:
    """One escaped pattern for all ``keys``, shared prefixes written once (so a position is
    tried in one pass, not once per key); a longer key is preferred to its prefix."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def write(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + write(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return write(trie)


@dataclass(frozen=True)
class Matcher:
    """The terms of one list, ready to find in texts: ``find`` gives each term found once,
    as the list spells it, in the order of first appearance."""

    pattern: re.Pattern[str] | None
    spelled: dict[str, str]  # folded term -> the term as listed
    by_first: dict[str, list[str]]  # first character -> folded terms, longest first

    def _stands_alone(self, folded: str, start: int, key: str) -> bool:
        end = start + len(key)
        if _spaced_word(key[0]) and start > 0 and _spaced_word(folded[start - 1]):
            return False
        return not (_spaced_word(key[-1]) and end < len(folded) and _spaced_word(folded[end]))

    def _term_at(self, folded: str, start: int, matched: str) -> str | None:
        if self._stands_alone(folded, start, matched):
            return matched
        # the longest term here is inside a longer word: a shorter one may stand alone
        return next((key for key in self.by_first.get(matched[0], ())
                     if len(key) < len(matched) and folded.startswith(key, start)
                     and self._stands_alone(folded, start, key)), None)

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        folded = fold(text)
        found: dict[str, None] = {}
        position = 0
        while (match := self.pattern.search(folded, position)) is not None:
            key = self._term_at(folded, match.start(), match.group(0))
            if key is None:
                position = match.start() + 1
                continue
            found.setdefault(self.spelled[key], None)
            position = match.start() + len(key)
        return list(found)

    def __bool__(self) -> bool:
        return self.pattern is not None


def matcher(terms: Iterable[str]) -> Matcher:
    """One pattern for all ``terms`` (blank terms ignored; the longest tried first, so
    "Projekt Falke" wins over "Falke" where both fit).

    Built once per distinct list and kept by its content (a few recent lists): a list
    read again unchanged is not built again, and a changed list is a new one at once, in
    every process."""
    return _matcher(tuple(terms))


@functools.lru_cache(maxsize=32)
def _matcher(terms: tuple[str, ...]) -> Matcher:
    spelled: dict[str, str] = {}
    for term in terms:
        key = fold(term).strip()
        if key:
            spelled.setdefault(key, " ".join(term.split()))
    if not spelled:
        return Matcher(None, {}, {})
    by_first: dict[str, list[str]] = {}
    for key in sorted(spelled, key=lambda key: (-len(key), key)):
        by_first.setdefault(key[0], []).append(key)
    return Matcher(re.compile(_trie_pattern(spelled)), spelled, by_first)
