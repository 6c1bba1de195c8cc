"""One page of a long list: which page, of how many (the users list, the audit trail, the
mailbox share the arithmetic; each page class adds its rows)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Paging:
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list fills (at least one, the empty one)."""
        return max(1, -(-self.total // self.per_page))
