"""The file blob store: atomic, content-addressed, and durable before the row naming a blob commits."""
from __future__ import annotations

import shutil
import os
import threading
import time

from foia.documents.blobstore import FileBlobStore


def _final(root, key):
    return root / key[:2] / key[2:4] / key


def test_a_batch_keeps_blobs_readable_and_puts_them_in_place_when_synced(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    with store.batch():
        key = store.put(b"raw mail")
        assert store.read(key) == b"raw mail" and store.exists(key)
        assert not _final(tmp_path / "blobs", key).exists()  # not yet durable: not yet where rows point
        seen_elsewhere = []
        worker = threading.Thread(target=lambda: seen_elsewhere.append(store.exists(key)))
        worker.start()
        worker.join()
        assert seen_elsewhere == [False]  # another thread (a web request) never sees an unsynced blob
        store.sync()
        assert _final(tmp_path / "blobs", key).read_bytes() == b"raw mail"
        again = store.put(b"attachment")
    assert _final(tmp_path / "blobs", again).read_bytes() == b"attachment"  # leaving the batch syncs the rest
    assert not list((tmp_path / "blobs").rglob(".incoming-*"))


def test_a_blob_folder_removed_behind_the_store_is_made_again(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    store.put(b"first")
    shutil.rmtree(tmp_path / "blobs")
    key = store.put(b"first")
    assert store.read(key) == b"first"


def test_temporary_files_a_killed_import_left_are_swept_once_they_are_old(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    key = store.put(b"kept")
    folder = _final(tmp_path / "blobs", key).parent
    old, fresh = folder / ".incoming-0123456789abcdef-1-1", folder / ".incoming-fedcba9876543210-2-2"
    old.write_bytes(b"half a batch")
    fresh.write_bytes(b"a batch being written now")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert store.sweep_abandoned() == 1
    assert not old.exists() and fresh.exists() and store.read(key) == b"kept"
