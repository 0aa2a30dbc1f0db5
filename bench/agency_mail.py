"""Realistic agency replies for the benches: an mbox of acknowledgements, fee letters, clarifications,
releases with a one-page PDF, denials and auto-replies, addressed to real requests of an instance.

Used by bench/ingest.py and bench/memory.py. Every message and every PDF differs (the app keeps
one copy of identical mail and files), and the mix of forms is what agencies send: plain text,
text with an HTML alternative, quoted-printable and base64 bodies, Latin-1 and UTF-8, replies that
quote the request, forwarded headers.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import UTC, datetime, timedelta
from pathlib import Path

AGENCY_NAMES = ["Orlando Police Department", "Washington County Sheriff's Office", "City of Tacoma",
                "Department of Homeland Security", "Miami-Dade Police Department", "Seattle Police Department",
                "Oregon Department of Justice", "Florida Department of Law Enforcement", "King County Sheriff",
                "Portland Police Bureau", "Pinellas County Sheriff", "Hillsboro Police Department"]
SUBJECTS = ["RE: Public Records Request {code}", "Your records request {code} - acknowledgement",
            "{code}: fee estimate", "Records Request #{number} ({code})", "RE: {code} clarification needed",
            "Release of records - {code}", "Automatic reply: public records", "FW: {code} responsive records"]
BODIES = [
    "Dear Requester,\n\nThis letter acknowledges receipt of your public records request received on {day}. "
    "Your request has been assigned reference number {number}. We will respond within the time the law allows.\n\n"
    "Sincerely,\nRecords Unit\n{agency}",
    "Hello,\n\nThe estimated cost to fulfil your request is ${fee}.00 for {hours} hours of staff time at the rate "
    "set by statute. Please remit payment before we begin the search.\n\nRegards,\nPublic Records Custodian",
    "Good afternoon,\n\nCould you narrow the date range of your request? As written it covers all email mentioning "
    "Rekognition, body cameras and real-time matching since 2016, which returns {hours},000 messages.\n\nThank you,\n{agency}",
    "Please find attached the first installment of records responsive to your request {code}. Some records are "
    "withheld under the exemption for active criminal investigations. More records will follow.\n\n{agency}",
    "Your request is denied in full. The records are exempt from disclosure under the statute cited in our "
    "letter; you may appeal within the period it sets.\n\nOffice of the General Counsel, {agency}",
    "I am out of the office until {day} with limited access to email. For public records matters please write "
    "to the records unit.",
]
QUOTE = ("\n\n-----Original Message-----\nFrom: Civil Liberties Project\nSent: {day}\nSubject: {code}\n\n"
         "> Pursuant to the public records law, I request all emails and contracts mentioning Amazon Rekognition,\n"
         "> facial recognition or real-time matching, including pilot program evaluations.\n")


@dataclass
class Target:
    """A request the mail is about: its tracking code and where its replies go."""

    code: str
    reply_to: str
    agency_email: str
    agency_name: str


def one_page_pdf(rng: random.Random, code: str, number: int) -> bytes:
    from bench.extract import WORDS
    from foia.demo.pdf_writer import text_pdf

    lines = [f"Responsive records, request {code}, item {number}"]
    lines += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(7, 12))) for _ in range(40)]
    return text_pdf(["\n".join(lines)])


def agency_message(rng: random.Random, number: int, target: Target | None, *, with_pdf: bool,
                   pdf_bytes: int = 0) -> bytes:
    """One reply as the agency's mail server would deliver it; None target: mail that matches no request."""
    code = target.code if target else f"PRR-{rng.randint(10_000, 99_999)}"
    agency = target.agency_name if target else rng.choice(AGENCY_NAMES)
    sender = target.agency_email if target else f"records{rng.randint(1, 999)}@unknown-agency.example"
    sent = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(minutes=37 * number)
    fields = {"code": code, "number": f"P{number:06d}-{rng.randint(100, 999)}", "agency": agency,
              "day": sent.strftime("%B %d, %Y"), "fee": rng.randint(15, 900), "hours": rng.randint(2, 40)}
    kind = 3 if with_pdf else rng.choice([0, 1, 2, 4, 5, 0, 1])
    body = BODIES[kind].format(**fields) + (QUOTE.format(**fields) if rng.random() < 0.6 else "")
    message = EmailMessage()
    message["Received"] = (f"from mail.{sender.split('@')[1]} (mail [192.0.2.{number % 250}]) by mx.newsroom.example "
                           f"with ESMTPS id {rng.getrandbits(40):x}; {format_datetime(sent)}")
    message["From"] = f"{agency} Records <{sender}>"
    message["To"] = target.reply_to if target else "requests@newsroom.example"
    message["Subject"] = rng.choice(SUBJECTS).format(**fields) if kind != 5 else "Automatic reply: public records"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = make_msgid(f"r{number}", domain=sender.split("@")[1])
    if kind == 5:
        message["Auto-Submitted"] = "auto-replied"
    charset = "utf-8" if rng.random() < 0.7 else "iso-8859-1"
    encoding = rng.choice(["quoted-printable", "base64", "8bit"])
    message.set_content(body + ("\n\nMerci — Café records desk" if charset == "utf-8" else ""), charset=charset,
                        cte=encoding if charset == "utf-8" or encoding != "8bit" else "quoted-printable")
    if rng.random() < 0.5:
        html = "<html><body>" + "".join(f"<p>{line}</p>" for line in body.split("\n\n")) + "</body></html>"
        message.add_alternative(html, subtype="html")
    if with_pdf:
        data = one_page_pdf(rng, code, number)
        if pdf_bytes > len(data):  # a scan-sized attachment for the memory bench: padding after %%EOF
            data += b"\n%" + rng.randbytes(pdf_bytes - len(data)).hex().encode()[: pdf_bytes - len(data)]
        message.add_attachment(data, maintype="application", subtype="pdf", filename=f"{code}-records-{number}.pdf")
    return message.as_bytes()


