"""The request pages through the test client: filing with a letter preview, the lifecycle, lists, dashboard."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from foia.requests.models import FoiaRequest, Status, SubmissionMethod, Visibility


@pytest.fixture
def owner(make, client):
    user = make.user("rita@example.org", display_name="Rita Reporter")
    client.login(user.email)
    return user


def text(response) -> str:
    return response.get_data(as_text=True)


def reload(session, obj):
    """Read the row as the app left it (ending the test session's own snapshot first)."""
    session.rollback()
    session.refresh(obj)
    return obj


def requests_of(session, user):
    session.rollback()
    return session.exec(select(FoiaRequest).where(FoiaRequest.owner_id == user.id).order_by(FoiaRequest.id)).all()


def test_new_request_form_groups_agencies_by_jurisdiction(client, make, owner):
    make.agency("Orlando Police Department", jurisdiction="fl")
    make.agency("U.S. Immigration and Customs Enforcement", jurisdiction="federal")
    page = text(client.get("/requests/new"))
    assert '<select multiple name="agency_ids"' in page
    assert re.search(r'<optgroup label="Florida"[^>]*>\s*<option value="\d+"\s*data-', page) or 'label="Florida"' in page
    assert page.index("United States (federal)") < page.index("Florida")
    assert "js/request-form.js" in page


def test_new_request_errors_keep_what_was_typed(client, make, owner, session):
    response = client.post_form("/requests/new", {"title": "", "records_sought": "Emails about Rekognition",
                                                  "max_fee": "-5", "visibility": "private"})
    page = text(response)
    assert response.status_code == 400
    assert "Choose at least one agency." in page
    assert "Give the request a short title." in page
    assert "Emails about Rekognition" in page
    assert requests_of(session, owner) == []


def test_preview_then_save_as_draft(client, make, owner, session):
    agency = make.agency("U.S. Immigration and Customs Enforcement", jurisdiction="federal")
    form = {"agency_ids": [str(agency.id)], "title": "ICE and Rekognition", "visibility": "private",
            "records_sought": "Emails and contracts mentioning Rekognition.", "fee_waiver": "y", "max_fee": "25"}
    preview = client.post_form("/requests/new", form)
    page = text(preview)
    assert preview.status_code == 200
    assert f'name="letter-{agency.id}"' in page
    assert "5 U.S.C. § 552" in page and "within 20 business days" in page and "waiver of all fees" in page
    assert requests_of(session, owner) == []  # the preview saves nothing

    saved = client.post_form("/requests/new", {**form, "action": "save",
                                               f"letter-{agency.id}": "Dear FOIA officer,\r\nMy edited letter."})
    [request] = requests_of(session, owner)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/requests/{request.id}")
    assert request.status == Status.draft and request.max_fee_cents == 2500
    assert request.letter_text == "Dear FOIA officer,\nMy edited letter."
    detail = text(client.get(f"/requests/{request.id}"))
    assert "ICE and Rekognition" in detail and "Draft" in detail and "My edited letter." in detail
    assert "Mark as submitted" in detail


def test_back_from_preview_keeps_the_form(client, make, owner):
    agency = make.agency()
    page = text(client.post_form("/requests/new", {"agency_ids": [str(agency.id)], "title": "Keep me",
                                                   "records_sought": "All of it", "action": "edit"}))
    assert 'value="Keep me"' in page and "All of it" in page
    assert re.search(rf'<option value="{agency.id}" selected', page)


def test_several_agencies_make_a_batch_page(client, make, owner, session):
    orlando = make.agency("Orlando Police Department", jurisdiction="fl")
    sheriff = make.agency("Washington County Sheriff's Office", jurisdiction="or")
    response = client.post_form("/requests/new", {"agency_ids": [str(orlando.id), str(sheriff.id)],
                                                  "title": "Rekognition", "records_sought": "Emails",
                                                  "visibility": "private", "action": "save"})
    created = requests_of(session, owner)
    assert len(created) == 2 and created[0].batch_id == created[1].batch_id is not None
    assert response.headers["Location"].endswith(f"/batches/{created[0].batch_id}")
    page = text(client.get(response.headers["Location"]))
    assert "Orlando Police Department" in page and "Washington County Sheriff&#39;s Office" in page
    assert page.count('class="badge status-draft"') == 2


def test_embargo_needs_a_date(client, make, owner):
    agency = make.agency()
    response = client.post_form("/requests/new", {"agency_ids": [str(agency.id)], "title": "t",
                                                  "records_sought": "r", "visibility": "embargoed"})
    assert response.status_code == 400 and "Give the date the embargo ends." in text(response)


def test_mark_submitted_change_status_and_timeline(client, make, owner, session):
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"))
    response = client.post_form(f"/requests/{request.id}/submit", {"submit-submitted_on": "2026-02-27",
                                                                   "submit-method": "portal"})
    assert response.status_code == 302
    reload(session, request)
    assert request.status == Status.submitted and request.submission_method == SubmissionMethod.portal
    assert request.submitted_on == date(2026, 2, 27)

    response = client.post_form(f"/requests/{request.id}/status", {
        "status-status": "acknowledged", "status-on": "2026-03-02", "status-note": "Assigned number 2018-ICFO-1"})
    assert response.status_code == 302
    page = text(client.get(f"/requests/{request.id}"))
    assert 'class="badge status-acknowledged"' in page
    assert "Response due Mar 27, 2026" in page  # the federal clock: 20 business days after Feb 27
    assert "Submitted by the agency&#39;s portal on Feb 27, 2026" in page
    assert "Awaiting response → Acknowledged on Mar 2, 2026. Assigned number 2018-ICFO-1" in page
    assert page.count("Rita Reporter") >= 2  # the actor of each event


def test_refused_transition_is_explained_and_changes_nothing(client, make, owner, session):
    request = make.request(owner=owner, status=Status.done)
    response = client.post_form(f"/requests/{request.id}/status", {"status-status": "fix_required",
                                                                   "status-on": "2026-03-01"})
    assert response.status_code == 302
    assert "cannot become" in text(client.get(response.headers["Location"]))
    reload(session, request)
    assert request.status == Status.done


def test_bad_status_date_shows_inline(client, make, owner, session):
    request = make.request(owner=owner, status=Status.submitted)
    response = client.post_form(f"/requests/{request.id}/status", {"status-status": "acknowledged",
                                                                   "status-on": "not a date"})
    assert response.status_code == 400
    assert "Not a valid date value." in text(response)


def test_fees_notes_and_edit(client, make, owner, session):
    request = make.request(owner=owner, status=Status.submitted, title="Before")
    client.post_form(f"/requests/{request.id}/fees", {"fees-fee_estimate": "120.50", "fees-fee_paid": "",
                                                      "fees-fee_waiver": "denied"})
    client.post_form(f"/requests/{request.id}/notes", {"note-text": "Called the records clerk."})
    client.post_form(f"/requests/{request.id}/edit", {"title": "After", "records_sought": "Emails",
                                                      "agency_tracking_number": "PRR-2018-113",
                                                      "visibility": "private", "team_id": ""})
    reload(session, request)
    assert request.fee_estimate_cents == 12050 and request.title == "After"
    assert request.agency_tracking_number == "PRR-2018-113"
    page = text(client.get(f"/requests/{request.id}"))
    assert "$120.50" in page and "Called the records clerk." in page
    assert "“Before” → “After”" in page and "PRR-2018-113" in page


def test_edit_errors_keep_input(client, make, owner):
    request = make.request(owner=owner)
    response = client.post_form(f"/requests/{request.id}/edit", {"title": "", "records_sought": "Kept text",
                                                                 "visibility": "embargoed"})
    page = text(response)
    assert response.status_code == 400
    assert "Give the request a short title." in page and "Kept text" in page


def test_draft_letter_is_editable_and_deletable(client, make, owner, session):
    request = make.request(owner=owner, letter_text="Old")
    client.post_form(f"/requests/{request.id}/letter", {"letter-letter_text": "New letter", "action": "save"})
    reload(session, request)
    assert request.letter_text == "New letter"
    assert client.get(f"/requests/{request.id}/letter.txt").get_data(as_text=True) == "New letter"
    asked = client.post_form(f"/requests/{request.id}/delete")
    assert asked.status_code == 200 and "Delete this draft?" in text(asked)
    assert len(requests_of(session, owner)) == 1  # nothing happens before the confirmation
    response = client.post_form(f"/requests/{request.id}/delete", {"confirmed": "yes"})
    assert response.status_code == 302
    assert requests_of(session, owner) == []


def test_csrf_is_required_for_a_status_change(client, make, owner, session):
    request = make.request(owner=owner, status=Status.submitted)
    response = client.post(f"/requests/{request.id}/status", data={"status-status": "done", "status-on": "2026-03-01"})
    assert response.status_code == 400
    reload(session, request)
    assert request.status == Status.submitted


def test_dashboard_counts_and_attention(client, make, owner):
    agency = make.agency(jurisdiction="federal")
    make.request(owner=owner, agency=agency, title="Late one", status=Status.submitted,
                 response_due=date(2026, 2, 25))
    make.request(owner=owner, agency=agency, title="Soon one", status=Status.submitted,
                 response_due=date(2026, 3, 4))
    make.request(owner=owner, agency=agency, title="Unsent one")
    make.request(agency=agency, title="Someone else's", status=Status.submitted, response_due=date(2026, 2, 1))
    page = text(client.get("/dashboard"))
    assert 'href="/requests?status=submitted"' in page
    assert re.search(r'<span class="count">2</span>\s*<span class="badge status-submitted">', page)
    overdue = page[page.index('id="overdue"'):page.index('id="coming-up"')]
    assert "Late one" in overdue and "5 days overdue" in overdue
    assert "Soon one" in page and "in 2 days" in page
    assert "Unsent one" in page[page.index('id="drafts"'):]
    assert "Someone else" not in page


def test_list_filters_sorting_and_pages(client, make, owner, runtime):
    runtime.config["PAGE_SIZE"] = 2
    orlando = make.agency("Orlando Police Department")
    for title in ("Charlie", "Alpha", "Bravo"):
        make.request(owner=owner, agency=orlando if title != "Bravo" else None, title=title)
    page = text(client.get("/requests?sort=title"))
    assert page.index("Alpha") < page.index("Bravo") and "Charlie" not in page
    assert "Page 1 of 2" in page and 'rel="next"' in page
    assert "Charlie" in text(client.get("/requests?sort=title&page=2"))
    descending = text(client.get("/requests?sort=title&dir=desc"))
    assert descending.index("Charlie") < descending.index("Bravo")
    filtered = text(client.get(f"/requests?agency={orlando.id}&q=alp"))
    assert "Alpha" in filtered and "Charlie" not in filtered and "Bravo" not in filtered
    assert "No request matches" in text(client.get("/requests?status=done"))


def test_an_emptied_letter_is_refused_and_the_other_letters_kept(client, make, owner, session):
    first, second = make.agency(), make.agency()
    response = client.post_form("/requests/new", {
        "agency_ids": [str(first.id), str(second.id)], "title": "t", "records_sought": "r", "visibility": "private",
        "action": "save", f"letter-{first.id}": "  ", f"letter-{second.id}": "My careful letter"})
    page = text(response)
    assert response.status_code == 400
    assert "Write the letter." in page and "My careful letter" in page
    assert requests_of(session, owner) == []


def test_anonymous_visitor_reads_a_public_request_without_forms(client, make):
    request = make.request(title="Open book", visibility=Visibility.public, letter_text="Dear officer")
    page = text(client.get(f"/requests/{request.id}"))
    assert "Open book" in page and "Dear officer" in page
    assert "Mark as submitted" not in page and "Add note" not in page and "Edit" not in page


def status_options(page: str) -> list[tuple[str, bool]]:
    """The status menu's options as (value, selected)."""
    menu = re.search(r'<select[^>]*name="status-status"[^>]*>(.*?)</select>', page, re.S)
    if menu is None:
        return []
    return [(value, "selected" in rest) for value, rest in re.findall(r'<option value="([^"]*)"([^>]*)>', menu.group(1))]


def test_the_status_menu_preselects_nothing_and_offers_what_can_follow(client, make, owner):
    partial = make.request(owner=owner, status=Status.partial)
    options = status_options(text(client.get(f"/requests/{partial.id}")))
    assert options[0] == ("", False) and not any(selected for _, selected in options)
    values = [value for value, _ in options[1:]]
    assert "acknowledged" not in values and "no_records" not in values and "partial" not in values
    assert {"done", "appealing", "payment_required", "withdrawn"} <= set(values)

    draft = make.request(owner=owner)
    page = text(client.get(f"/requests/{draft.id}"))
    assert status_options(page) == []  # a draft is sent or deleted, not withdrawn from a menu
    assert "Mark as submitted" in page and "Delete draft" in page

    response = client.post_form(f"/requests/{partial.id}/status", {"status-status": "", "status-on": "2026-03-02"})
    assert response.status_code == 400 and "Choose the new status." in text(response)


def test_closing_changes_are_confirmed_first(client, make, owner, session):
    request = make.request(owner=owner, status=Status.acknowledged)
    fields = {"status-status": "withdrawn", "status-on": "2026-03-02", "status-note": "Found them elsewhere"}
    asked = client.post_form(f"/requests/{request.id}/status", fields)
    page = text(asked)
    assert asked.status_code == 200 and "Withdraw this request?" in page and "Yes, withdraw it" in page
    assert 'name="status-note" value="Found them elsewhere"' in page
    assert reload(session, request).status == Status.acknowledged

    done = client.post_form(f"/requests/{request.id}/status", {**fields, "confirmed": "yes"})
    assert done.status_code == 302
    assert reload(session, request).status == Status.withdrawn

    other = make.request(owner=owner, status=Status.submitted)
    asked = client.post_form(f"/requests/{other.id}/withdraw")
    assert asked.status_code == 200 and "Withdraw this request?" in text(asked)
    assert reload(session, other).status == Status.submitted
    closing = client.post_form(f"/requests/{other.id}/status", {"status-status": "no_records", "status-on": "2026-03-02"})
    assert "Mark it “No responsive records”?" in text(closing)
    quick = client.post_form(f"/requests/{other.id}/status", {"status-status": "acknowledged", "status-on": "2026-03-02"})
    assert quick.status_code == 302 and reload(session, other).status == Status.acknowledged


def test_pennsylvanias_time_to_go_to_court_counts_from_the_appeal_decision(client, make, owner, session, clock):
    clock.at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    client.login(owner.email)  # a session from the fixture's earlier clock has expired
    request = make.request(owner=owner, agency=make.agency(jurisdiction="pa"))
    client.post_form(f"/requests/{request.id}/submit", {"submit-submitted_on": "2026-10-01", "submit-method": "email"})
    for status, on in (("rejected", "2026-10-08"), ("appealing", "2026-10-22"), ("rejected", "2026-11-06")):
        response = client.post_form(f"/requests/{request.id}/status", {"status-status": status, "status-on": on,
                                                                          "confirmed": "yes"})
        assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)', text(response))
    reload(session, request)
    assert request.appeal_decided_on == date(2026, 11, 6)
    # 30 days from the OOR's decision mailed Fri Nov 6 end on Sun Dec 6, so the last day is Mon Dec 7 (65 P.S. 67.1302).
    assert request.sue_due == date(2026, 12, 7)
    page = text(client.get(f"/requests/{request.id}"))
    assert "Last day to go to court" in page and "Dec 7, 2026" in page
    assert "30 calendar days to go to court" in page and "when the appeal was decided" in page
    court = page[page.index('data-kind="sue_due"'):]
    court = court[:court.index("</li>")]
    assert "65 P.S. §§ 67.1301(a), 67.1302(a)" in court and ", read Dec 1, 2026" in court  # the source, and when read
    assert "Not yet read in the statute" not in court


