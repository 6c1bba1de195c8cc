"""Side-by-side comparison of two versions of a workbook, row by row, with the words
that changed marked. All text is escaped here; the markup added is only <del> and <ins>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.workbooks.schema import Row

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class RowChange:
    key: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def status(self) -> str:
        if not self.before and self.after:
            return "added"
        if self.before and not self.after:
            return "removed"
        return "changed" if self.changed else "same"

    def marked(self) -> tuple[Markup, Markup]:
        """(before, after) as HTML with removed words in <del> and added words in <ins>."""
        return mark_words(self.before, self.after)


def mark_words(before: str, after: str) -> tuple[Markup, Markup]:
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append(Markup("<del>{}</del>").format(removed))
        if added:
            right.append(Markup("<ins>{}</ins>").format(added))
    return Markup("").join(left), Markup("").join(right)


def compare(before: list[Row], after: list[Row]) -> list[RowChange]:
    """Every row of either version, in the order of ``after`` then rows only in ``before``."""
    old = {row.key: row for row in before}
    changes = [RowChange(row.key, row.label, old[row.key].text if row.key in old else "",
                         row.text) for row in after]
    seen = {row.key for row in after}
    changes += [RowChange(row.key, row.label, row.text, "") for row in before
                if row.key not in seen]
    return changes
