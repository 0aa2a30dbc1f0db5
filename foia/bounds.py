"""The bounds a person would expect on what they type, in one place for forms, services and commands.

Dates run from 1966, the year the federal FOIA was signed (no records request is older), to 2100;
a date outside them is a typo (0001, 9999), and date arithmetic on it would fail. Amounts of money
run from zero to MAX_FEE_CENTS, far above any records fee, far below what a column can hold.
"""
from __future__ import annotations

from datetime import date

EARLIEST_DATE = date(1966, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: $10,000,000: the largest fee, estimate or payment anyone records.
MAX_FEE_CENTS = 1_000_000_000
#: The largest id a row can have (a 4-byte integer column): a larger one names nothing.
MAX_ID = 2**31 - 1

DATE_MESSAGE = f"Give a date between {EARLIEST_DATE:%b %-d, %Y} and {LATEST_DATE:%b %-d, %Y}."
MONEY_MESSAGE = f"Enter an amount from $0 to ${MAX_FEE_CENTS // 100:,}."


def date_problem(value: date | None) -> str | None:
    """What is wrong with a date a person gave (None when it is fine or empty)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        return DATE_MESSAGE
    return None


def is_id(value) -> bool:
    """Whether a number could be a row's id."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def money_problem(cents: int | None) -> str | None:
    """What is wrong with an amount in cents (None when it is fine or empty)."""
    if cents is not None and not 0 <= cents <= MAX_FEE_CENTS:
        return MONEY_MESSAGE
    return None
