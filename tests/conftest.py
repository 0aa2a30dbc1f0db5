"""Fixtures: a fresh app and database per test, on SQLite or (FOIA_TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from foia import create_app, db, migrations
from foia.ports import FixedClock

PG_URL = os.environ.get("FOIA_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Real agency mail (Alaveteli's and froide's test mail) beside the project's workspace, never in the repository:
#: tests read it only through the `corpus` fixture.
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
#: A Monday with no holiday near it: tests that care about the clock set their own.
DEFAULT_NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def require(condition: bool, reason: str) -> None:
    """Skip on a user's machine, fail in CI, when a real component is missing."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: missing components are failures)")
        pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark what a test needs, before `-m` selects: `browser` for Chromium, `corpus` for the shared corpus."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "corpus" in fixtures:
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real agency mail: skipped where it is absent (a fresh clone), a failure under CI=true."""
    require(CORPUS.is_dir() and any(CORPUS.rglob("*.eml")),
            f"the shared corpus of real agency mail is not at {CORPUS}; it exists only in the project's workspace")
    return CORPUS


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate one database per test session: a SQLite file to copy, or the PostgreSQL schema."""
    if PG_URL:
        engine = db.make_engine(PG_URL)
        try:
            db.ping(engine)
        except sa.exc.OperationalError as error:
            pytest.exit(f"PostgreSQL at FOIA_TEST_DATABASE_URL does not answer: {error}", returncode=3)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        migrations.upgrade(engine)
        engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    return path


def _truncate_all(url: str) -> None:
    from sqlmodel import SQLModel

    engine = db.make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    """A database with the current schema and nothing in it but the jurisdictions."""
    if PG_URL:
        _truncate_all(PG_URL)
        url = PG_URL
    else:
        target = tmp_path / "foia.sqlite3"
        shutil.copy(database_template, target)
        url = f"sqlite:///{target}"
    from foia.agencies.jurisdictions import sync_jurisdictions

    engine = db.make_engine(url)
    with db.new_session(engine) as session:
        sync_jurisdictions(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def clock():
    """The app's clock; tests move it with `clock.at = ...`."""
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def app_config(tmp_path, database_url):
    """Config for create_app; tests may change it before using `app`."""
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MAIL_FROM": "requests@foia.test",
        "BASE_URL": "http://foia.test",
        "SCHEDULER_ENABLED": False,
        "WORKER_ENABLED": False,
    }


@pytest.fixture
def app(app_config, clock):
    application = create_app(app_config, clock=clock)
    application.config["TESTING"] = True
    yield application
    application.extensions["foia"].engine.dispose()


@pytest.fixture
def make_app(app_config, clock):
    """Another app on the test's database with some settings changed (its engine is closed afterwards, so no
    connection is left for the garbage collector to warn about in a later test)."""
    made = []

    def build(**overrides):
        application = create_app({**app_config, **overrides}, clock=clock)
        application.config["TESTING"] = True
        application.test_client_class = FormClient
        made.append(application)
        return application

    yield build
    for application in made:
        application.extensions["foia"].engine.dispose()


@pytest.fixture
def runtime(request, app_config, clock):
    """The ports the services take (foia.runtime.build_runtime), built without a Flask app: unit tests of
    services never create one. A test that also has the app gets the app's own runtime."""
    if "app" in request.fixturenames:
        yield request.getfixturevalue("app").extensions["foia"]
        return
    from foia import config as config_module
    from foia import models  # noqa: F401  (registers every table)
    from foia.runtime import build_runtime, keep_private

    instance = Path(app_config["INSTANCE_PATH"])
    keep_private(instance)
    built = build_runtime(config_module.load(instance, app_config), clock=clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def session(runtime):
    with runtime.session() as s:
        yield s


class FormClient(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would."""

    def csrf_token(self) -> str:
        page = self.get("/login").get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, "no CSRF token on /login"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = "correct horse battery"):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login failed for {email}"
        return response


@pytest.fixture
def client(app):
    app.test_client_class = FormClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def laws(session):
    """The shipped laws by slug (the database's jurisdictions are synced from the same files)."""
    from tests.unit.deadlines.laws import shipped_laws

    return shipped_laws()


@pytest.fixture
def make(session):
    """Factories bound to the test's session: make.user(), make.agency(), make.request(), ..."""
    from tests import factories

    return factories.Factories(session)
