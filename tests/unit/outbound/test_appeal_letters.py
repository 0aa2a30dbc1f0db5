"""Appeal letters go to the body the law names and say what happened: no response, fees, partial release."""
from datetime import date

from foia.mail import outbound
from foia.requests.models import FeeWaiver, Status


def test_a_massachusetts_appeal_of_silence_goes_to_the_supervisor_of_records(session, make, laws):
    agency = make.agency("Boston Police Department", jurisdiction="ma", foia_email="records@boston.example.gov")
    request = make.request(owner=make.user(), agency=agency, status=Status.submitted,
                           submitted_on=date(2026, 3, 2), response_due=date(2026, 3, 16))
    today = date(2026, 3, 20)
    assert outbound.appeal_ground(request, today) == "no_response"
    draft = outbound.draft_letter(session, request, "appeal", today)
    assert draft.to == "pre@sec.state.ma.us"
    assert draft.body.splitlines()[2] == "The Supervisor of Records"
    assert "One Ashburton Place, Room 1719, Boston, MA 02108" in draft.body
    assert "To the the Supervisor of Records" not in draft.body and "To the Supervisor of Records:" in draft.body
    assert "the failure of Boston Police Department to respond to my request" in draft.body
    assert "A response was due by March 16, 2026 under M.G.L. c. 66, § 10(a)-(b)" in draft.body
    assert "within 10 business days (M.G.L. c. 66, § 10A(a))" in draft.body


def test_fee_and_partial_appeals_are_worded_for_what_happened(session, make, laws):
    agency = make.agency("FBI", jurisdiction="federal", appeal_contact="OIP, appeals@oip.example.gov")
    owner = make.user()
    fees = make.request(owner=owner, agency=agency, status=Status.payment_required, fee_estimate_cents=125000,
                        fee_waiver=FeeWaiver.denied, submitted_on=date(2026, 3, 2))
    body = outbound.draft_letter(session, fees, "appeal", date(2026, 3, 20)).body
    assert "I appeal the fees FBI set for my request" in body
    assert "$1250.00" in body and "denied my request for a fee waiver" in body
    partial = make.request(owner=owner, agency=agency, status=Status.partial, submitted_on=date(2026, 3, 2),
                           determination_on=date(2026, 3, 18))
    body = outbound.draft_letter(session, partial, "appeal", date(2026, 3, 20)).body
    assert "released only part of the records" in body and "answered on March 18, 2026" in body
    waiting = make.request(owner=owner, agency=agency, status=Status.acknowledged, response_due=date(2026, 4, 1))
    assert outbound.appeal_ground(waiting, date(2026, 3, 20)) is None  # not late yet: nothing to appeal
