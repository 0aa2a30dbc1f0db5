"""The structure the code promises: which domain may import which (import-linter's contracts in
pyproject.toml), and services that leave commits to their callers."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_each_domain_imports_only_what_it_may():
    """No cycles between domains or inside one; the web layer, commands and entry points on top; services
    without Flask. The contracts are in pyproject.toml; `make lint` runs the same check."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_services_leave_the_commit_to_their_caller():
    """Services flush; the view, job or command commits (STYLE 12). Only the modules that run a job's own
    transactions (claims, per-file imports, the index's watermark) may commit."""
    root = ROOT / "foia"
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
