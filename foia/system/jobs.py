"""The periodic jobs: what each does and how often. The scheduler runs them; the System page and
/healthz judge them by what the scheduler recorded in the database."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A periodic job: a function of the runtime, run every `seconds` by the leading scheduler."""

    name: str
    #: "module:function", imported when the job first runs.
    target: str
    seconds: float
    #: What it does, for the System page.
    purpose: str
    #: A config key that must be set for the job to run (e.g. IMAP_HOST), or None.
    needs: str | None = None

    def interval(self, config: dict) -> float:
        """Seconds between runs, scaled by FOIA_JOB_INTERVAL_SCALE (tests run the real jobs quickly)."""
        return max(0.2, self.seconds * float(config.get("JOB_INTERVAL_SCALE") or 1))

    def enabled(self, config: dict) -> bool:
        return not self.needs or bool(config.get(self.needs))


JOBS = (
    Job("dispatch-outbox", "foia.mail.outbox:dispatch_due", 30, "sends queued email to the mail server"),
    Job("send-reminders", "foia.reminders.services:run_scheduled", 900, "queues deadline reminders that are due"),
    Job("fetch-mail", "foia.mail.imap:run_scheduled", 300, "reads new agency mail from the IMAP mailbox",
        needs="IMAP_HOST"),
    Job("update-search-index", "foia.search.indexer:run_scheduled", 20, "adds new pages and emails to search"),
)
#: A job is late when it has not succeeded for this many of its intervals.
LATE_AFTER_INTERVALS = 3
