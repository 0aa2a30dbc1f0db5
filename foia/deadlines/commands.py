"""`foia deadline` (due dates for a jurisdiction and a receipt date) and `foia send-reminders`."""
from __future__ import annotations

from datetime import date

import click

from foia import bounds
from foia.cli_support import command_errors, current_runtime, echo_json, with_appcontext


def _parse_date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise click.ClickException(f"{option} must be a real date as YYYY-MM-DD, not {value!r}.") from None
    if bounds.date_problem(day):
        raise click.ClickException(f"{option}: {bounds.DATE_MESSAGE}")
    return day


@click.command()
@click.option("--jurisdiction", "slug", required=True, help="Jurisdiction slug: federal, or a state code (fl, or, ...).")
@click.option("--received", required=True, help="The day the agency received the request, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@command_errors
def deadline(slug: str, received: str, as_json: bool):
    """Compute the acknowledgement and response due dates, with the reasons."""
    from foia.deadlines import rules

    received_on = _parse_date(received, "--received")
    runtime = current_runtime()
    with runtime.session() as session:
        jurisdiction = rules.find_jurisdiction(session, slug)
        result = rules.calculate(jurisdiction, received_on, follow_up_days=runtime.config["FOLLOW_UP_DAYS"])
    if as_json:
        echo_json({"ack_due": result["ack_due"], "response_due": result["response_due"],
                   "response_due_is_follow_up": result["response_due_is_follow_up"],
                   "jurisdiction": result["jurisdiction"], "received": result["received"],
                   "explanation": result["explanation"]})
        return
    click.echo(f"{jurisdiction.name}: request received {received_on.isoformat()}")
    click.echo(f"Acknowledgement due: {result['ack_due'] or 'no statutory date'}")
    label = "Follow up on" if result["response_due_is_follow_up"] else "Response due"
    click.echo(f"{label}: {result['response_due'] or 'no date'}")
    for entry in result["explanation"]:
        click.echo(f"- {entry['text']}")


@click.command("send-reminders")
@click.option("--as-of", "as_of", default=None, help="Act as if today were this date, YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="Count what would be created and sent; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@command_errors
def send_reminders(as_of: str | None, dry_run: bool, as_json: bool):
    """Create and send the reminders that are due, each exactly once, then deliver the outbox."""
    from foia.deadlines.reminders import send_reminders as run
    from foia.mail.outbox import dispatch_due

    day = _parse_date(as_of, "--as-of") if as_of else None
    runtime = current_runtime()
    result = run(runtime, as_of=day, dry_run=dry_run)
    delivered = 0 if dry_run else dispatch_due(runtime)
    data = {**result.as_dict(), "delivered": delivered}
    if as_json:
        echo_json(data)
        return
    verb = "would be" if dry_run else "were"
    click.echo(f"Reminders as of {data['as_of']}: {result.created} created, {result.sent} {verb} sent, "
               f"{result.skipped} skipped; {delivered} emails delivered.")
