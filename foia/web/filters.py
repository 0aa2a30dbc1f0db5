"""Jinja filters for dates, times, money and statuses."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def format_date(value: date | str | None, fmt: str = "%b %-d, %Y") -> str:
    """Mar 4, 2026 (from a date, or an ISO date string as stored in explanations)."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return value.strftime(fmt) if value else ""


def format_datetime(value: datetime | None) -> str:
    """A UTC instant shown in the display time zone: Mar 4, 2026 3:05 PM EST."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))
    return local.strftime("%b %-d, %Y %-I:%M %p %Z")


def format_money(cents: int | None) -> str:
    """$1,234.50 from cents; empty when unknown."""
    if cents is None:
        return ""
    return f"${cents / 100:,.2f}"


def register(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_money, "money")

    @app.context_processor
    def inject_globals():
        from foia.web.context import now

        return {"registration_open": current_app.config["REGISTRATION_OPEN"], "now_utc": now()}
