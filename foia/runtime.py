"""What the services need from the outside world, built once from config for web, CLI and jobs."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from foia import db
from foia.ports import BlobStore, Clock, Mailer, SystemClock

if TYPE_CHECKING:
    from sqlmodel import Session


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
            from foia.search.backends import make_search_index

            self._search = make_search_index(self.config, self.engine)
        return self._search


#: What the process creates is its own alone: folders 0700, files 0600 (the database, blobs, outbox, index).
PRIVATE_UMASK = 0o077


def keep_private(instance: Path, *, create: bool = True) -> None:
    """Make the instance folder and what the process will create in it readable by its owner only,
    whatever the umask it was started with; tighten an instance folder made before. With `create`
    false a missing folder is left missing (a command that only reads)."""
    os.umask(PRIVATE_UMASK)
    if create:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    elif not instance.is_dir():
        return
    for path in [instance, *instance.iterdir()]:
        try:
            mode = path.stat().st_mode
            wanted = 0o700 if path.is_dir() else 0o600
            if mode & 0o777 & ~wanted:
                path.chmod(mode & 0o777 & wanted)
        except OSError:  # not ours to change (a mounted volume): the umask still covers new files
            pass


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