def test_a_date_whose_statute_text_was_not_read_says_so_beside_the_date(client, make, owner, clock):
    clock.at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    client.login(owner.email)  # a session from the fixture's earlier clock has expired
    request = make.request(owner=owner, agency=make.agency(jurisdiction="il"))
    client.post_form(f"/requests/{request.id}/submit", {"submit-submitted_on": "2026-10-01", "submit-method": "email"})
    for status, on in (("rejected", "2026-10-08"), ("appealing", "2026-10-22")):
        response = client.post_form(f"/requests/{request.id}/status", {"status-status": status, "status-on": on,
                                                                          "confirmed": "yes"})
        assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)', text(response))
    page = text(client.get(f"/requests/{request.id}"))
    # Illinois' 60 days for the Attorney General's opinion (5 ILCS 140/9.5(f)) were entered without reading the
    # statute's words: the date is shown (Oct 22 + 60 = Mon Dec 21), with the warning beside it.
    decision = page[page.index('data-kind="appeal_decision_due"'):]
    decision = decision[:decision.index("</li>")]
    assert "Dec 21, 2026" in decision
    assert "Not yet read in the statute's words" in decision and "5 ILCS 140/9.5(f)" in decision
    assert re.search(r'Counted under <a href="/jurisdictions/il">[^<]+</a> <span class="badge warn"[^>]*>Unverified', page)
    appeal = page[page.index('data-kind="appeal_due"'):]
    assert "Not yet read in the statute" not in appeal[:appeal.index("</li>")]  # § 9.5(a) was read


def test_a_law_that_sets_no_date_to_go_to_court_says_so_on_the_request_page(client, make, owner, clock):
    clock.at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    client.login(owner.email)  # a session from the fixture's earlier clock has expired
    request = make.request(owner=owner, agency=make.agency(jurisdiction="mo"))
    client.post_form(f"/requests/{request.id}/submit", {"submit-submitted_on": "2026-11-02", "submit-method": "email"})
    page = text(client.get(f"/requests/{request.id}"))
    assert "May go to court from" in page
    assert "No waiting period" in page and "within a year" in page  # RSMo 610.027: the limit in words, no date
    assert re.search(r'Counted under <a href="/jurisdictions/mo">[^<]+</a></p>', page)  # verified: no badge
