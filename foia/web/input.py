"""Hostile input never reaches the database as a 500: ids in URLs fit the id columns, NUL characters
are refused, and a number or date that overflows anyway is a 400 with a clear message."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, request
from werkzeug.routing import IntegerConverter

from foia.bounds import MAX_ID, is_id


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: digits only, and no larger than an id column holds (else 404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def bounded_id(value) -> int | None:
    """An id from a form or query string, or None when it is not one (too big, not digits)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if is_id(number) else None


def install_converters(app: Flask) -> None:
    """Before any blueprint adds its routes."""
    app.url_map.converters["int"] = IdConverter


def register(app: Flask) -> None:
    from foia.web.errors import render_error

    @app.before_request
    def refuse_nul():
        if request.endpoint == "search.search":
            return None  # the search page answers any query with a page of its own (foia.search.query)
        values = [*request.args.values(), *request.form.values(), request.path]
        if any("\x00" in value for value in values):
            return render_error(400, "A NUL character is not allowed in what you send.")

    @app.errorhandler(OverflowError)
    def overflow(_error):
        _rollback()
        return render_error(400, "A number or date you gave is out of range.")

    @app.errorhandler(sa.exc.DataError)
    def data_error(_error):
        _rollback()
        return render_error(400, "A value you gave cannot be stored or searched for (out of range or not allowed).")


def _rollback() -> None:
    from flask import g

    session = g.get("db_session")
    if session is not None:
        session.rollback()
