"""The local Tantivy index: the watermark, rebuilding a missing or corrupt index, one writer."""
import fcntl

from sqlmodel import select

from foia.search import indexer, services
from foia.search.models import SearchWatermark
from foia.search.tantivy_backend import TantivySearchIndex
from tests.conftest import DEFAULT_NOW
from tests.unit.search.records import add_document


def _found(session, runtime, query):
    results = services.search(session, runtime, None, DEFAULT_NOW, query, as_operator=True)
    return {group.document.id for group in results.groups}


def test_updates_follow_the_watermark(session, runtime, make):
    document = add_document(session, make.request(), ["A narwhal in the release."])
    assert indexer.run_scheduled(runtime) >= 1
    mark = session.exec(select(SearchWatermark)).one()
    assert mark.index_name.endswith(str((runtime.instance_path / "search").resolve()))
    assert mark.last_change_id == indexer.latest_change_id(session)
    assert runtime.search.update(session, look_back=False) == 0  # nothing new
    assert _found(session, runtime, "narwhal") == {document.id}


def test_a_missing_index_is_rebuilt_on_search(session, runtime, make):
    document = add_document(session, make.request(), ["The capybara report."])
    runtime.search.update(session)
    import shutil

    shutil.rmtree(runtime.instance_path / "search")
    fresh = TantivySearchIndex(runtime.instance_path / "search")  # another process, say
    found = fresh.search(session, "capybara", visible_scopes=None, limit=5, offset=0)
    assert [hit.document_id for hit in found.hits] == [document.id]


def test_a_corrupt_index_is_rebuilt_on_search(session, runtime, make):
    document = add_document(session, make.request(), ["The axolotl memo."])
    runtime.search.update(session)
    folder = runtime.instance_path / "search"
    generation = (folder / "current").read_text()
    (folder / generation / "meta.json").write_text("{not json")
    fresh = TantivySearchIndex(folder)
    found = fresh.search(session, "axolotl", visible_scopes=None, limit=5, offset=0)
    assert [hit.document_id for hit in found.hits] == [document.id]
    (folder / "current").write_text("../../etc")
    assert TantivySearchIndex(folder).search(session, "axolotl", visible_scopes=None, limit=5,
                                             offset=0).total == 1


def test_only_one_process_writes(session, runtime, make):
    runtime.search.rebuild(session)
    add_document(session, make.request(), ["A pangolin appears."])
    folder = runtime.instance_path / "search"
    with open(folder / "writer.lock", "a+") as other_writer:
        fcntl.flock(other_writer, fcntl.LOCK_EX)
        assert runtime.search.update(session) == 0  # someone else is writing: leave it to them
    assert runtime.search.update(session) == 1
    assert runtime.search.search(session, "pangolin", visible_scopes=None, limit=5, offset=0).total == 1


def test_a_process_that_does_not_write_trusts_the_writers_watermark(session, runtime, make):
    runtime.search.rebuild(session)
    add_document(session, make.request(), ["A quoll appears."])
    folder = runtime.instance_path / "search"
    writer = TantivySearchIndex(folder)  # the process that writes
    assert writer.update(session) == 1
    assert runtime.search.is_behind(session)  # this process has not seen the change applied
    with open(folder / "writer.lock", "a+") as other_writer:
        fcntl.flock(other_writer, fcntl.LOCK_EX)
        assert runtime.search.update(session, look_back=False) == 0
    # The watermark says it is applied: the searches that follow do not ask for the writer lock again.
    assert not runtime.search.is_behind(session)
    add_document(session, make.request(), ["A numbat appears."])
    assert runtime.search.is_behind(session)
