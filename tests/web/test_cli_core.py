"""`foia create-user`, `foia db upgrade` and `foia backup` as an operator runs them."""
from sqlmodel import select

from foia.accounts.models import User


def test_create_user_with_password_and_admin_flag(runner, session):
    result = runner.invoke(args=["create-user", "Editor@Paper.example", "--admin", "--password", "s3cret-enough"])
    assert result.exit_code == 0, result.output
    user = session.exec(select(User)).one()
    assert user.email == "editor@paper.example" and user.is_admin


def test_create_user_prompts_for_password(runner, session):
    result = runner.invoke(args=["create-user", "a@b.example"], input="typed-password\ntyped-password\n")
    assert result.exit_code == 0, result.output
    assert session.exec(select(User)).one().email == "a@b.example"


def test_create_user_refuses_bad_email_in_one_line(runner, session):
    result = runner.invoke(args=["create-user", "not-an-address", "--password", "long enough"])
    assert result.exit_code != 0
    assert result.output.strip().startswith("Error:")
    assert len(result.output.strip().splitlines()) == 1
    assert session.exec(select(User)).first() is None


def test_db_upgrade_is_idempotent(runner):
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_search_command_as_deployed_catches_the_index_up_without_locking_itself(app_config, make, session,
                                                                                 monkeypatch):
    """`foia` (not the test app) takes SQLite's write lock in its sessions; search must still work."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from foia import cli
    from tests.unit.search.records import add_document

    add_document(session, make.request(), ["A page about the platypus program."], filename="platypus.pdf")
    monkeypatch.setenv("FOIA_INSTANCE_PATH", app_config["INSTANCE_PATH"])
    monkeypatch.setenv("FOIA_DATABASE_URL", app_config["DATABASE_URL"])
    monkeypatch.setenv("FOIA_SECRET_KEY", "x")
    deployed = cli._create_app()  # what `foia search` builds
    try:
        assert deployed.extensions["foia"].immediate_sessions
        result = CliRunner().invoke(cli.main, ["search", "platypus", "--json"],
                                    obj=ScriptInfo(create_app=lambda: deployed))
    finally:
        deployed.extensions["foia"].engine.dispose()
    assert result.exit_code == 0, result.output
    assert '"filename": "platypus.pdf"' in result.output
