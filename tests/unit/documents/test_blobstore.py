"""The file blob store: atomic, content-addressed, and durable before the row naming a blob commits."""
from __future__ import annotations

import shutil
import threading

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
