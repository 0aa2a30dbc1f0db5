"""The agency directory, its forms and the laws pages, through the test client."""
from datetime import UTC, datetime

from sqlmodel import select

from foia.agencies.models import Agency, AgencyChange
from foia.requests.models import Visibility


def test_anonymous_visitor_can_browse_and_search_the_directory(client, make):
    make.agency("Orlando Police Department", abbreviation="OPD")
    make.agency("Washington County Sheriff's Office", jurisdiction="or")
    page = client.get("/agencies?q=police").get_data(as_text=True)
    assert "Orlando Police Department" in page and "Washington County" not in page
    page = client.get("/agencies?jurisdiction=or").get_data(as_text=True)
    assert "Washington County Sheriff" in page and "Orlando Police" not in page
    assert "Add an agency" not in page
    page = client.get("/agencies?q=nothing-like-this").get_data(as_text=True)
    assert "No agency matches" in page


def test_directory_pages_link_to_each_other(client, make):
    for n in range(30):
        make.agency(f"Records Office {n:02d}")
    first = client.get("/agencies?q=records").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Records Office 24" in first and "Records Office 25" not in first
    assert "page=2" in first
    second = client.get("/agencies?q=records&page=2").get_data(as_text=True)
    assert "Records Office 29" in second and "Records Office 00" not in second


def test_adding_an_agency_needs_login(client):
    response = client.get("/agencies/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_shows_errors_inline_and_keeps_what_was_typed(client, make, session):
    make.user("reporter@example.org")
    client.login("reporter@example.org")
    florida = make.jurisdiction("fl")
    response = client.post_form("/agencies/new", {"jurisdiction_id": florida.id, "name": "Orlando Police Department",
                                                  "foia_email": "records at orlando", "phone": "407-555-0100",
                                                  "portal_url": "orlando.gov"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid email address" in page and "https://" in page
    assert 'value="Orlando Police Department"' in page and 'value="407-555-0100"' in page
    assert 'value="records at orlando"' in page
    assert session.exec(select(Agency)).all() == []


def test_create_then_see_the_agency_with_its_history(client, make):
    make.user("reporter@example.org", display_name="Rita Reporter")
    client.login("reporter@example.org")
    response = client.post_form("/agencies/new", {"jurisdiction_id": make.jurisdiction("or").id,
                                                  "name": "Washington County Sheriff's Office",
                                                  "foia_email": "PRA@co.washington.or.us"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Washington County Sheriff" in page and "pra@co.washington.or.us" in page
    assert "Oregon Public Records Law" in page and "Rita Reporter" in page and "Created" in page


def test_edit_is_recorded_and_clears_the_failing_email_warning(client, make, session):
    make.user("editor@example.org", display_name="Ed Editor", is_admin=True)  # others' address edits are suggestions
    agency = make.agency("Orlando PD", foia_email="old@orlando.gov",
                         email_failing_since=datetime(2026, 2, 1, tzinfo=UTC), email_failing_reason="550 no such user")
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "Email failing" in page and "550 no such user" in page

    client.login("editor@example.org")
    form = client.get(f"/agencies/{agency.id}/edit").get_data(as_text=True)
    assert 'value="old@orlando.gov"' in form
    response = client.post_form(f"/agencies/{agency.id}/edit", {
        "jurisdiction_id": agency.jurisdiction_id, "name": "Orlando Police Department",
        "foia_email": "records@orlando.gov"})
    assert response.status_code == 302
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "Email failing" not in page
    assert "Orlando PD" in page and "old@orlando.gov" in page and "records@orlando.gov" in page and "Ed Editor" in page
    change = session.exec(select(AgencyChange).where(AgencyChange.summary != "created")).one()
    assert change.changes["name"] == ["Orlando PD", "Orlando Police Department"]


def test_edit_refuses_a_name_taken_in_the_same_jurisdiction(client, make):
    make.user("editor@example.org")
    make.agency("Orlando Police Department")
    other = make.agency("Orange County Sheriff")
    client.login("editor@example.org")
    response = client.post_form(f"/agencies/{other.id}/edit", {"jurisdiction_id": other.jurisdiction_id,
                                                               "name": "Orlando Police Department"})
    assert response.status_code == 200
    assert "already has an agency" in response.get_data(as_text=True)


def test_unknown_ids_and_slugs_are_404(client, make):
    make.user("reporter@example.org")
    assert client.get("/agencies/999").status_code == 404
    assert client.get("/jurisdictions/zz").status_code == 404
    client.login("reporter@example.org")
    assert client.get("/agencies/999/edit").status_code == 404
    assert client.post_form("/agencies/999/edit", {"name": "x"}).status_code == 404


def test_detail_lists_only_the_requests_the_viewer_may_see(client, make):
    owner = make.user("owner@example.org")
    make.user("other@example.org")
    agency = make.agency()
    make.request(owner=owner, agency=agency, title="Private Rekognition emails")
    make.request(owner=owner, agency=agency, title="Public body cam policy", visibility=Visibility.public)
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "Public body cam policy" in page and "Private Rekognition" not in page
    client.login("other@example.org")
    assert "Private Rekognition" not in client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    client.post_form("/logout")
    client.login("owner@example.org")
    assert "Private Rekognition" in client.get(f"/agencies/{agency.id}").get_data(as_text=True)


def test_suggest_answers_json_to_logged_in_users_only(client, make):
    make.user("reporter@example.org")
    agency = make.agency("Orlando Police Department", foia_email="records@orlando.gov")
    response = client.get("/agencies/suggest?q=orl")
    assert response.status_code == 401 and response.is_json
    client.login("reporter@example.org")
    assert client.get("/agencies/suggest?q=orl").get_json() == [
        {"id": agency.id, "name": "Orlando Police Department", "jurisdiction": "Florida",
         "jurisdiction_slug": "fl", "email": "records@orlando.gov"}]
    assert client.get("/agencies/suggest?q=").get_json() == []


def test_laws_page_lists_every_jurisdiction_with_its_rules(client):
    page = client.get("/jurisdictions").get_data(as_text=True)
    assert page.count('<tr id="') == 52
    assert "20 business days to respond (grant or deny); 10 business days more by extension" in page
    assert "5 U.S.C. § 552" in page and "Verified" in page and "Unverified" in page
    assert "no fixed number of days to respond" in page


def test_a_law_page_shows_each_stage_with_the_statutes_words_citation_source_and_date_read(client):
    page = client.get("/jurisdictions/federal").get_data(as_text=True)
    assert page.count('class="card law-stage"') == 5
    assert "determine within 20 days (excepting Saturdays, Sundays, and legal public holidays)" in page
    assert "not less than 90 days after the date of such adverse determination" in page
    assert "checked Dec 1, 2026" in page and "5 U.S.C. § 552(a)(6)(B)(i)" in page
    assert "5 U.S.C. § 6103(a), (b)(1)" in page  # the holiday rule, quoted too
    unverified = client.get("/jurisdictions/al").get_data(as_text=True)
    assert "Unverified" in unverified and "not in our data yet" in unverified


def test_jurisdiction_page_shows_its_agencies(client, make):
    make.agency("Washington County Sheriff's Office", jurisdiction="or")
    make.agency("Orlando Police Department", jurisdiction="fl")
    page = client.get("/jurisdictions/or").get_data(as_text=True)
    assert "Oregon Public Records Law" in page and "ORS 192.324" in page
    assert "Washington County Sheriff" in page and "Orlando" not in page
