"""`foia deadline` (due dates for a jurisdiction and a receipt date) and `foia send-reminders`."""
from __future__ import annotations

from datetime import date

import click

from foia import bounds
from foia.cli_support import command_errors, current_runtime, echo_json, needs_database, with_appcontext


def _parse_date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise click.ClickException(f"{option} must be a real date as YYYY-MM-DD, not {value!r}.") from None
    if bounds.date_problem(day):
        raise click.ClickException(f"{option}: {bounds.DATE_MESSAGE}")
    return day


def _follow_up_days() -> int:
    """FOIA_FOLLOW_UP_DAYS from the app when there is one, else from the configuration alone (no database)."""
    from flask import current_app, has_app_context

    from foia import config

    if has_app_context():
        return current_app.config["FOLLOW_UP_DAYS"]
    return config.load(config.instance_path())["FOLLOW_UP_DAYS"]


def _keep_holiday_lists() -> None:
    """Read and keep the holidays package's lists in the instance folder, as the app does (it has set it)."""
    from flask import has_app_context

    from foia import config
    from foia.deadlines import holiday_lists

    if not has_app_context():
        holiday_lists.keep_in_instance(config.instance_path())


#: The dates printed, in order: the JSON key and its name in the label table beside Status.
PRINTED = (("ack_due", "ack_due"), ("response_due", "response_due"), ("follow_up_on", "follow_up"),
           ("produce_due", "produce_due"), ("extended_due", "extended_due"), ("appeal_due", "appeal_due"),
           ("appeal_decided_due", "appeal_decision_due"), ("sue_due", "sue_due"))


@click.command()
@click.option("--jurisdiction", "slug", required=True, help="Jurisdiction slug: federal, or a state code (fl, or, ...).")
@click.option("--received", required=True, help="The day the agency received the request, YYYY-MM-DD.")
@click.option("--determination", default=None, help="The day of the agency's decision, YYYY-MM-DD (appeal window).")
@click.option("--appeal-filed", "appeal_filed", default=None, help="The day the appeal was filed, YYYY-MM-DD.")
@click.option("--appeal-decided", "appeal_decided", default=None,
              help="The day the appeal was decided, YYYY-MM-DD (where the time to go to court counts from it).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@command_errors
def deadline(slug: str, received: str, determination: str | None, appeal_filed: str | None,
             appeal_decided: str | None, as_json: bool):
    """Compute every due date under a law, with the reasons. Reads the packaged law data: no database needed."""
    from foia.deadlines import rules
    from foia.deadlines.laws import get_law
    from foia.requests.status import due_date_label

    _keep_holiday_lists()
    received_on = _parse_date(received, "--received")
    decided_on = _parse_date(determination, "--determination") if determination else None
    appealed_on = _parse_date(appeal_filed, "--appeal-filed") if appeal_filed else None
    appeal_decided_on = _parse_date(appeal_decided, "--appeal-decided") if appeal_decided else None
    law = get_law(slug)
    result = rules.calculate(law, received_on, determination=decided_on, appeal_filed=appealed_on,
                             appeal_decided=appeal_decided_on, follow_up_days=_follow_up_days())
    if as_json:
        echo_json(result)
        return
    click.echo(f"{law.name}: request received {received_on.isoformat()}"
               + ("" if law.verified else " (this law's entry is not yet verified against the statute)"))
    last_day = any(entry["kind"] == "sue_due" and entry["last_day"] for entry in result["explanation"])
    for key, name in PRINTED:
        if result[key]:
            click.echo(f"{due_date_label(name, last_day=last_day)}: {result[key]}")
    for entry in result["explanation"]:
        click.echo(f"- {entry['text']}")


@click.command("send-reminders")
@click.option("--as-of", "as_of", default=None, help="Act as if today were this date, YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="Count what would be created and sent; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@command_errors
@needs_database
def send_reminders(as_of: str | None, dry_run: bool, as_json: bool):
    """Create and send the reminders that are due, each exactly once, then deliver the outbox."""
    from foia.reminders.services import send_reminders as run
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
