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
