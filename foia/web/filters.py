"""Jinja filters for pages: dates and money as foia.rendering prints them, times in the display time zone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from foia.rendering import format_date, format_money


def format_datetime(value: datetime | None) -> str:
    """A UTC instant shown in the display time zone: Mar 4, 2026 3:05 PM EST."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))
    return local.strftime("%b %-d, %Y %-I:%M %p %Z")


def register(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_money, "money")

    @app.context_processor
    def inject_globals():
        from foia.web.context import now

        return {"registration_open": current_app.config["REGISTRATION_OPEN"], "now_utc": now()}
