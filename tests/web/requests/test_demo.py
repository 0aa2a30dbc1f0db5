"""`foia demo` loads the Rekognition story once; running it again changes nothing."""
from __future__ import annotations

from sqlmodel import func, select

from foia.agencies.models import Agency
from foia.documents.models import Document, EmbeddedMessage, Page
from foia.mail.models import Message
from foia.requests.models import FoiaRequest, RequestBatch, RequestEvent, Status, Visibility


def counts(session):
    session.rollback()
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Agency, FoiaRequest, RequestBatch, RequestEvent, Message, Document, Page)}


def test_demo_twice_gives_the_same_data(runner, session, client):
    first = runner.invoke(args=["demo", "--password", "rekognition!"])
    assert first.exit_code == 0, first.output
    assert "demo@example.org" in first.output
    loaded = counts(session)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert counts(session) == loaded

    requests = session.exec(select(FoiaRequest).order_by(FoiaRequest.id)).all()
    assert len(requests) >= 4 and loaded["Agency"] >= 4
    assert all(r.visibility == Visibility.private for r in requests)
    agencies = {session.get(Agency, r.agency_id).name: r for r in requests}
    orlando = agencies["Orlando Police Department"]
    washington = agencies["Washington County Sheriff's Office"]
    assert orlando.batch_id is not None and orlando.batch_id == washington.batch_id
    assert orlando.submitted_on.year == 2018 and orlando.status == Status.partial
    assert "Rekognition" in orlando.records_sought and "body cam" in orlando.records_sought
    assert "real-time" in orlando.records_sought
    assert "U.S. Immigration and Customs Enforcement" in agencies

    client.login("demo@example.org", "rekognition!")
    page = client.get(f"/batches/{orlando.batch_id}").get_data(as_text=True)
    assert "Orlando Police Department" in page and "Partially completed" in page
    assert "Submitted by email on Jan 18, 2018" in client.get(f"/requests/{orlando.id}").get_data(as_text=True)


def test_demo_release_is_received_read_and_searchable(runner, session, client):
    result = runner.invoke(args=["demo", "--password", "rekognition!"])
    assert "read its 3 pages" in result.output
    document = session.exec(select(Document)).one()
    orlando = session.get(FoiaRequest, document.request_id)
    assert session.get(Agency, orlando.agency_id).name == "Orlando Police Department"
    assert document.filename == "OPD_Rekognition_release_1.pdf" and document.page_count == 3
    senders = {m.sender for m in session.exec(select(EmbeddedMessage)).all()}
    assert any("aws.example" in sender for sender in senders)

    client.login("demo@example.org", "rekognition!")
    page = client.get("/search?q=%22body+cam%22").get_data(as_text=True)
    assert "OPD_Rekognition_release_1.pdf" in page and "<mark>" in page
    other = runner.invoke(args=["search", "real-time", "--json"])
    assert '"request": "FOIA-2018-0001"' in other.output


def test_demo_without_password_prints_one(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Created user demo@example.org with password: " in result.output


def test_demo_release_shows_the_times_as_printed(runner, session, client):
    runner.invoke(args=["demo", "--password", "rekognition!"])
    document = session.exec(select(Document)).one()
    client.login("demo@example.org", "rekognition!")
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    # Printed "Tuesday, December 12, 2017 9:14 AM", "Wednesday, December 13, 2017 4:02 PM" and
    # "Friday, January 5, 2018 11:30 AM", shown in the display time zone (New York, the same here).
    assert "Dec 12, 2017 9:14 AM EST" in page
    assert "Dec 13, 2017 4:02 PM EST" in page
    assert "Jan 5, 2018 11:30 AM EST" in page
    assert "4:02 AM" not in page
