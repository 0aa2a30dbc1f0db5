"""The search page and the `foia search` / `foia reindex` commands."""
import json

from foia.requests.models import Visibility
from tests.unit.search.records import add_document, add_message


def _world(session, make):
    owner = make.user()
    private = make.request(owner=owner, title="Rekognition pilot records")
    public = make.request(owner=owner, visibility=Visibility.public)
    pilot = add_document(session, private, ["Intro page.", "The Rekognition <pilot> began in December."],
                         filename="pilot.pdf")
    minutes = add_document(session, public, ["Public minutes mention Rekognition once."], filename="minutes.pdf")
    add_message(session, private, "Please find the Rekognition contract attached.", subject="Contract")
    return owner, private, pilot, minutes


def test_results_page_shows_documents_pages_and_highlights(client, session, make):
    owner, private, pilot, minutes = _world(session, make)
    client.login(owner.email)
    page = client.get("/search?q=rekognition").get_data(as_text=True)
    assert "3 matching pages and emails" in page
    assert "pilot.pdf" in page and "minutes.pdf" in page and "Email: Contract" in page
    assert f"/documents/{pilot.id}?q=rekognition#page-2" in page
    assert "<mark>Rekognition</mark>" in page
    assert "&lt;pilot&gt;" in page and "<pilot>" not in page
    assert private.tracking_code in page


def test_filters_and_empty_state(client, session, make):
    owner, private, pilot, minutes = _world(session, make)
    client.login(owner.email)
    page = client.get(f"/search?q=rekognition&request={private.id}&type=pdf").get_data(as_text=True)
    assert "pilot.pdf" in page and "minutes.pdf" not in page and "Email: Contract" not in page
    nothing = client.get("/search?q=xylophone").get_data(as_text=True)
    assert "Nothing found for <strong>xylophone</strong>" in nothing
    bad_date = client.get("/search?q=rekognition&from=yesterday").get_data(as_text=True)
    assert "Use a date like" in bad_date


def test_hostile_queries_give_a_page_not_an_error(client, session, make):
    owner, *_ = _world(session, make)
    client.login(owner.email)
    for q in ['"', "-", "*", "OR", "a*", "-rekognition", "'; DROP TABLE page; --", "x" * 10000, "\x00", "text:(",
              "<script>alert(1)</script>"]:
        response = client.get("/search", query_string={"q": q, "page": "-3"})
        assert response.status_code == 200, q
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_anonymous_visitors_find_only_public_documents(client, session, make):
    _world(session, make)
    page = client.get("/search?q=rekognition").get_data(as_text=True)
    assert "minutes.pdf" in page and "pilot.pdf" not in page and "Contract" not in page


def test_pagination_links_keep_the_query_and_filters(client, session, make):
    owner = make.user()
    foia_request = make.request(owner=owner)
    add_document(session, foia_request, [f"The ocelot on page {n}." for n in range(1, 31)], filename="long.pdf")
    client.login(owner.email)
    page = client.get(f"/search?q=ocelot&request={foia_request.id}").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert f"/search?q=ocelot&amp;page=2&amp;request={foia_request.id}" in page


