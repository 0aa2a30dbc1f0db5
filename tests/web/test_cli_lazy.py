"""The `foia` program lists and runs every command while loading only the one asked for (issue 12).

Each runs the installed `foia` program in an empty folder, as an operator would; what a command
imports is read from a fresh interpreter, since a fast command is one that never loads the rest.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from foia.cli import COMMANDS, EXTENSION_COMMANDS, load_command

FOIA = str(Path(sys.executable).with_name("foia"))


def foia(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    env["COLUMNS"] = "80"  # click's help is 78 columns wide at most
    return subprocess.run([FOIA, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=60)


def modules_after(folder: Path, *args: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `foia ARGS` (its output is discarded)."""
    script = ("import sys\nfrom foia.cli import main\n"
              "try:\n    main(sys.argv[1:], prog_name='foia')\nexcept SystemExit:\n    pass\n"
              "print('\\n'.join(sorted(sys.modules)), file=sys.__stderr__)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=folder, env=env, capture_output=True,
                            text=True, timeout=60)
    return set(result.stderr.split())


def test_help_lists_every_command_with_its_own_description(tmp_path):
    result = foia(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    rows = {line.split()[0]: line.split(None, 1)[1] for line in listed if line.strip()}
    assert set(rows) == set(COMMANDS) | set(EXTENSION_COMMANDS)
    limit = 78 - 6 - max(len(name) for name in rows)  # as click.Group.format_commands reckons it
    for name in COMMANDS:
        assert rows[name] == load_command(name).get_short_help_str(limit), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_description_is_the_command_s_own(name):
    """COMMANDS keeps each command's help so `foia --help` need not import it: the two must not drift."""
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.help.split("\n\n")[0] == COMMANDS[name][1]


@pytest.mark.parametrize("name", sorted(COMMANDS) + ["agencies import", "db upgrade", *EXTENSION_COMMANDS])
def test_every_command_answers_help(tmp_path, name):
    result = foia(tmp_path, *name.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: foia {name} ")
    assert list(tmp_path.iterdir()) == []  # asking for help creates nothing


def test_an_unknown_command_is_one_line_and_exit_2(tmp_path):
    result = foia(tmp_path, "frobnicate")
    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr


def test_help_imports_no_command_and_no_database_layer(tmp_path):
    loaded = modules_after(tmp_path, "--help")
    assert "foia.cli" in loaded
    assert not {"sqlalchemy", "sqlmodel", "foia.serve", "foia.deadlines.commands", "foia.models"} & loaded


@pytest.mark.parametrize("name", sorted(COMMANDS) + ["agencies import", "agencies list", "db upgrade"])
def test_asking_a_command_for_help_loads_no_database_layer(tmp_path, name):
    loaded = modules_after(tmp_path, *name.split(), "--help")
    assert not {"sqlalchemy", "sqlmodel", "foia.models"} & loaded


def test_deadline_builds_no_app_and_loads_no_database_layer(tmp_path):
    result = foia(tmp_path, "deadline", "--jurisdiction", "wa", "--received", "2026-03-02", "--json")
    assert result.returncode == 0, result.stderr
    assert '"response_due": "2026-03-09"' in result.stdout
    loaded = modules_after(tmp_path, "deadline", "--jurisdiction", "wa", "--received", "2026-03-02")
    assert "foia.deadlines.rules" in loaded
    assert not {"sqlalchemy", "sqlmodel", "alembic", "foia.models", "foia.web"} & loaded
    assert list(tmp_path.iterdir()) == []


def test_a_database_command_loads_neither_the_web_pages_nor_alembic(tmp_path):
    loaded = modules_after(tmp_path, "documents")
    assert "foia.documents.commands" in loaded and "sqlalchemy" in loaded
    assert not {"alembic", "foia.web", "foia.requests.web", "flask_login", "flask_wtf", "foia.serve"} & loaded


@pytest.fixture(scope="module")
def upgraded_folder(tmp_path_factory) -> Path:
    """A folder whose ./instance holds an empty database at the newest revision."""
    folder = tmp_path_factory.mktemp("upgraded")
    result = foia(folder, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("args", [["documents"], ["documents", "--json"], ["text", "1"]])
def test_the_document_listings_read_without_the_orm(upgraded_folder, args):
    """`foia documents` and `foia text` read Core tables (foia.documents.tables): no SQLModel, pydantic or models."""
    loaded = modules_after(upgraded_folder, *args)
    assert "foia.documents.listing" in loaded and "sqlalchemy" in loaded
    assert not {"sqlmodel", "pydantic", "sqlalchemy.orm", "foia.models", "foia.documents.models", "limits"} & loaded


def test_a_command_loads_the_checkers_it_does_not_use_only_when_it_uses_them(upgraded_folder):
    """Listing agencies checks no password, address or date, and the default login limits need no parsing."""
    loaded = modules_after(upgraded_folder, "agencies", "list")
    assert "foia.agencies.services" in loaded
    assert not {"zxcvbn", "email_validator", "holidays", "limits"} & loaded


@pytest.mark.parametrize("args", [["deadline", "--jurisdiction", "wa", "--received", "2026-12-24"],
                                  ["send-reminders", "--dry-run"]])
def test_counting_days_reads_the_holiday_lists_kept_in_the_instance_not_the_holidays_package(upgraded_folder, args):
    """`foia db upgrade` read every law, which kept each one's list of holidays in the instance folder: a command
    that counts days then never imports the holidays package (0.15 s, a fifth of `send-reminders`)."""
    assert (upgraded_folder / "instance" / "holiday-lists").is_dir()
    loaded = modules_after(upgraded_folder, *args)
    assert "foia.deadlines.laws" in loaded and "holidays" not in loaded


def test_the_demo_run_again_finds_its_release_without_loading_the_mail_pipeline(tmp_path):
    for args in (["db", "upgrade"], ["demo", "--password", "a long demo password"]):
        assert foia(tmp_path, *args).returncode == 0
    again = foia(tmp_path, "demo")
    assert again.returncode == 0 and "already loaded; nothing changed" in again.stdout
    loaded = modules_after(tmp_path, "demo")
    assert "foia.demo.release" in loaded
    assert not {"foia.mail.ingest", "foia.mail.parse", "charset_normalizer"} & loaded
