"""`foia agencies ...` (stub)."""
import click


@click.group()
def agencies():
    """Agency directory."""
