"""One page of a long list: its items, the totals, and links to the other pages."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Page:
    """Items number `number` (1-based) of a list of `total`; the web layer sets `url_for` for the links."""

    items: list
    total: int
    number: int
    per_page: int
    url_for: Callable[[int], str] | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def clamp(number: int, total: int, per_page: int) -> int:
    """The requested page number, kept between the first and the last page."""
    return min(max(1, number), max(1, math.ceil(total / per_page)))


def page_number(value: str | None) -> int:
    """A page number from a query string: 1 when missing or unusable."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
