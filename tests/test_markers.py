"""Markers choose what a run needs: `-m "not browser"` never starts Chromium; `-m corpus` runs the corpus tests."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fake_chromium(folder: Path) -> tuple[Path, Path]:
    """A "Chromium" that only notes it was started (in the returned file), then exits."""
    started = folder / "chromium-started"
    chromium = folder / "chromium"
    chromium.write_text(f"#!/bin/sh\necho \"$@\" >> '{started}'\nexit 1\n")
    chromium.chmod(0o755)
    return chromium, started


def pytest_run(basetemp: Path, chromium: Path, *args: str) -> subprocess.CompletedProcess:
    """This suite's pytest in a child process, on SQLite (never the parent's PostgreSQL database)."""
    env = {k: v for k, v in os.environ.items() if k != "FOIA_TEST_DATABASE_URL"}
    env["FOIA_CHROMIUM"] = str(chromium)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--basetemp={basetemp}",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_not_browser_never_starts_chromium(tmp_path):
    chromium, started = fake_chromium(tmp_path)

    filtered = pytest_run(tmp_path / "not-browser", chromium, "tests/e2e", "-m", "not browser")

    assert not started.exists(), filtered.stdout[-3000:]
    assert filtered.returncode in (0, 5), filtered.stdout[-3000:]  # 5: every test there was deselected
    assert re.search(r"\b[1-9]\d* deselected", filtered.stdout), filtered.stdout[-3000:]
    # Without the filter the same tests do start it, so the fake above would have told.
    unfiltered = pytest_run(tmp_path / "all", chromium, "tests/e2e", "-x")
    assert started.exists() and unfiltered.returncode == 1, unfiltered.stdout[-3000:]


def test_browser_and_corpus_markers_follow_the_fixtures_a_test_uses(tmp_path):
    chromium, _ = fake_chromium(tmp_path)
    browser = pytest_run(tmp_path / "browser", chromium, "--collect-only", "-m", "browser",
                         "tests/e2e/test_responses_browser.py", "tests/unit/mail/test_ingest.py").stdout
    assert "test_responses_browser.py::test_upload_a_reply_extract_its_pdf_and_search_it" in browser
    assert "test_ingest.py" not in browser
    corpus = pytest_run(tmp_path / "corpus", chromium, "--collect-only", "-m", "corpus", "tests/unit/mail/test_ingest.py").stdout
    assert "test_ingest.py::test_a_real_bounce_marks_the_agency_failing" in corpus
    assert "test_ingest.py::test_bounce_marks_the_agency_failing_names_the_recipient" not in corpus
