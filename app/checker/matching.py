"""Finding listed terms in a text: case-insensitively in any script, on word boundaries,
never as a regular expression someone typed.

Both the text and each term are read the same way: NFKC (so mathematical "bold" letters and
full-width forms read as plain letters), then Unicode casefold (so "STRASSE" meets
"Straße"), runs of white space as one space. A term must stand on its own: the character
before and after it may not be a letter or digit of a script that separates words with
spaces. Where a term begins or ends with a Chinese, Japanese or Korean character, that end
needs no boundary (those scripts write words without spaces), so "机密" is found inside
"这是机密文件" and "Falke" inside "我们的Falke项目" but not inside "Falkenberg".

Every term is escaped; all of a list's terms make one regular expression, compiled per
list (Python keeps recently compiled patterns, keyed by their text, so the same list is
not compiled twice, and a changed list is a new pattern at once).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Scripts written without spaces between words (Han, kana, Hangul and their symbols).
CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
       "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
       "\U00020000-\U0002fa1f")
_CJK_CHAR = re.compile(f"[{CJK}]")
# A letter or digit of a script that puts spaces between words: what a boundary may not be.
_SPACED_WORD = f"[^\\W{CJK}]"
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text as matching reads it: compatibility-normalised, casefolded, spaces collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold())


def _piece(term: str) -> str:
    body = r"\s+".join(re.escape(word) for word in term.split(" "))
    first, last = term[0], term[-1]
    before = f"(?<!{_SPACED_WORD})" if (first.isalnum() or first == "_") \
        and not _CJK_CHAR.match(first) else ""
    after = f"(?!{_SPACED_WORD})" if (last.isalnum() or last == "_") \
        and not _CJK_CHAR.match(last) else ""
    return f"{before}{body}{after}"


@dataclass(frozen=True)
class Matcher:
    """The terms of one list, ready to find in texts: ``find`` gives each term found once,
    as the list spells it, in the order of first appearance."""

    pattern: re.Pattern[str] | None
    spelled: dict[str, str]  # folded term -> the term as listed

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        found: dict[str, None] = {}
        for match in self.pattern.finditer(fold(text)):
            key = _SPACE.sub(" ", match.group(0))
            found.setdefault(self.spelled.get(key, key), None)
        return list(found)

    def __bool__(self) -> bool:
        return self.pattern is not None


def matcher(terms: Iterable[str]) -> Matcher:
    """One pattern for all ``terms`` (blank terms ignored; the longest tried first, so
    "Projekt Falke" wins over "Falke" where both fit)."""
    spelled: dict[str, str] = {}
    for term in terms:
        key = fold(term).strip()
        if key:
            spelled.setdefault(key, " ".join(term.split()))
    if not spelled:
        return Matcher(None, {})
    ordered = sorted(spelled, key=lambda key: (-len(key), key))
    pattern = re.compile("|".join(_piece(key) for key in ordered))
    return Matcher(pattern, spelled)
