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
