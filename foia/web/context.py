"""Per-request access to the runtime, the database session and the acting user."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from flask_login import current_user
from sqlmodel import Session

from foia.runtime import Runtime


def runtime() -> Runtime:
    """The app's Runtime (config, engine, ports)."""
    return current_app.extensions["foia"]


def db_session() -> Session:
    """The request's database session, opened on first use and closed at teardown.

    Pages that only read share SQLite with everyone; forms that write take the write lock first.
    """
    if "db_session" not in g:
        g.db_session = runtime().session(immediate=request.method not in ("GET", "HEAD", "OPTIONS"))
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def actor():
    """The logged-in user, or None for an anonymous visitor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def now() -> datetime:
    """The current time from the app's clock (fixed in tests)."""
    return runtime().clock.now()
