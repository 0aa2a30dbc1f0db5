"""The side effects the services need, as Protocols; `create_app` picks the implementations."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO, ContextManager, Iterable, Protocol
from zoneinfo import ZoneInfo

from foia.config import DEFAULT_TIMEZONE


class Clock(Protocol):
    """Tells the time; tests pass a fixed one."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told (tests, `--as-of`)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def local_date(at: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    """The calendar date of an instant in a time zone (a law's "today" is deadlines.calendar.law_today)."""
    return at.astimezone(_zone(timezone)).date()


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    """Each time zone read once per process (ZoneInfo keeps only the last 8 it read: a page listing requests of
    many jurisdictions read their files again and again)."""
    return ZoneInfo(name)


class BlobStore(Protocol):
    """Content-addressed storage of raw emails and files."""

    def put(self, data: bytes) -> str:
        """Store bytes; return their key (sha256 hex). Storing twice is a no-op."""

    def open(self, key: str) -> BinaryIO: ...

    def read(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def path(self, key: str) -> Path:
        """The stored file on disk, for tools that need a path (the extraction child, PDFium drawing pages)."""

    def delete(self, key: str) -> None: ...

    def batch(self) -> ContextManager[None]:
        """Within it, put() may defer making blobs durable until sync() (an import committing many at once)."""

    def sync(self) -> None:
        """Make every blob put so far in batch() durable; call it before the commit that names them."""

    def sweep_abandoned(self, older_than_seconds: float = 3600) -> int:
        """Remove temporary files a killed process left behind; return how many."""


@dataclass
class OutgoingEmail:
    """One email ready to hand to a mail server."""

    to: list[str]
    subject: str
    body: str
    html: str | None = None
    reply_to: str | None = None
    cc: list[str] | None = None
    message_id: str | None = None
    headers: dict[str, str] | None = None


class Mailer(Protocol):
    """Delivers a fully formed RFC 5322 message; raises on failure."""

    def deliver(self, raw: bytes, sender: str, recipients: Iterable[str]) -> None: ...


class SearchIndex(Protocol):
    """Full-text index over pages and message bodies; the database stays the source of truth."""

    def update(self, session, *, look_back: bool = True) -> int:
        """Bring the index up to date from the SearchChange watermark; return how many items changed."""

    def is_behind(self, session, latest_change_id: int | None = None) -> bool:
        """Whether the database holds changes this index has not applied yet (cheap: asked before every search;
        latest_change_id: the newest SearchChange id when the caller has read it already)."""

    def rebuild(self, session) -> int:
        """Rebuild from every page and message; return how many it holds."""

    def search(self, session, query, *, visible_scopes, filters, limit: int, offset: int):
        """An EngineResult (total, hits with <mark>ed snippets) for a query string or parsed SearchQuery;
        visible_scopes (access.content_scope values) None means everything (admins)."""
