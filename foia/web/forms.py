"""Helpers shared by every form view: sensible dates and amounts, showing service errors inline,
safe redirects. (Ids and NUL characters in what a browser sends: foia.web.input.)"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from foia import bounds
from foia.errors import ValidationError

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
    """A local path to go back to (after login, after a form); anything pointing elsewhere gives `default`.

    Every redirect to a target the browser sent goes through here."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
