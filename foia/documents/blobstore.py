"""Content-addressed file storage on a filesystem (a local folder or a volume shared by all hosts)."""
from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator


#: Threads fsyncing a batch's blobs together.
SYNC_THREADS = 16


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobNotFound(KeyError):
    """No blob with that key."""


class FileBlobStore:
    """Blobs under root/ab/cd/<sha256>, written atomically.

    A blob is on disk (written, fsync'ed, renamed into place) before `put` returns, so the row that
    names it can commit. Inside `batch()` (an mbox import committing many messages at once) `put`
    only writes the temporary file; `sync()` makes every blob of the batch durable with one wait and
    moves them into place, and the caller calls it just before the commit that names them. A blob
    of an unsynced batch is already readable through this store (by the same thread).
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._folders: set[Path] = set()
        #: Per thread: key -> temporary file of a blob written in batch() and not yet synced.
        self._local = threading.local()

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise BlobNotFound(key)
        return self.root / key[:2] / key[2:4] / key

    @property
    def _pending(self) -> dict[str, Path] | None:
        return getattr(self._local, "pending", None)

    def _where(self, key: str) -> Path:
        pending = self._pending
        if pending and key in pending:
            return pending[key]
        return self._path(key)

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        pending = self._pending
        if (pending is not None and key in pending) or path.exists():
            return key
        tmp = path.with_name(f".incoming-{key[:16]}-{os.getpid()}-{threading.get_ident()}")
        try:
            try:
                handle = self._create(tmp)
            except FileNotFoundError:  # the folder went away since this store made it: make it again
                self._folders.discard(path.parent)
                handle = self._create(tmp)
            with handle:
                handle.write(data)
                if pending is None:
                    handle.flush()
                    os.fsync(handle.fileno())
            if pending is None:
                os.replace(tmp, path)
            else:
                pending[key] = tmp
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return key

    def _create(self, tmp: Path) -> BinaryIO:
        if tmp.parent not in self._folders:  # made once per folder, not once per blob
            tmp.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(tmp.parent)
        return open(tmp, "wb")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Defer making blobs durable to sync() (called before each commit, and on leaving)."""
        if self._pending is not None:  # already in a batch: the outer one syncs
            yield
            return
        self._local.pending = {}
        try:
            yield
        finally:
            try:
                self.sync()
            finally:
                self._local.pending = None

    def sync(self) -> None:
        """Make every blob put in this thread's batch durable and move it into place."""
        pending = self._pending
        if not pending:
            return
        if len(pending) == 1:
            _fsync(next(iter(pending.values())))
        else:  # fsyncs waiting at the same time share the filesystem's journal commits: one wait, not one each
            with ThreadPoolExecutor(max_workers=min(SYNC_THREADS, len(pending))) as pool:
                list(pool.map(_fsync, pending.values()))
        for key, tmp in list(pending.items()):
            os.replace(tmp, self._path(key))
            del pending[key]

    def sweep_abandoned(self, older_than_seconds: float = 3600) -> int:
        """Remove temporary files that a killed process left (an import stopped mid-batch); return how many.

        Only those older than `older_than_seconds`: a younger one may be a batch another process is
        writing now. Their rows never committed, so importing the same file again writes them anew."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for tmp in self.root.glob("*/*/.incoming-*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:  # another process swept or finished it
                continue
        return removed

    def open(self, key: str) -> BinaryIO:
        try:
            return self._where(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        try:
            return self._where(key).exists()
        except BlobNotFound:
            return False

    def path(self, key: str) -> Path:
        """The file's path, for tools that need one (a child process reading a PDF)."""
        path = self._where(key)
        if not path.exists():
            raise BlobNotFound(key)
        return path

    def delete(self, key: str) -> None:
        pending = self._pending
        if pending and key in pending:
            pending.pop(key).unlink(missing_ok=True)
            return
        try:
            self._path(key).unlink(missing_ok=True)
        except BlobNotFound:
            pass
