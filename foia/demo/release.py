"""The demo's released records: an agency reply carrying emails printed to PDF, as the ACLU received them.

Invented for the demo (the people, addresses and wording are not from the real release), shaped like
the real thing so that search, release splitting and the request timeline have something to show.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency
from foia.demo.pdf_writer import text_pdf
from foia.mail.models import Message
from foia.ports import BlobStore
from foia.requests.models import FoiaRequest

RELEASED_ON = datetime(2018, 3, 6, 19, 42, tzinfo=UTC)

PRINTOUT_PAGES = [
    """From: Lt. Dana Whitfield <dwhitfield@orlando-police.example>
Sent: Tuesday, December 12, 2017 9:14 AM
To: Pilot Team <rekognition-pilot@aws.example>
Cc: IT Projects <itprojects@orlando-police.example>
Subject: RE: Rekognition pilot - camera list

Thanks for the call yesterday. Attached is the list of the eight downtown
cameras for the Rekognition pilot. Once the network change is approved we
can send their streams for real-time face matching against the persons of
interest collection. Please confirm the retention period for the video
fragments on your side.

Dana""",
    """From: Pilot Team <rekognition-pilot@aws.example>
Sent: Wednesday, December 13, 2017 4:02 PM
To: Lt. Dana Whitfield <dwhitfield@orlando-police.example>
Subject: Rekognition pilot - next steps

Dana, confirming we can take the eight camera streams. For the second
phase we discussed body cam footage: Rekognition Video can index recorded
body cam video after upload, but real-time matching on body cams is not
part of this pilot. We will send the statement of work and the
non-disclosure agreement for signature this week.""",
    """From: IT Projects <itprojects@orlando-police.example>
Sent: Friday, January 5, 2018 11:30 AM
To: Lt. Dana Whitfield <dwhitfield@orlando-police.example>
Subject: Network change for pilot cameras

The firewall change for the pilot cameras is scheduled for January 9.
Only the eight cameras on the approved list will stream out. No body cam
or in-car video is included in this change.""",
]


def release_email(request: FoiaRequest, agency: Agency, requester: User) -> bytes:
    """The agency's reply with the first release attached (the same bytes every time)."""
    message = EmailMessage()
    message["From"] = f"{agency.name} Public Records <{agency.foia_email}>"
    message["To"] = requester.email
    message["Subject"] = f"RE: Public records request {request.tracking_code} - first release"
    message["Date"] = format_datetime(RELEASED_ON)
    message["Message-ID"] = f"<first-release.{request.tracking_code.lower()}@{agency.foia_email.split('@')[-1]}>"
    message.set_content(
        "Good afternoon,\n\n"
        f"Attached is the first release of records responsive to your request {request.tracking_code}: "
        "emails with Amazon Web Services about the Rekognition pilot, printed to PDF. Records are partially "
        "released; the remaining emails are still under review.\n\n"
        "Public Records Unit\n")
    message.add_attachment(text_pdf(PRINTOUT_PAGES), maintype="application", subtype="pdf",
                           filename="OPD_Rekognition_release_1.pdf")
    message.set_boundary("=====foia-demo-first-release=====")  # not a random one: the same bytes every time
    return message.as_bytes()


def add_release(session: Session, blobs: BlobStore, requester: User, request: FoiaRequest, agency: Agency) -> int | None:
    """Receive the release on the request through the ingest service; the email's Message row id, or
    None when it was already there."""
    raw = release_email(request, agency, requester)
    if _received_on(session, request, raw):
        # What the ingest service would find a duplicate, found without loading it (and the whole mail
        # reading pipeline: a third of `foia demo` run again).
        return None
    from foia.mail.ingest import Intake, ingest_email

    intake = Intake(session=session, blobs=blobs, now=RELEASED_ON, actor=requester, source="demo", request=request)
    message = ingest_email(intake, raw)
    return message.id if message is not None else None


def _received_on(session: Session, request: FoiaRequest, raw: bytes) -> bool:
    """The request already has a message of exactly these bytes."""
    sha256 = hashlib.sha256(raw).hexdigest()
    return session.exec(select(Message.id).where(Message.request_id == request.id,
                                                 Message.raw_sha256 == sha256)).first() is not None


def release_pages(session: Session, message_id: int) -> tuple[int, bool]:
    """(pages read so far of the release's documents, whether every one of them is still waiting or being read)."""
    from sqlmodel import select

    from foia.documents.models import Document, ExtractionState

    documents = session.exec(select(Document).where(Document.message_id == message_id)).all()
    waiting = any(d.state in (ExtractionState.queued, ExtractionState.extracting) for d in documents)
    return sum(d.page_count or 0 for d in documents), waiting
