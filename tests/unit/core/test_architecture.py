"""The structure the code promises: services leave commits to their callers."""
from __future__ import annotations

import ast
from pathlib import Path


def test_services_leave_the_commit_to_their_caller():
    """Services flush; the view, job or command commits (STYLE 12). Only the modules that run a job's own
    transactions (claims, per-file imports, the index's watermark) may commit."""
    root = Path(__file__).resolve().parents[3] / "foia"
    jobs = {"mail/imap.py", "mail/inputs.py", "mail/outbox.py", "reminders/services.py", "search/indexer.py",
            "search/postgres_backend.py", "search/tantivy_backend.py", "scheduler.py", "maintenance.py",
            "migrations/__init__.py", "migrations/generate.py"}
    committing = set()
    for path in root.rglob("*.py"):
        name = path.relative_to(root).as_posix()
        top = name.startswith("web/") or name.endswith(("web.py", "commands.py")) or name in ("serve.py", "cli.py")
        if top or name in jobs:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "commit" and isinstance(node.ctx, ast.Load):
                committing.add(name)
    assert committing == set(), f"services that commit: {sorted(committing)}"
