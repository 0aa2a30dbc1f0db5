"""What the services need from the outside world, built once from config for web, CLI and jobs."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from foia import db
from foia.ports import BlobStore, Clock, Mailer, SystemClock


@dataclass
class Runtime:
    """Config, engine and the ports, shared by the web app, the CLI and scheduled jobs."""

    config: dict
    engine: sa.engine.Engine
    clock: Clock
    blobs: BlobStore
    mailer: Mailer
    #: Sessions take SQLite's write lock at BEGIN (CLI commands, scheduled jobs, workers).
    immediate_sessions: bool = False
    _search: object = field(default=None, repr=False)

    @property
    def instance_path(self) -> Path:
        return Path(self.config["INSTANCE_PATH"])

    def session(self, *, immediate: bool | None = None) -> Session:
        """A new database session; the caller commits or rolls back and closes it."""
        return db.new_session(self.engine, immediate=self.immediate_sessions if immediate is None else immediate)

    @property
    def search(self):
        """The SearchIndex chosen by FOIA_SEARCH_BACKEND, opened on first use."""
        if self._search is None:
            from foia.search.index import make_search_index

            self._search = make_search_index(self.config, self.engine)
        return self._search


def build_runtime(config: dict, clock: Clock | None = None) -> Runtime:
    """Pick the port implementations from config; nothing connects yet."""
    from foia.documents.blobstore import FileBlobStore
    from foia.mail.transport import make_mailer

    instance = Path(config["INSTANCE_PATH"])
    return Runtime(
        config=config,
        engine=db.make_engine(config["DATABASE_URL"]),
        clock=clock or SystemClock(),
        blobs=FileBlobStore(instance / "blobs"),
        mailer=make_mailer(config),
    )
