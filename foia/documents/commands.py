"""`foia extract`, `foia documents`, `foia text`."""
import click

from foia.cli_support import command_errors, current_runtime, echo_json, needs_database, with_appcontext


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
@command_errors
@needs_database
def extract(as_json: bool):
    """Extract the text of every queued document, then stop."""
    from foia.documents.ocr import find_tesseract
    from foia.documents.queue import run_until_empty

    runtime = current_runtime()
    summary = run_until_empty(runtime)
    if as_json:
        echo_json(summary.as_json())
    else:
        click.echo(f"Extracted {summary.documents} document{'s' if summary.documents != 1 else ''}: "
                   f"{summary.pages} pages ({summary.ocr_pages} by OCR), {summary.failed} failed.")
    if summary.needs_ocr and find_tesseract(runtime.config) is None:
        noun = "document needs" if summary.needs_ocr == 1 else "documents need"
        click.echo(f"Tesseract is not installed: {summary.needs_ocr} {noun} OCR. Install tesseract-ocr and "
                   "run `foia extract` again to read the scanned pages.", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@with_appcontext
@command_errors
@needs_database
def documents(as_json: bool):
    """List every document with its page count and extraction state."""
    from foia.documents.listing import document_summaries

    with current_runtime().engine.connect() as connection:
        rows = document_summaries(connection)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No documents yet.")
    for row in rows:
        click.echo(f"{row['id']:>6}  {row['state']:<11}  {row['pages']:>5} p.  {row['filename']}")


@click.command()
@click.argument("document_id")
@with_appcontext
@command_errors
@needs_database
def text(document_id: str):
    """Print a document's extracted text, pages separated by form feeds."""
    from foia.documents.listing import document_text

    if not document_id.isdigit():
        raise click.ClickException(f"No document with id {document_id!r}: ids are whole numbers (see `foia documents`).")
    with current_runtime().engine.connect() as connection:
        click.echo(document_text(connection, int(document_id)))
