"""`foia deadline`, `foia send-reminders` (stub)."""
import click


@click.command()
def deadline():
    """Compute due dates (not yet available)."""
    raise click.ClickException("not yet available")


@click.command("send-reminders")
def send_reminders():
    """Send due reminders (not yet available)."""
    raise click.ClickException("not yet available")
