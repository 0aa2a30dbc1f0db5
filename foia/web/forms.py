"""Helpers shared by every form view: showing service errors inline, safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from foia.errors import ValidationError


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
