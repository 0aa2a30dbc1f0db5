"""The Rekognition story: a demo user, four agencies and their requests, loaded once (again changes nothing)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from foia.accounts import services as accounts
from foia.accounts.models import User
from foia.agencies import services as agencies
from foia.agencies.models import Agency, Jurisdiction
from foia.errors import ValidationError
from foia.demo import release as demo_release
from foia.requests import filing, lifecycle
from foia.requests.models import FeeWaiver, FoiaRequest, Status, SubmissionMethod

DEMO_EMAIL = "demo@example.org"
DEMO_NAME = "Demo Requester"
DEMO_SIGNATURE = "Civil Liberties Project\n39 Drumm Street\nSan Francisco, CA 94111"

# Addresses on .example domains: the demo must never email a real agency.
AGENCIES = [
    {"key": "orlando", "jurisdiction": "fl", "name": "Orlando Police Department", "abbreviation": "OPD",
     "foia_email": "public.records@orlando-police.example", "address": "1250 W. South Street\nOrlando, FL 32805",
     "phone": "(321) 235-5300", "notes": "Piloted Amazon Rekognition from December 2017 (demo data)."},
    {"key": "washington", "jurisdiction": "or", "name": "Washington County Sheriff's Office", "abbreviation": "WCSO",
     "foia_email": "records@washington-county-sheriff.example",
     "address": "215 SW Adams Avenue\nHillsboro, OR 97123", "phone": "(503) 846-2700",
     "notes": "Built a Rekognition face search over booking photos in 2017 (demo data)."},
    {"key": "ice", "jurisdiction": "federal", "name": "U.S. Immigration and Customs Enforcement",
     "abbreviation": "ICE", "foia_email": "ice-foia@dhs.example", "portal_url": "https://www.ice.gov/foia",
     "address": "Freedom of Information Act Office\n500 12th Street SW, Stop 5009\nWashington, DC 20536-5009",
     "notes": "Amazon pitched Rekognition to ICE in June 2018 (demo data)."},
    {"key": "seattle", "jurisdiction": "wa", "name": "Seattle Police Department", "abbreviation": "SPD",
     "foia_email": "spd-prr@seattle.example", "address": "610 Fifth Avenue\nSeattle, WA 98104",
     "notes": "Demo data."},
]

RECORDS_SOUGHT = """\
1. All emails, letters and other communications between the {agency} and Amazon or Amazon Web Services \
mentioning "Rekognition", from January 1, 2016 to the date of this request.
2. All contracts, agreements, purchase orders, invoices, non-disclosure agreements and statements of work \
relating to Amazon Rekognition or any other face recognition product.
3. All training materials, presentations, manuals and marketing materials concerning Rekognition, \
including any use with "body cam" (body-worn camera) footage or "real-time" video.
4. All policies, guidelines and procedures governing the use of face recognition, and any records of \
public notice, public meetings or audits about it."""


@dataclass
class Step:
    """Something that happened to a demo request, on a real 2018 date."""

    on: date
    status: Status | None = None
    note: str = ""
    method: SubmissionMethod | None = None
    fees: dict = field(default_factory=dict)
    tracking_number: str = ""


@dataclass
class DemoRequest:
    agencies: list[str]
    title: str
    drafted_on: date
    fee_waiver: bool = True
    expedited: bool = False
    max_fee_cents: int | None = 2500
    steps: dict[str, list[Step]] = field(default_factory=dict)


REQUESTS = [
    DemoRequest(
        agencies=["orlando", "washington"],
        title="Amazon Rekognition: emails, contracts and training materials",
        drafted_on=date(2018, 1, 17),
        steps={
            "orlando": [
                Step(date(2018, 1, 18), Status.submitted, method=SubmissionMethod.email),
                Step(date(2018, 1, 22), Status.acknowledged, note="Assigned to the records unit.",
                     tracking_number="PRR 2018-0113"),
                Step(date(2018, 2, 9), fees={"estimate_cents": 0, "paid_cents": 0, "fee_waiver": FeeWaiver.granted}),
                Step(date(2018, 3, 6), Status.partial,
                     note="First release: emails with Amazon Web Services about the Rekognition pilot, "
                          "printed to PDF."),
            ],
            "washington": [
                Step(date(2018, 1, 18), Status.submitted, method=SubmissionMethod.email),
                Step(date(2018, 1, 24), Status.acknowledged, tracking_number="WCSO-PR-18-0042"),
                Step(date(2018, 3, 29), Status.partial,
                     note="Released the Rekognition contract, booking-photo upload scripts and training "
                          "slides; emails still under review."),
            ],
        },
    ),
    DemoRequest(
        agencies=["ice"],
        title="ICE and Amazon Rekognition: meetings, emails and contracts",
        drafted_on=date(2018, 10, 22), expedited=True, max_fee_cents=None,
        steps={"ice": [
            Step(date(2018, 10, 24), Status.submitted, method=SubmissionMethod.portal),
            Step(date(2018, 11, 2), Status.acknowledged, tracking_number="2019-ICFO-10254",
                 note="ICE acknowledged and denied expedited processing."),
        ]},
    ),
    DemoRequest(
        agencies=["seattle"],
        title="Seattle police and Amazon Rekognition",
        drafted_on=date(2018, 6, 1), max_fee_cents=5000,
    ),
]


def _at(day: date) -> datetime:
    """Mid-afternoon UTC on a demo date: a plausible time for the timeline."""
    return datetime.combine(day, time(17, 30), tzinfo=UTC)


def _demo_user(session: Session, password: str | None) -> tuple[User, str | None]:
    user = accounts.find_user(session, DEMO_EMAIL)
    if user is not None:
        return user, None
    password = password or secrets.token_urlsafe(9)
    user = accounts.create_user(session, DEMO_EMAIL, password, display_name=DEMO_NAME)
    user.signature = DEMO_SIGNATURE
    return user, password


def _demo_agencies(session: Session, actor: User, now: datetime) -> tuple[dict[str, Agency], int]:
    found: dict[str, Agency] = {}
    created = 0
    for spec in AGENCIES:
        values = {k: v for k, v in spec.items() if k not in ("key", "jurisdiction")}
        jurisdiction = session.exec(select(Jurisdiction).where(Jurisdiction.slug == spec["jurisdiction"])).first()
        if jurisdiction is None:
            raise ValidationError(f"Jurisdiction {spec['jurisdiction']!r} is missing: run `foia db upgrade` first.")
        agency = agencies.find_agency(session, jurisdiction.id, spec["name"])
        if agency is None:
            agency = agencies.create_agency(session, actor, now, jurisdiction_id=jurisdiction.id, **values)
            created += 1
        found[spec["key"]] = agency
    return found, created


def _exists(session: Session, owner: User, agency: Agency, title: str) -> bool:
    return session.exec(select(FoiaRequest.id).where(FoiaRequest.owner_id == owner.id,
                                                     FoiaRequest.agency_id == agency.id,
                                                     FoiaRequest.title == title)).first() is not None


def _play(session: Session, actor: User, request: FoiaRequest, steps: list[Step], follow_up_days: int) -> None:
    for step in steps:
        now = _at(step.on)
        if step.status == Status.submitted:
            lifecycle.mark_submitted(session, actor, request.id, step.on, step.method, now,
                                    follow_up_days=follow_up_days)
        elif step.status is not None:
            lifecycle.change_status(session, actor, request.id, step.status, step.on, now, note=step.note,
                                   follow_up_days=follow_up_days)
        if step.tracking_number:
            filing.edit_request(session, actor, request.id, now, agency_tracking_number=step.tracking_number)
        if step.fees:
            lifecycle.update_fees(session, actor, request.id, now, estimate_cents=step.fees["estimate_cents"],
                                 paid_cents=step.fees["paid_cents"], fee_waiver=step.fees["fee_waiver"])


def load_demo(session: Session, password: str | None, follow_up_days: int = 10, blobs=None) -> dict:
    """Create the demo user, agencies and requests that are missing (and, given a BlobStore, the Orlando
    police's first release of records); the caller commits."""
    user, new_password = _demo_user(session, password)
    first_day = _at(min(r.drafted_on for r in REQUESTS))
    by_key, agencies_created = _demo_agencies(session, user, first_day)
    requests_created = 0
    for demo in REQUESTS:
        targets = [by_key[key] for key in demo.agencies]
        if all(_exists(session, user, agency, demo.title) for agency in targets):
            continue
        targets = [a for a in targets if not _exists(session, user, a, demo.title)]
        new = filing.NewRequest(
            agency_ids=[a.id for a in targets], title=demo.title,
            records_sought=RECORDS_SOUGHT.format(agency=targets[0].name if len(targets) == 1 else "agency"),
            fee_waiver=demo.fee_waiver, expedited=demo.expedited, max_fee_cents=demo.max_fee_cents)
        created = filing.create_requests(session, user, new, _at(demo.drafted_on))
        requests_created += len(created)
        keys = {agency.id: key for key, agency in by_key.items()}
        for request in created:
            _play(session, user, request, demo.steps.get(keys[request.agency_id], []), follow_up_days)
    released = None
    if blobs is not None:
        orlando = by_key["orlando"]
        request = session.exec(select(FoiaRequest).where(FoiaRequest.owner_id == user.id,
                                                          FoiaRequest.agency_id == orlando.id)).first()
        released = demo_release.add_release(session, blobs, user, request, orlando)
    return {"user": user, "password": new_password, "agencies": agencies_created, "requests": requests_created,
            "released": released}
