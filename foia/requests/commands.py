"""`foia demo` (stub)."""
import click


@click.command()
def demo():
    """Load the demo data (not yet available)."""
    raise click.ClickException("not yet available")
