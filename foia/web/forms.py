"""Helpers shared by every form view: sensible dates and amounts, ids from query strings, showing
service errors inline, safe redirects."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask import flash, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from wtforms.validators import StopValidation

from foia import bounds
from foia.errors import ValidationError

MAX_ID = bounds.MAX_ID


class SensibleDate:
    """A form date within foia.bounds (1966 to 2100): 0001 and 9999 are typos, not dates."""

    def __call__(self, form, field) -> None:
        problem = bounds.date_problem(field.data)
        if problem:
            raise StopValidation(problem)


class SensibleAmount:
    """A form amount of money from $0 to the cap in foia.bounds; NaN, Infinity and 1e400 are refused."""

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None:
            return
        try:
            cents = int((Decimal(value) * 100).to_integral_value()) if Decimal(value).is_finite() else None
        except (InvalidOperation, ValueError, OverflowError):
            cents = None
        problem = bounds.MONEY_MESSAGE if cents is None else bounds.money_problem(cents)
        if problem:
            raise StopValidation(problem)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: an id no row can have (beyond MAX_ID) is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def drop_nul_characters() -> None:
    """Before each request: no query or form value keeps a NUL character (no one types one; PostgreSQL
    refuses them in text), so every form and filter sees clean text."""
    for name in ("args", "form"):
        values = getattr(request, name)
        if any("\x00" in value for _, value in values.items(multi=True)):
            request.__dict__[name] = ImmutableMultiDict(
                [(key, value.replace("\x00", "")) for key, value in values.items(multi=True)])


def id_arg(value: str | None) -> int | None:
    """An id from a query string or form field: digits within MAX_ID, else None."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if bounds.is_id(number) else None


def add_problems(form: FlaskForm, problems: dict[str, str]) -> bool:
    """Add a service's problems to the fields the form itself found nothing wrong with (so that every
    problem shows at once); True when there were any."""
    for name, message in problems.items():
        field = form._fields.get(name)
        if field is not None and not field.errors:
            field.errors = [*field.errors, message]
    return bool(problems)


def show_errors(form: FlaskForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or flash it when no field fits)."""
    placed = False
    for name, message in error.fields.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
            placed = True
    if not placed:
        flash(str(error), "error")


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to after login; anything pointing elsewhere is ignored."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
