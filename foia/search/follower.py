"""Keeping this host's Tantivy index up to date: a thread in every web process (`foia run`, `foia serve`).

With several hosts on one PostgreSQL each host has its own index in its instance folder, fed from the
search_change log like every index. The leading scheduler's update-search-index job only feeds the index
of the host it runs on, and a search catches its index up before answering, but a host nobody searched
on for a while would make its next searcher wait for everything since. So each web process follows the
log itself: every few seconds it applies what is new (one indexed MAX query when nothing is), and on the
job's interval it looks back over recent changes as the job does (a change with a lower id may commit
after one with a higher id on PostgreSQL). Several processes sharing one folder take turns through the
index's writer lock. The PostgreSQL backend needs none of this: every host reads the same table.
"""
from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("foia.search")

#: Seconds between two looks at the change log (scaled like the jobs by FOIA_JOB_INTERVAL_SCALE).
FOLLOW_SECONDS = 2.0


def follows(config: dict) -> bool:
    """Whether this process keeps a local index that the change log must feed."""
    return config.get("SEARCH_BACKEND", "tantivy") == "tantivy"


def follow(runtime, stop: threading.Event) -> None:
    """Apply new changes to this process's index until `stop` is set; never raises."""
    from foia.search.indexer import run_scheduled
    from foia.system.jobs import JOBS

    scale = float(runtime.config.get("JOB_INTERVAL_SCALE") or 1)
    every = max(0.2, FOLLOW_SECONDS * scale)
    job = next(job for job in JOBS if job.target == "foia.search.indexer:run_scheduled")
    look_back_every = job.interval(runtime.config)
    looked_back = float("-inf")
    while not stop.is_set():
        try:
            if time.monotonic() - looked_back >= look_back_every:
                looked_back = time.monotonic()
                run_scheduled(runtime)
            else:
                _catch_up(runtime)
        except Exception:  # the database is away, the disk is full: try again on the next round
            log.exception("this host's search index could not follow the change log")
        stop.wait(every)


def _catch_up(runtime) -> None:
    with runtime.session(immediate=False) as session:
        behind = runtime.search.is_behind(session)
    if behind:
        with runtime.session(immediate=True) as session:
            changed = runtime.search.update(session, look_back=False)
        if changed:
            log.info("search index: %d items updated", changed)


def start(runtime, stop: threading.Event) -> threading.Thread | None:
    """Start following in a daemon thread when the backend keeps a local index; None otherwise."""
    if not follows(runtime.config):
        return None
    # Opened here, before this thread and the web threads share it.
    log.info("this process keeps the search index in %s up to date", runtime.search.folder)
    thread = threading.Thread(target=follow, args=(runtime, stop), name="foia-search-follower", daemon=True)
    thread.start()
    return thread
