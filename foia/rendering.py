"""How things are printed outside a web page: one Jinja environment for letters and emails, and the one
way to print a date and an amount of money (the pages' `date` and `money` filters use the same).

Dates print as "Mar 4, 2026" on pages and in the timeline (PAGE_DATE), and as "March 4, 2026" in
letters and emails (LETTER_DATE, the `date` filter's default in templates/letters and templates/email).
"""
from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import jinja2

PACKAGE_DIR = Path(__file__).parent
#: Pages and the timeline: "Mar 4, 2026".
PAGE_DATE = "%b %-d, %Y"
#: Letters and emails: "March 4, 2026".
LETTER_DATE = "%B %-d, %Y"


def format_date(value: date | str | None, fmt: str = PAGE_DATE) -> str:
    """A date as people read it (from a date, or an ISO date string as stored in explanations); "" for none."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return value.strftime(fmt) if value else ""


def format_money(cents: int | None) -> str:
    """$1,234.50 from cents; "" when unknown."""
    return "" if cents is None else f"${cents / 100:,.2f}"


def template_folder() -> Path:
    """Templates bundled in the wheel, else the checkout's top-level templates/."""
    bundled = PACKAGE_DIR / "templates"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "templates"


@functools.lru_cache(maxsize=4)
def _environment(folder: str, html: bool) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=html, trim_blocks=True,
                                     lstrip_blocks=True, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["date"] = lambda value, fmt=LETTER_DATE: format_date(value, fmt)
    environment.filters["money"] = format_money
    return environment


def environment(*, html: bool = False) -> jinja2.Environment:
    """The environment letters (plain text) and emails (plain text, or HTML with autoescaping) render in."""
    return _environment(str(template_folder()), html)


def render_text(name: str | list[str], **context) -> str:
    """Render a plain-text template (letters, mail subjects and bodies); with a list, the first that exists."""
    return environment().select_template([name] if isinstance(name, str) else name).render(**context)


def render_html(name: str, **context) -> str:
    """Render an HTML template with autoescaping (mail bodies)."""
    return environment(html=True).get_template(name).render(**context)