def test_cli_search_json_shape(runner, session, make):
    owner, private, pilot, minutes = _world(session, make)
    result = runner.invoke(args=["search", "pilot", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {"total": 1, "hits": [{"document": pilot.id, "filename": "pilot.pdf", "page": 2,
                                          "snippet": data["hits"][0]["snippet"], "request": private.tracking_code}]}
    assert "Rekognition <pilot> began" in data["hits"][0]["snippet"]
    limited = json.loads(runner.invoke(args=["search", "rekognition", "--limit", "1", "--json"]).output)
    assert limited["total"] == 3 and len(limited["hits"]) == 1
    vague = runner.invoke(args=["search", "-", "--json"])
    assert vague.exit_code == 0 and json.loads(vague.output) == {"total": 0, "hits": []}


def test_cli_reindex(runner, session, make):
    _world(session, make)
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "4 pages and messages" in result.output
    assert "pilot.pdf" in runner.invoke(args=["search", "december"]).output


def _options(page: str, name: str) -> str:
    """The <option>s of one filter menu of the search page."""
    start = page.index(f'name="{name}"')
    return page[start:page.index("</select>", start)]


def test_filter_menus_offer_the_newest_requests_and_every_agency_the_searcher_may_see(client, session, make):
    from foia.search.services import REQUEST_CHOICES

    owner, stranger = make.user(), make.user()
    old_agency, new_agency, hidden_agency = (make.agency(name=name) for name in
                                             ("Old Records Office", "New Records Office", "Hidden Bureau"))
    oldest = make.request(owner=owner, agency=old_agency, title="The oldest request")
    newer = [make.request(owner=owner, agency=new_agency) for _ in range(REQUEST_CHOICES)]
    secret = make.request(owner=stranger, agency=hidden_agency, title="Someone else's secret")
    client.login(owner.email)

    page = client.get("/search?q=anything").get_data(as_text=True)
    requests, agencies = _options(page, "request"), _options(page, "agency")
    assert all(f'value="{r.id}"' in requests for r in newer)
    assert f'value="{oldest.id}"' not in requests  # beyond the newest REQUEST_CHOICES
    assert "Old Records Office" in agencies and "New Records Office" in agencies  # every agency, not only those shown
    assert secret.title not in page and "Hidden Bureau" not in page

    chosen = client.get(f"/search?q=anything&request={oldest.id}").get_data(as_text=True)
    assert f'<option value="{oldest.id}" selected>' in _options(chosen, "request")
    probing = client.get(f"/search?q=anything&request={secret.id}").get_data(as_text=True)
    assert secret.title not in probing and f'value="{secret.id}"' not in _options(probing, "request")


def test_a_search_after_a_request_is_made_private_no_longer_finds_it(client, session, make):
    reader, owner = make.user(), make.user()
    mine = make.request(owner=reader)
    add_document(session, mine, ["The ocelot survey, page one."], filename="mine.pdf")
    theirs = make.request(owner=owner, visibility=Visibility.public)
    add_document(session, theirs, ["The ocelot census of the county."], filename="census.pdf")
    client.login(reader.email)
    for _ in range(2):  # the second search reuses what the first computed
        page = client.get("/search?q=ocelot").get_data(as_text=True)
        assert "census.pdf" in page and "mine.pdf" in page

    theirs.visibility = Visibility.private
    session.add(theirs)
    session.commit()
    page = client.get("/search?q=ocelot").get_data(as_text=True)
    assert "mine.pdf" in page and "census.pdf" not in page
    assert "census.pdf" not in client.get(f"/search?q=ocelot&request={theirs.id}").get_data(as_text=True)


def test_a_colleague_finds_the_teams_private_documents_until_they_leave_the_team(client, session, make):
    from sqlmodel import delete

    from foia.accounts.models import TeamMembership

    owner, colleague, reader = make.user(), make.user(), make.user()
    team = make.team(members=[owner, colleague])
    shared = make.request(owner=owner, team_id=team.id, visibility=Visibility.public)
    make.document(shared, pages=["The okapi budget, kept private."], filename="budget.pdf", is_private=True)
    make.document(shared, pages=["The okapi press release."], filename="release.pdf")

    client.login(reader.email)  # sees the public request, not its private document
    page = client.get("/search?q=okapi").get_data(as_text=True)
    assert "release.pdf" in page and "budget.pdf" not in page
    client.login(colleague.email)
    for _ in range(2):
        page = client.get("/search?q=okapi").get_data(as_text=True)
        assert "release.pdf" in page and "budget.pdf" in page

    session.exec(delete(TeamMembership).where(TeamMembership.user_id == colleague.id))
    session.commit()
    page = client.get("/search?q=okapi").get_data(as_text=True)
    assert "release.pdf" in page and "budget.pdf" not in page
