"""`foia import`, `foia fetch-mail` (stub)."""
import click


@click.command("import")
def import_mail():
    """Import mail and files (not yet available)."""
    raise click.ClickException("not yet available")


@click.command("fetch-mail")
def fetch_mail():
    """Poll IMAP once (not yet available)."""
    raise click.ClickException("not yet available")
