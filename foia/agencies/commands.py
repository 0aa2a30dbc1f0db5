"""`foia agencies import FILE.csv` and `foia agencies list`."""
from __future__ import annotations

from pathlib import Path

import click

from foia.cli_support import command_errors, current_runtime, echo_json, needs_database, with_appcontext
from foia.errors import ValidationError


@click.group()
def agencies():
    """Agency directory."""


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise ValidationError(f"{path}: no such file.")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not a CSV file (it is not UTF-8 text).") from None


@agencies.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
@command_errors
@needs_database
def import_agencies(file: Path, as_json: bool):
    """Create or update agencies from a CSV file (columns: name, jurisdiction, abbreviation,
    foia_email, portal_url, address, phone, notes)."""
    from foia.agencies import services

    text = _read_text(file)
    runtime = current_runtime()
    with runtime.session() as session:
        try:
            report = services.import_csv(session, None, runtime.clock.now(), text)
        except ValidationError as error:
            raise ValidationError(f"{file}: {error}") from None
        session.commit()
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(f"{len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.skipped)} unchanged, {len(report.rejected)} rejected.")
    for row, reason in report.rejected:
        click.echo(f"  row {row}: {reason}")


@agencies.command("list")
@click.option("--jurisdiction", default=None, help="Only this jurisdiction (slug, e.g. fl).")
@click.option("--json", "as_json", is_flag=True, help="Print the agencies as JSON.")
@with_appcontext
@command_errors
@needs_database
def list_agencies(jurisdiction: str | None, as_json: bool):
    """Every agency in the directory."""
    from foia.agencies import services

    with current_runtime().session() as session:
        page = services.search_agencies(session, jurisdiction=jurisdiction, per_page=1_000_000)
        rows = [{"id": agency.id, "name": agency.name, "jurisdiction": j.slug, "abbreviation": agency.abbreviation,
                 "email": agency.foia_email, "portal_url": agency.portal_url,
                 "email_failing": agency.email_failing_since is not None} for agency, j in page.items]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No agencies.")
    for row in rows:
        failing = "  [email failing]" if row["email_failing"] else ""
        click.echo(f"{row['id']:>5}  {row['jurisdiction']:<8} {row['name']}  {row['email']}{failing}")
