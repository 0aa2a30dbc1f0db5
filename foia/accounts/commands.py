"""`foia create-user` and `foia unlock-login`."""
import click

from foia.cli_support import command_errors, current_runtime, needs_database, with_appcontext


@click.command("create-user")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the user every permission.")
@click.option("--password", help="The password; asked for when left out.")
@click.option("--name", "display_name", default="", help="The name shown in timelines and letters.")
@with_appcontext
@command_errors
@needs_database
def create_user(email: str, admin: bool, password: str | None, display_name: str):
    """Create a user who can log in."""
    from foia.accounts import services

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    runtime = current_runtime()
    with runtime.session() as session:
        user = services.create_user(session, email, password, display_name=display_name, is_admin=admin)
        session.commit()
        click.echo(f"Created {'admin ' if admin else ''}user {user.email}")


@click.command("unlock-login")
@click.argument("email")
@click.option("--address", help="Also forget the failed logins counted against this client address (IP).")
@with_appcontext
@command_errors
@needs_database
def unlock_login(email: str, address: str | None):
    """Let an account log in again now, after too many failed logins."""
    from foia.accounts import throttle

    runtime = current_runtime()
    throttle.lift_lockout(runtime.config, runtime.engine, email, address)
    click.echo(f"Failed logins forgotten for {email.strip().lower()}" + (f" and {address}" if address else ""))