def write_mbox(path: Path, targets: list[Target], count: int, *, seed: int = 12, pdf_share: float = 0.5,
               unmatched_share: float = 0.1, pdf_bytes: int = 0) -> dict:
    """Write `count` messages to an mbox; returns how many carry a PDF and how many match no request."""
    rng = random.Random(seed)
    with_pdf = set(rng.sample(range(count), int(count * pdf_share)))
    unmatched = 0
    with path.open("wb") as out:
        for number in range(count):
            target = None if rng.random() < unmatched_share else rng.choice(targets)
            unmatched += target is None
            raw = agency_message(rng, number, target, with_pdf=number in with_pdf, pdf_bytes=pdf_bytes)
            stamp = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(minutes=37 * number)
            out.write(b"From records@agency.example " + stamp.strftime("%a %b %d %H:%M:%S %Y").encode() + b"\n")
            # mboxrd quoting: a body line starting with "From " would otherwise split the message
            out.write(raw.replace(b"\nFrom ", b"\n>From ").rstrip(b"\n") + b"\n\n")
    return {"messages": count, "with_pdf": len(with_pdf), "unmatched": unmatched}


def make_instance(folder: Path, *, requests: int = 100, agencies: int = 20) -> list[Target]:
    """A fresh instance (SQLite unless FOIA_DATABASE_URL says otherwise) with one requester and filed requests."""
    import os
    from datetime import date

    from foia import create_app, migrations
    from foia.agencies.jurisdictions import sync_jurisdictions
    from foia.agencies.models import Agency, Jurisdiction
    from foia.accounts.models import User
    from foia.accounts.services import hash_password
    from foia.requests import filing, lifecycle
    from foia.requests.models import SubmissionMethod
    from sqlmodel import select

    config = {"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
              "WORKER_ENABLED": False, "MAIL_FROM": "requests@newsroom.example"}
    if os.environ.get("FOIA_DATABASE_URL"):
        config["DATABASE_URL"] = os.environ["FOIA_DATABASE_URL"]
    app = create_app(config)
    runtime = app.extensions["foia"]
    migrations.upgrade(runtime.engine)
    now = datetime(2026, 1, 2, 15, tzinfo=UTC)
    targets = []
    with runtime.session() as session:
        sync_jurisdictions(session)
        owner = User(email="reporter@newsroom.example", display_name="Reporter",
                     password_hash=hash_password("a long bench password"))
        session.add(owner)
        jurisdictions = session.exec(select(Jurisdiction).where(Jurisdiction.slug.in_(["fl", "or", "wa", "federal"]))).all()
        made = []
        for n in range(agencies):
            agency = Agency(name=f"{AGENCY_NAMES[n % len(AGENCY_NAMES)]} {n}", jurisdiction_id=jurisdictions[n % 4].id,
                            foia_email=f"records{n}@agency{n}.example")
            session.add(agency)
            made.append(agency)
        session.flush()
        for n in range(requests):
            agency = made[n % agencies]
            new = filing.NewRequest([agency.id], f"Rekognition records {n}", "Emails about Rekognition.")
            [request] = filing.create_requests(session, owner, new, now)
            lifecycle.mark_submitted(session, owner, request.id, date(2026, 1, 2), SubmissionMethod.email, now)
            local, domain = "requests@newsroom.example".split("@")
            targets.append(Target(request.tracking_code, f"{local}+{request.reply_token}@{domain}",
                                  agency.foia_email, agency.name))
        session.commit()
    runtime.engine.dispose()
    return targets
