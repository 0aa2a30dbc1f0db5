"""`foia search`, `foia reindex` (stub)."""
import click


@click.command()
def search():
    """Search (not yet available)."""
    raise click.ClickException("not yet available")


@click.command()
def reindex():
    """Rebuild the index (not yet available)."""
    raise click.ClickException("not yet available")
