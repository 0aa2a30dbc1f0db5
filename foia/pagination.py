"""One page of a long list (a ListPage: not documents.models.Page, a page of a document): its items, the
totals, and links to the other pages."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable


class Paged:
    """Page arithmetic for anything with `total`, `number` (1-based) and `per_page`."""

    #: Items past this many are not offered (a search engine stops ranking precisely); None: all.
    max_items: int | None = None

    @property
    def pages(self) -> int:
        shown = self.total if self.max_items is None else min(self.total, self.max_items)
        return max(1, math.ceil(shown / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass
class ListPage(Paged):
    """Items number `number` of a list of `total`; the web layer sets `url_for` for the links."""

    items: list
    total: int
    number: int
    per_page: int
    url_for: Callable[[int], str] | None = field(default=None, repr=False)


def clamp(number: int, total: int, per_page: int) -> int:
    """The requested page number, kept between the first and the last page."""
    return min(max(1, number), max(1, math.ceil(total / per_page)))


#: No list pages further than this (a bigger number is a typo or a probe, and overflows offsets).
MAX_PAGE = 100_000


def page_number(value: str | None) -> int:
    """A page number from a query string: 1 when missing or unusable, at most MAX_PAGE."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return 1 if not (value.isascii() and value.isdigit()) else MAX_PAGE
    return min(max(int(value), 1), MAX_PAGE)
