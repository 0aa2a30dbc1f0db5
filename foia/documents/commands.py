"""`foia extract`, `foia documents`, `foia text` (stub)."""
import click


@click.command()
def extract():
    """Extract text (not yet available)."""
    raise click.ClickException("not yet available")


@click.command()
def documents():
    """List documents (not yet available)."""
    raise click.ClickException("not yet available")


@click.command()
def text():
    """Print a document's text (not yet available)."""
    raise click.ClickException("not yet available")
