"""Request letters: rendered from templates/letters/ for the agency's jurisdiction, plain text (foia.rendering)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines.laws import Law, law_for
from foia.rendering import LETTER_DATE, format_date, format_money, render_text

DEFAULT_TEMPLATE = "letters/request.txt.j2"


def day_count(days: int, unit: str) -> str:
    """"20 business days", "10 calendar days", "1 business day"."""
    return f"{days} {unit} day{'' if days == 1 else 's'}"


def response_period(law: Law) -> str:
    """The law's answer time in the words a letter uses, e.g. "a response within 20 business days"."""
    ack, respond = law.stage("acknowledge"), law.stage("respond")
    ack_words = day_count(ack.days, ack.unit) if ack is not None and ack.counted else ""
    if respond is None or not respond.counted:
        if ack_words:
            return f"an acknowledgment within {ack_words} and the records promptly, within a reasonable time"
        return "a prompt response, and the records within a reasonable time"
    response = f"within {day_count(respond.days, respond.unit)}"
    if ack_words and respond.trigger in ("ack_due", "acknowledged", "acknowledged_receipt"):
        return f"an acknowledgment within {ack_words} and a response {response} after that"
    if ack_words and (ack.days, ack.unit) != (respond.days, respond.unit):
        return f"an acknowledgment within {ack_words} and a response {response}"
    return f"a response {response}"


def has_fixed_period(law: Law) -> bool:
    respond = law.stage("respond")
    return respond is not None and respond.counted


@dataclass
class LetterFacts:
    """What a letter says about one request, before it exists as a row."""

    title: str
    records_sought: str
    fee_waiver: bool
    expedited: bool
    max_fee_cents: int | None


def _signature(requester: User) -> str:
    """The lines under the name; a signature that starts with the name does not repeat it."""
    lines = (requester.signature or "").strip().splitlines()
    if lines and lines[0].strip().lower() == requester.name.strip().lower():
        lines = lines[1:]
    return "\n".join(lines).strip()


def template_names(jurisdiction: Jurisdiction) -> list[str]:
    """The jurisdiction's own letter template first, then the default."""
    return [f"letters/request_{jurisdiction.slug}.txt.j2", DEFAULT_TEMPLATE]


def render_letter(agency: Agency, jurisdiction: Jurisdiction, requester: User, facts: LetterFacts,
                  today: date) -> str:
    """The request letter to `agency` under `jurisdiction`'s law, signed by `requester`."""
    law_data = law_for(jurisdiction)
    law = jurisdiction.law_name or "public records law"
    text = render_text(
        template_names(jurisdiction),
        agency=agency, jurisdiction=jurisdiction, requester=requester, facts=facts, today=today,
        date=format_date(today, LETTER_DATE), law=law, citation=jurisdiction.citation,
        law_with_citation=f"{law} ({jurisdiction.citation})" if jurisdiction.citation else law,
        response_period=response_period(law_data), fixed_period=has_fixed_period(law_data),
        max_fee=format_money(facts.max_fee_cents), requester_name=requester.name, signature=_signature(requester),
    )
    return text.strip() + "\n"
