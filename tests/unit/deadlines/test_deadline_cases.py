"""Every hand-counted case in tests/deadline_cases/<slug>.toml, run through `foia deadline --json` on the shipped data.

The cases are counted by hand from the statutes and the states' holiday laws (never by running the app), so an
error in the code or in a law file fails here.
"""
from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from foia.deadlines.commands import deadline

CASES_DIR = Path(__file__).resolve().parents[2] / "deadline_cases"
#: Case keys and the `foia deadline --json` key each is checked against.
CHECKED = {"ack_due": "ack_due", "response_due": "response_due", "produce_due": "produce_due",
           "extended_due": "extended_due", "appeal_due": "appeal_due", "appeal_decided_due": "appeal_decided_due",
           "sue_due": "sue_due"}
INPUTS = {"received", "determination", "appeal_filed", "appeal_decided"}
KNOWN = set(CHECKED) | INPUTS | {"why", "none"}


def _cases() -> list:
    found = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(document.get("case", []), start=1):
            found.append(pytest.param(path.stem, case, id=f"{path.stem}-{number}-{case.get('received')}"))
    return found


def test_every_shipped_law_has_hand_counted_cases_or_none_yet():
    slugs = {path.stem for path in CASES_DIR.glob("*.toml")}
    assert {"federal", "ca", "fl", "il", "ma", "ny", "or", "tx", "wa"} <= slugs


@pytest.mark.parametrize("slug,case", _cases())
def test_hand_counted_case(slug, case):
    unknown = set(case) - KNOWN
    assert not unknown, f"{slug}: unknown case keys {sorted(unknown)}"
    assert isinstance(case.get("received"), date), f"{slug}: every case needs received = YYYY-MM-DD"
    args = ["--jurisdiction", slug, "--received", case["received"].isoformat(), "--json"]
    if "determination" in case:
        args += ["--determination", case["determination"].isoformat()]
    if "appeal_filed" in case:
        args += ["--appeal-filed", case["appeal_filed"].isoformat()]
    if "appeal_decided" in case:
        args += ["--appeal-decided", case["appeal_decided"].isoformat()]
    result = CliRunner().invoke(deadline, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = {key: case[key].isoformat() for key in CHECKED if key in case}
    # Optional: `none = ["response_due"]` says the law sets no such date (a key left out is simply not checked).
    unknown_none = set(case.get("none", [])) - set(CHECKED)
    assert not unknown_none, f"{slug}: none = names unknown keys {sorted(unknown_none)}"
    expected.update({key: None for key in case.get("none", [])})
    got = {key: data[CHECKED[key]] for key in expected}
    assert got == expected, f"{slug} received {case['received']}: {case.get('why', '')}\n" + "\n".join(
        entry["text"] for entry in data["explanation"])
