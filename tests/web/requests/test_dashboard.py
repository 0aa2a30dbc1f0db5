"""The dashboard looks ahead: what is overdue, every due date of the next two weeks with how it was
counted, new replies, emails that did not go out, drafts; and it speaks to someone who has nothing yet."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from foia.mail import outbound
from foia.mail.models import DeliveryState, OutboxMessage
from foia.requests import filing, lifecycle
from foia.requests.models import FoiaRequest, Status, SubmissionMethod
from tests.web.mail.test_inbox import upload


def section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find('<section', start + 1)
    return page[start:end if end > 0 else len(page)]


def filed(session, owner, agency, title: str, on: date, now: datetime) -> FoiaRequest:
    [request] = filing.create_requests(session, owner, filing.NewRequest([agency.id], title, "Emails."), now)
    lifecycle.mark_submitted(session, owner, request.id, on, SubmissionMethod.portal, now)
    session.commit()
    return request


def test_two_requests_due_next_week_are_shown_with_dates_and_how_they_were_counted(client, make, session, clock):
    owner = make.user()
    agency = make.agency(jurisdiction="federal")
    filed_at = datetime(2026, 2, 5, 15, 0, tzinfo=UTC)
    first = filed(session, owner, agency, "Body cam contracts", date(2026, 2, 3), filed_at)  # a Tuesday
    second = filed(session, owner, agency, "Rekognition emails", date(2026, 2, 4), filed_at)  # the Wednesday after
    assert second.response_due == first.response_due + timedelta(days=1)
    clock.at = datetime.combine(first.response_due - timedelta(days=6), datetime.min.time(), UTC) + timedelta(hours=15)

    client.login(owner.email)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Nothing needs you today" not in page
    ahead = section(page, "coming-up")
    assert "Body cam contracts" in ahead and "Rekognition emails" in ahead
    assert "in 6 days" in ahead and "in 7 days" in ahead
    assert first.response_due.strftime("%a %b %-d") in ahead and second.response_due.strftime("%a %b %-d") in ahead
    # The explanation is one tap (or a hover) away: a disclosure, and the summary's title.
    assert re.search(r'<details class="why"><summary title="[^"]*20 business days', ahead)
    assert "<p class=\"deadline-why\">" in ahead
    month = client.get(f"/dashboard?month={first.response_due:%Y-%m}").get_data(as_text=True)
    calendar = section(month, "calendar")
    assert "Body cam contracts" in calendar and "Rekognition emails" in calendar


def test_new_replies_failed_emails_and_drafts(client, make, session, runtime):
    owner = make.user()
    agency = make.agency(foia_email="records@city.example.gov")
    waiting = make.request(owner=owner, agency=agency, title="Waiting for a reply", status=Status.submitted,
                           submitted_on=date(2026, 2, 20))
    draft = make.request(owner=owner, agency=agency, title="Never sent", letter_text="Dear records officer,")
    client.login(owner.email)
    reply = (b"From: Clerk <records@city.example.gov>\r\nTo: requests@foia.test\r\nSubject: Your request is received"
             b"\r\nMessage-ID: <ack1@city.example.gov>\r\n\r\nWe have received your request.\r\n")
    upload(client, [("reply.eml", reply)], request_id=str(waiting.id))

    emailed = make.request(owner=owner, agency=agency, title="Emailed letter", letter_text="Dear officer,")
    outbound.send_letter(session, owner, emailed, datetime(2026, 3, 2, 15, 0, tzinfo=UTC), mail_from="requests@foia.test")
    row = session.exec(select(OutboxMessage)).one()
    row.state, row.last_error = DeliveryState.failed, "550 5.1.1 <records@city.example.gov>: mailbox unknown"
    session.commit()

    page = client.get("/dashboard").get_data(as_text=True)
    replies = section(page, "new-replies")
    assert "Your request is received" in replies and "Waiting for a reply" in replies
    failed = section(page, "failed-emails")
    assert "Emailed letter" in failed and "mailbox unknown" in failed and "Try again" in failed
    assert "Never sent" in section(page, "drafts")

    message_link = re.search(r'href="(/messages/\d+)"', replies).group(1)
    client.get(message_link)  # opening the reply takes it off the list
    assert "Your request is received" not in section(client.get("/dashboard").get_data(as_text=True), "new-replies")
    retried = client.post_form(f"/requests/{emailed.id}/outbox/{row.id}/retry", follow_redirects=True)
    assert "The email is queued again." in retried.get_data(as_text=True)
    session.rollback()
    session.refresh(row)
    assert row.state == DeliveryState.queued
    assert "Every email was delivered" in client.get("/dashboard").get_data(as_text=True)
    assert draft.id


def test_someone_with_no_requests_is_told_how_to_begin(client, make):
    client.login(make.user().email)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "File your first request" in page
    assert 'href="/requests/new"' in page and 'href="/agencies"' in page
    assert "foia demo" not in page and "<code>" not in page


def test_the_calendar_moves_by_month_and_ignores_nonsense(client, make):
    owner = make.user()
    make.request(owner=owner, title="April deadline", status=Status.submitted, response_due=date(2026, 4, 8))
    client.login(owner.email)
    march = client.get("/dashboard").get_data(as_text=True)
    assert "Due dates in March 2026" in march and "April deadline" not in section(march, "calendar")
    april = client.get("/dashboard?month=2026-04").get_data(as_text=True)
    assert "Due dates in April 2026" in april and "April deadline" in section(april, "calendar")
    for nonsense in ("99999-1", "2026-13", "x", "0001-01"):
        response = client.get(f"/dashboard?month={nonsense}")
        assert response.status_code == 200 and "Due dates in March 2026" in response.get_data(as_text=True)


def test_many_overdue_requests_show_the_most_overdue_and_link_to_all_of_them(client, make, session, clock, monkeypatch):
    """Lists are bounded (LIST_LIMIT, 50; 3 here): the badge counts every overdue request the user works on, the
    list shows the most overdue, and "N more" opens the request list of exactly those; others' requests count
    nowhere, not even a public one."""
    from foia.requests.models import Visibility
    from foia.web import dashboard

    monkeypatch.setattr(dashboard, "LIST_LIMIT", 3)
    clock.at = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    owner, colleague, stranger = make.user(), make.user(), make.user()
    team = make.team(members=[owner, colleague])
    agency = make.agency(jurisdiction="federal")
    for n in range(5):  # due 10..14 days ago: the "Old" ones are the most overdue
        make.request(owner=owner, agency=agency, title=f"Late {n}", status=Status.submitted,
                     response_due=date(2026, 5, 18 + n))
    make.request(owner=colleague, agency=agency, team_id=team.id, title="Old shared", status=Status.acknowledged,
                 response_due=date(2026, 4, 1))
    make.request(owner=owner, agency=agency, title="Old but answered", status=Status.done, response_due=date(2026, 4, 2))
    make.request(owner=owner, agency=agency, title="Not yet due", status=Status.submitted, response_due=date(2026, 6, 20))
    make.request(owner=stranger, agency=agency, title="Old stranger", status=Status.submitted,
                 response_due=date(2026, 3, 1), visibility=Visibility.public)
    for n in range(4):
        make.request(owner=owner, agency=agency, title=f"Draft {n}")

    client.login(owner.email)
    page = client.get("/dashboard").get_data(as_text=True)
    overdue = section(page, "overdue")
    assert '<span class="badge overdue">6</span>' in overdue
    assert re.findall(r">(Old shared|Late \d)</a>", overdue) == ["Old shared", "Late 0", "Late 1"]
    assert "Old stranger" not in page and "Old but answered" not in overdue
    more = re.search(r'<a href="([^"]+)">3 more</a>', overdue)
    assert more
    listed = client.get(more[1].replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r">(Old shared|Late \d|Old stranger|Old but answered|Not yet due)</a>", listed) == [
        "Old shared", "Late 0", "Late 1", "Late 2", "Late 3", "Late 4"]
    drafts = section(page, "drafts")
    assert '<span class="badge">4</span>' in drafts and len(re.findall(r">Draft \d</a>", drafts)) == 3
    assert re.search(r'<a href="[^"]+">1 more</a>', drafts)


def test_new_replies_are_the_newest_unread_agency_replies_on_the_readers_requests(client, make, session):
    from foia.mail.models import Direction, MessageKind
    from foia.web.dashboard import LIST_LIMIT

    owner, stranger = make.user(), make.user()
    mine, theirs = make.request(owner=owner), make.request(owner=stranger)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    count = LIST_LIMIT + 3
    for n in range(count):  # received in a shuffled order of ids: the list follows received_at, not the id
        number = (n * 7) % count
        make.message(mine, subject=f"Agency reply {number:02d}", received_at=start + timedelta(hours=number))
    later = start + timedelta(days=5)
    make.message(mine, subject="Our own letter", direction=Direction.outbound, received_at=later)
    make.message(mine, subject="An opened reply", received_at=later, read_at=later)
    make.message(mine, subject="A bounce", kind=MessageKind.bounce, received_at=later)
    make.message(theirs, subject="Someone else's reply", received_at=later)
    client.login(owner.email)

    replies = section(client.get("/dashboard").get_data(as_text=True), "new-replies")
    shown = re.findall(r"Agency reply (\d\d)", replies)
    assert shown == [f"{number:02d}" for number in range(count - 1, count - 1 - LIST_LIMIT, -1)]
    for hidden in ("Our own letter", "An opened reply", "A bounce", "Someone else"):
        assert hidden not in replies


def test_drafts_and_requests_waiting_on_the_requester_are_listed_oldest_first(client, make, monkeypatch):
    """Each list shows the LIST_LIMIT oldest by creation (whatever the ids) of the requests the user works on,
    a colleague's shared ones included, a stranger's never; the badges count them all."""
    from foia.requests.models import Visibility
    from foia.web import dashboard

    monkeypatch.setattr(dashboard, "LIST_LIMIT", 3)
    owner, colleague, stranger = make.user(), make.user(), make.user()
    team = make.team(members=[owner, colleague])
    agency = make.agency(jurisdiction="federal")
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for n in (3, 0, 4, 1):  # made in this order: ids do not follow their age
        make.request(owner=owner, agency=agency, title=f"Draft {n}", created_at=start + timedelta(days=n))
    make.request(owner=stranger, agency=agency, title="Stranger's draft", created_at=start - timedelta(days=9),
                 visibility=Visibility.public)
    for n, status in ((2, Status.payment_required), (0, Status.fix_required), (3, Status.fix_required)):
        make.request(owner=owner, agency=agency, title=f"Waiting {n}", status=status,
                     created_at=start + timedelta(days=n))
    make.request(owner=colleague, agency=agency, team_id=team.id, title="Waiting 1", status=Status.payment_required,
                 created_at=start + timedelta(days=1))
    make.request(owner=stranger, agency=agency, title="Stranger waiting", status=Status.payment_required,
                 created_at=start - timedelta(days=9), visibility=Visibility.public)

    client.login(owner.email)
    page = client.get("/dashboard").get_data(as_text=True)
    drafts = section(page, "drafts")
    assert re.findall(r">(Draft \d|Stranger's draft)</a>", drafts) == ["Draft 0", "Draft 1", "Draft 3"]
    assert '<span class="badge">4</span>' in drafts
    waiting = section(page, "waiting")
    assert re.findall(r">(Waiting \d|Stranger waiting)</a>", waiting) == ["Waiting 0", "Waiting 1", "Waiting 2"]
    assert '<span class="badge warn">4</span>' in waiting
    assert "Stranger" not in page
