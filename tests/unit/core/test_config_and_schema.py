"""Configuration precedence and validation, the secret key, and migrations matching the models."""
import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from foia import config, db, migrations


def test_environment_overrides_instance_config_file(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("PORT = 6000\nMAIL_FROM = 'desk@paper.example'\n")
    monkeypatch.setenv("FOIA_PORT", "7001")
    settings = config.load(tmp_path)
    assert settings["PORT"] == 7001
    assert settings["MAIL_FROM"] == "desk@paper.example"
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'foia.sqlite3'}"
    assert settings["BASE_URL"] == "http://127.0.0.1:7001"


@pytest.mark.parametrize("key, value, message", [
    ("FOIA_PORT", "eighty", "FOIA_PORT must be a whole number"),
    ("FOIA_REGISTRATION_OPEN", "maybe", "FOIA_REGISTRATION_OPEN must be true or false"),
    ("FOIA_SMTP_TLS", "tls1.0", "FOIA_SMTP_TLS must be one of"),
    ("FOIA_EXTRACT_LANES", "many", "FOIA_EXTRACT_LANES must be a whole number"),
    ("FOIA_EXTRACT_MEMORY_MB", "0", "FOIA_EXTRACT_MEMORY_MB must be 1 or more"),
    ("FOIA_EXTRACT_TIME_LIMIT", "-5", "FOIA_EXTRACT_TIME_LIMIT must be more than 0"),
    ("FOIA_LOGIN_LIMIT", "five a day", "FOIA_LOGIN_LIMIT must read like '5 per 15 minutes'"),
    ("FOIA_LOGIN_LIMIT_PER_ADDRESS", "lots", "FOIA_LOGIN_LIMIT_PER_ADDRESS must read like"),
])
def test_bad_values_are_refused_with_a_clear_message(tmp_path, monkeypatch, key, value, message):
    monkeypatch.setenv(key, value)
    with pytest.raises(config.ConfigError, match=message):
        config.load(tmp_path)


def test_the_default_login_limits_are_ones_the_throttle_reads():
    """config.load checks only login limits that differ from the defaults (to spare every command `limits`)."""
    from limits import parse_many

    for key in ("LOGIN_LIMIT", "LOGIN_LIMIT_PER_ADDRESS"):
        assert parse_many(config.DEFAULTS[key])


def test_extraction_and_ocr_settings_reach_the_worker_from_the_environment(tmp_path, monkeypatch):
    from datetime import timedelta
    from types import SimpleNamespace

    from foia.documents import ocr, queue

    for key, value in {"EXTRACT_TIME_LIMIT": "45", "EXTRACT_MEMORY_MB": "900", "EXTRACT_LANES": "3",
                       "EXTRACT_CLAIM_TIMEOUT": "60", "OCR_LANGUAGES": "eng+deu", "TESSERACT_PATH": ""}.items():
        monkeypatch.setenv(f"FOIA_{key}", value)
    runtime = SimpleNamespace(config=config.load(tmp_path))
    reader = queue._reader(runtime)
    assert (reader.time_limit, reader.memory_mb) == (45, 900)
    assert queue._lanes(runtime, None) == 3 and queue._claim_timeout(runtime) == timedelta(seconds=60)
    assert ocr.languages(runtime.config) == "eng+deu" and ocr.find_tesseract(runtime.config) is None


def test_extraction_settings_left_unset_keep_the_built_in_limits(tmp_path):
    from types import SimpleNamespace

    from foia.documents import queue
    from foia.documents.reader import DEFAULT_MEMORY_MB, DEFAULT_TIME_LIMIT

    runtime = SimpleNamespace(config=config.load(tmp_path))
    reader = queue._reader(runtime)
    assert (reader.time_limit, reader.memory_mb) == (DEFAULT_TIME_LIMIT, DEFAULT_MEMORY_MB) == (120, 1536)
    assert queue._claim_timeout(runtime) == queue.DEFAULT_CLAIM_TIMEOUT


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first
    assert len(first) >= 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_migrations_create_exactly_the_models_schema(database_url):
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == [], "models changed without a migration: run python -m foia.migrations.generate"


def test_upgrade_twice_is_harmless(database_url):
    engine = db.make_engine(database_url)
    migrations.upgrade(engine)
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) is not None
    engine.dispose()


def test_the_cheap_revision_check_agrees_with_alembic(database_url, tmp_path):
    """Commands check the revision without Alembic; it must name the same head and the same current revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    assert migrations.head_revision() == ScriptDirectory.from_config(migrations.alembic_config()).get_current_head()
    for engine, expected in ((db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}"), "0002_job_status"),
                             (db.make_engine(database_url), migrations.head_revision())):
        assert migrations.current_revision(engine) in (None, expected)
        migrations.upgrade(engine, expected)
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == expected
        assert migrations.current_revision(engine) == expected
        engine.dispose()


def test_upgrading_a_database_with_agencies_keeps_them_and_their_requests(tmp_path):
    """The law-data migration drops the clock columns of jurisdiction while agencies point at it (SQLite)."""
    import sqlalchemy as sa
    from alembic import command

    from foia.agencies.jurisdictions import sync_jurisdictions

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.connect() as connection:
        command.upgrade(migrations.alembic_config(connection), "0001")
        connection.commit()
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO jurisdiction (slug, name, level, law_name, citation, source_url, timezone, holiday_country, "
            "holiday_subdiv, response_after_ack, day_type, ack_citation, response_citation, extension_citation, "
            "appeal_citation, notes, verified) VALUES ('fl', 'Florida', 'state', 'old', 'old', 'https://old', "
            "'America/New_York', 'US', 'FL', 0, 'business', '', '', '', '', '', 0)"))
        connection.execute(sa.text(
            "INSERT INTO agency (jurisdiction_id, name, abbreviation, foia_email, portal_url, address, phone, "
            "appeal_contact, notes, email_failing_reason, created_at, updated_at) VALUES (1, 'Orlando Police', '', '', "
            "'', '', '', '', '', '', '2026-01-01', '2026-01-01')"))
    migrations.upgrade(engine)
    with db.new_session(engine) as session:
        sync_jurisdictions(session)
        session.commit()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT name, closed_days FROM agency")).all() == [("Orlando Police", "[]")]
        assert connection.execute(sa.text("SELECT citation FROM jurisdiction WHERE slug = 'fl'")).scalar() == \
            "Fla. Stat. § 119.07(1)(c)"
    engine.dispose()
