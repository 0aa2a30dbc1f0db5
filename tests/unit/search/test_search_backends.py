"""The same search cases on every backend: Tantivy, and PostgreSQL full text when the test database is PostgreSQL."""
from datetime import UTC, date, datetime

import pytest

from foia.requests.models import Visibility
from foia.search import services
from foia.search.index import SearchFilters
from tests.conftest import DEFAULT_NOW, PG_URL, require
from tests.unit.search.records import add_document, add_message, change

HOSTILE = [
    "", " ", '"', '""', '"unbalanced phrase', "-", "--", "*", "**", "-*", "OR", "OR OR", "a OR", "OR b", "AND",
    "NOT", "!", "!!", "&", "|", "||", "(", ")", "((rekognition", ":", "text:rekognition", "title:*", "rekognition~2",
    "rek?gnition", "[1 TO 5]", "{}", "^", "\\", "\\\"", "'; DROP TABLE page; --", "%", "_", "%_%", "' OR 1=1 --",
    "rekognition:*", "rekognition & body", "rekognition <-> body", "!rekognition", "a:* & b", "\x00", "\x00rek",
    "日本語", "ｒｅｋｏｇｎｉｔｉｏｎ", "café", "🙂", "\u202erekognition", "\ue000mark\ue001", "<mark>x</mark>",
    "<script>alert(1)</script>", "x" * 10_000, ("rekognition " * 2000), '"' * 3000, "-" * 5000, "a*" * 300,
    "-rekognition", "-rekognition -body", "re*", "r*", "rekognition -rekognition", "the", "the OR a",
    '"the a an"', "ab*", "body-cam", "real-time", "jane@agency.example.gov", "1234567890" * 10,
]


@pytest.fixture(params=["tantivy", "postgres"])
def app_config(request, app_config):
    if request.param == "postgres" and not (PG_URL or "").startswith("postgres"):
        pytest.skip("the postgres search backend needs FOIA_TEST_DATABASE_URL to be PostgreSQL")
    return {**app_config, "SEARCH_BACKEND": request.param}


def _search(session, runtime, query, actor=None, **filters):
    results = services.search(session, runtime, actor, DEFAULT_NOW, query, SearchFilters(**filters))
    # End the read transaction, as a web request does: the index's catch-up wrote in its own session,
    # and SQLite would refuse this session's next write against its older snapshot.
    session.commit()
    return results


@pytest.fixture
def world(session, make):
    """An owner with two private requests, one public request and a stranger."""
    owner = make.user()
    agency = make.agency(name="Orlando Police Department")
    other_agency = make.agency(name="Washington County Sheriff")
    first = make.request(owner=owner, agency=agency)
    second = make.request(owner=owner, agency=other_agency)
    public = make.request(owner=owner, agency=agency, visibility=Visibility.public)
    docs = {
        "pilot": add_document(session, first, [
            "Orlando police began the Amazon Rekognition pilot in December.",
            "The body cam footage would be analysed in real-time by the vendor.",
            "Nothing of note on this page: budget tables and signatures.",
        ], filename="rekognition-pilot.pdf", senders=[("Jane Doe <jane@orlando.example.gov>",
                                                       datetime(2018, 1, 5, tzinfo=UTC), 1, 3)]),
        "sheriff": add_document(session, second, [
            "The sheriff's office uses facial recognition cameras at the jail.",
            "A zebrafish appears only here, and the body of the report continues.",
        ], filename="sheriff.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            senders=[("Chris Adams <chris@washco.example.gov>", datetime(2019, 6, 1, tzinfo=UTC), 1, 2)]),
        "public": add_document(session, public, ["Public minutes about drones and the camera program."],
                               filename="minutes.pdf"),
    }
    return {"owner": owner, "stranger": make.user(), "admin": make.user(is_admin=True), "first": first,
            "second": second, "public": public, "agency": agency, "other_agency": other_agency, **docs}


def _documents(results):
    return {group.document.id for group in results.groups if group.document is not None}


def test_a_word_in_only_one_document_finds_that_document(session, runtime, world):
    results = _search(session, runtime, "zebrafish", world["owner"])
    assert _documents(results) == {world["sheriff"].id}
    assert results.total == 1
    assert results.groups[0].pages[0].number == 2
    assert "<mark>zebrafish</mark>" in results.groups[0].pages[0].snippet.lower()


def test_words_are_anded_and_stemmed(session, runtime, world):
    assert _documents(_search(session, runtime, "Rekognition pilot", world["owner"])) == {world["pilot"].id}
    assert _documents(_search(session, runtime, "rekognition zebrafish", world["owner"])) == set()
    # "cameras" and "camera" are the same word to a searcher.
    assert _documents(_search(session, runtime, "cameras", world["owner"])) == {world["sheriff"].id, world["public"].id}


def test_exact_phrase(session, runtime, world):
    results = _search(session, runtime, '"body cam"', world["owner"])
    assert _documents(results) == {world["pilot"].id}
    assert [page.number for page in results.groups[0].pages] == [2]
    # Both words occur in the sheriff's document, but not next to each other.
    assert _documents(_search(session, runtime, "body cam", world["owner"])) == {world["pilot"].id}
    assert _documents(_search(session, runtime, "body report", world["owner"])) == {world["sheriff"].id}


def test_or_exclude_and_prefix(session, runtime, world):
    owner = world["owner"]
    assert _documents(_search(session, runtime, "zebrafish OR drones", owner)) == {world["sheriff"].id, world["public"].id}
    assert _documents(_search(session, runtime, "camera -drones", owner)) == {world["sheriff"].id}
    assert _documents(_search(session, runtime, "rekog*", owner)) == {world["pilot"].id}
    assert _documents(_search(session, runtime, "zebra*", owner)) == {world["sheriff"].id}
    assert _documents(_search(session, runtime, "recognition*", owner)) == {world["sheriff"].id}


def test_hyphenated_words_match_as_written(session, runtime, world):
    assert _documents(_search(session, runtime, "real-time", world["owner"])) == {world["pilot"].id}


def test_nothing_found_and_too_vague_are_friendly(session, runtime, world):
    assert _search(session, runtime, "xylophone", world["owner"]).groups == []
    vague = _search(session, runtime, "-rekognition", world["owner"])
    assert vague.problem and "vague" in vague.problem
    empty = _search(session, runtime, "   ", world["owner"])
    assert empty.problem and empty.total == 0


def test_hostile_queries_never_raise(session, runtime, world):
    for query in HOSTILE:
        for actor in (world["admin"], world["stranger"]):
            results = _search(session, runtime, query, actor)
            assert results.total >= 0, query
            for group in results.groups:
                assert all("<script" not in page.snippet for page in group.pages), query


def test_another_users_private_request_never_appears(session, runtime, world):
    stranger = world["stranger"]
    assert _search(session, runtime, "rekognition", stranger).groups == []
    assert _search(session, runtime, "zebrafish", stranger, request_id=world["second"].id).groups == []
    assert _documents(_search(session, runtime, "camera", stranger)) == {world["public"].id}


def test_anonymous_sees_only_public_requests(session, runtime, world):
    assert _documents(_search(session, runtime, "camera OR rekognition", None)) == {world["public"].id}


def test_team_members_see_shared_requests(session, runtime, make, world):
    colleague = make.user()
    team = make.team(members=[world["owner"], colleague])
    world["second"].team_id = team.id
    session.add(world["second"])
    session.commit()
    assert _documents(_search(session, runtime, "zebrafish", colleague)) == {world["sheriff"].id}


def test_holding_pen_only_for_admins(session, runtime, world):
    add_document(session, None, ["An unmatched attachment mentioning quokka sightings."], filename="unmatched.pdf")
    add_message(session, None, "A stray email about quokka habitats.")
    assert _search(session, runtime, "quokka", world["owner"]).groups == []
    assert _search(session, runtime, "quokka", None).groups == []
    admin = _search(session, runtime, "quokka", world["admin"])
    assert {group.kind for group in admin.groups} == {"document", "message"}


def test_message_bodies_are_found(session, runtime, world):
    message = add_message(session, world["first"], "We will send the Rekognition invoices by courier.",
                          subject="Invoices", sender="clerk@orlando.example.gov")
    results = _search(session, runtime, "courier", world["owner"])
    assert [(group.kind, group.message.id) for group in results.groups] == [("message", message.id)]
    assert "<mark>courier</mark>" in results.groups[0].snippet
    assert _search(session, runtime, "courier", world["stranger"]).groups == []


def test_snippets_escape_html(session, runtime, world):
    add_document(session, world["first"], ["<script>alert('x')</script> the wombat & <b>friends</b>"])
    results = _search(session, runtime, "wombat", world["owner"])
    snippet = results.groups[0].pages[0].snippet
    assert "<mark>wombat</mark>" in snippet
    # Tantivy keeps the tags as escaped text; PostgreSQL's parser drops them. Neither lets them through.
    assert "<script>" not in snippet and "<b>" not in snippet and "&amp;" in snippet


def test_filters(session, runtime, world):
    owner = world["owner"]
    everything = "camera OR rekognition OR zebrafish"
    assert _documents(_search(session, runtime, everything, owner, request_id=world["second"].id)) == {world["sheriff"].id}
    assert _documents(_search(session, runtime, everything, owner, agency_id=world["agency"].id)) == {
        world["pilot"].id, world["public"].id}
    assert _documents(_search(session, runtime, everything, owner, doc_type="word")) == {world["sheriff"].id}
    assert _documents(_search(session, runtime, everything, owner, sender="chris")) == {world["sheriff"].id}
    assert _documents(_search(session, runtime, everything, owner, date_from=date(2018, 1, 1),
                              date_to=date(2018, 12, 31))) == {world["pilot"].id}
    assert _documents(_search(session, runtime, everything, owner, date_from=date(2019, 6, 1),
                              date_to=date(2019, 6, 1))) == {world["sheriff"].id}


def test_changed_and_deleted_pages_follow_the_database(session, runtime, world):
    from foia.documents.models import Page
    from sqlmodel import select

    page = session.exec(select(Page).where(Page.document_id == world["public"].id)).one()
    page.text = "Revised minutes: the platypus program replaced drones."
    session.add(page)
    session.commit()
    change(session, "page", page.id)
    assert _documents(_search(session, runtime, "platypus", world["owner"])) == {world["public"].id}
    assert _search(session, runtime, "drones -platypus", world["owner"]).groups == []

    sheriff_pages = session.exec(select(Page).where(Page.document_id == world["sheriff"].id)).all()
    for p in sheriff_pages:
        session.delete(p)
    session.commit()
    for p in sheriff_pages:
        change(session, "page", p.id, op="delete")
    assert _search(session, runtime, "zebrafish", world["admin"]).groups == []


def test_document_moved_to_another_request_is_reindexed(session, runtime, world, make):
    newcomer = make.user()
    theirs = make.request(owner=newcomer)
    _search(session, runtime, "zebrafish", world["owner"])  # indexed under the owner's request
    world["sheriff"].request_id = theirs.id
    session.add(world["sheriff"])
    session.commit()
    change(session, "document", world["sheriff"].id)
    assert _search(session, runtime, "zebrafish", world["owner"]).groups == []
    assert _documents(_search(session, runtime, "zebrafish", newcomer)) == {world["sheriff"].id}


def test_results_are_checked_against_the_database_even_before_reindexing(session, runtime, world, make):
    _search(session, runtime, "zebrafish", world["owner"])
    world["sheriff"].request_id = make.request().id  # no SearchChange: the index still says otherwise
    session.add(world["sheriff"])
    session.commit()
    runtime.search.update(session)
    assert _search(session, runtime, "zebrafish", world["owner"]).groups == []


def test_rebuild_finds_everything_again(session, runtime, world):
    assert runtime.search.rebuild(session) == 6
    assert _documents(_search(session, runtime, "zebrafish", world["owner"])) == {world["sheriff"].id}


def test_pagination(session, runtime, world):
    add_document(session, world["first"], [f"Page {n} mentions the ocelot." for n in range(1, 46)], filename="long.pdf")
    first = services.search(session, runtime, world["owner"], DEFAULT_NOW, "ocelot", per_page=20)
    assert first.total == 45 and first.pages == 3 and first.has_next and not first.has_prev
    last = services.search(session, runtime, world["owner"], DEFAULT_NOW, "ocelot", page=3, per_page=20)
    assert sum(len(g.pages) for g in last.groups) == 5 and not last.has_next


def test_a_search_with_nothing_new_to_index_opens_no_second_session(session, runtime, world):
    import sqlalchemy as sa

    _search(session, runtime, "zebrafish", world["owner"])  # the index has caught up
    session.connection()
    checkouts = []
    listener = lambda *args: checkouts.append(args)  # noqa: E731
    sa.event.listen(runtime.engine, "checkout", listener)
    try:
        assert _documents(_search(session, runtime, "zebrafish", world["owner"])) == {world["sheriff"].id}
        assert checkouts == []  # the "anything new?" check ran on the search's own connection
        add_document(session, world["first"], ["A newly extracted page about a wallaby."])
        session.connection()
        checkouts.clear()
        assert _documents(_search(session, runtime, "wallaby", world["owner"]))  # found at once
        assert len(checkouts) == 1  # the catch-up wrote in a session of its own
    finally:
        sa.event.remove(runtime.engine, "checkout", listener)


def test_sharing_and_unsharing_take_effect_on_the_next_search(session, runtime, make, world):
    from foia.accounts.models import TeamMembership

    colleague = make.user()
    assert _search(session, runtime, "zebrafish", colleague).groups == []
    team = make.team(members=[world["owner"], colleague])
    world["second"].team_id = team.id
    session.add(world["second"])
    session.commit()
    assert _documents(_search(session, runtime, "zebrafish", colleague)) == {world["sheriff"].id}
    session.delete(session.get(TeamMembership, (team.id, colleague.id)))
    session.commit()
    assert _search(session, runtime, "zebrafish", colleague).groups == []


def test_an_embargo_ends_on_its_date(session, runtime, make, world):
    from datetime import timedelta

    world["first"].visibility = Visibility.embargoed
    world["first"].embargo_until = date(2026, 3, 3)
    session.add(world["first"])
    session.commit()
    stranger = world["stranger"]
    assert _search(session, runtime, "rekognition", stranger).groups == []
    next_day = services.search(session, runtime, stranger, DEFAULT_NOW + timedelta(days=1), "rekognition")
    session.commit()
    assert _documents(next_day) == {world["pilot"].id}
    assert _search(session, runtime, "rekognition", stranger).groups == []


def test_hits_whose_rows_are_gone_are_dropped_before_reindexing(session, runtime, world):
    from foia.documents.models import Page
    from sqlmodel import select

    _search(session, runtime, "zebrafish", world["owner"])
    for page in session.exec(select(Page).where(Page.document_id == world["sheriff"].id)).all():
        session.delete(page)  # no SearchChange: the index still has the pages
    session.commit()
    assert _search(session, runtime, "zebrafish", world["admin"]).groups == []


def test_groups_carry_the_request_shown_or_none_for_the_holding_pen(session, runtime, world):
    add_document(session, None, ["An unmatched attachment about a numbat."], filename="stray.pdf")
    add_message(session, world["first"], "The numbat appears in this email too.", subject="Numbat")
    results = _search(session, runtime, "numbat", world["admin"])
    by_kind = {group.kind: group for group in results.groups}
    assert by_kind["document"].foia_request is None and by_kind["document"].document.filename == "stray.pdf"
    request = by_kind["message"].foia_request
    assert (request.id, request.tracking_code, request.title) == (
        world["first"].id, world["first"].tracking_code, world["first"].title)
    assert by_kind["message"].title == "Numbat"


def test_chinese_japanese_and_accented_words_find_their_document(session, runtime, world):
    japanese = add_document(session, world["first"], ["京都の警察は顔認識システムを導入した。"], filename="kyoto.pdf")
    accented = add_document(session, world["first"], ["The café in Zürich served crème brûlée."], filename="menu.pdf")
    owner = world["owner"]
    found = _search(session, runtime, "警察", owner)  # a word inside a sentence
    assert _documents(found) == {japanese.id}
    assert "京都の" in found.groups[0].pages[0].snippet  # shown as written, not spaced out
    assert _documents(_search(session, runtime, "京都の警察は顔認識システムを導入した", owner)) == {japanese.id}
    assert _documents(_search(session, runtime, "認識システム", owner)) == {japanese.id}
    assert _search(session, runtime, "警視庁", owner).groups == []  # the same characters in another order are not
    assert _documents(_search(session, runtime, "Zürich", owner)) == {accented.id}
    assert _documents(_search(session, runtime, "café", owner)) == {accented.id}


def _require_folding(session, runtime, app_config) -> None:
    """On PostgreSQL accents fold only with the unaccent extension (migration 0006 adds it when it may)."""
    if app_config["SEARCH_BACKEND"] == "postgres":
        require(runtime.search.config(session) == "foia_english",
                "PostgreSQL has no unaccent extension here: accents count (see README, search backends)")


def test_accents_are_optional_on_both_backends(session, runtime, world, app_config):
    _require_folding(session, runtime, app_config)
    accented = add_document(session, world["first"], ["The café in Zürich served crème brûlée."], filename="menu.pdf")
    plain = add_document(session, world["first"], ["A resume of the naive cafe owner."], filename="plain.pdf")
    owner = world["owner"]
    assert _documents(_search(session, runtime, "cafe", owner)) == {accented.id, plain.id}
    assert _documents(_search(session, runtime, "Zurich", owner)) == {accented.id}
    assert _documents(_search(session, runtime, "résumé", owner)) == {plain.id}
    assert _documents(_search(session, runtime, "brûl*", owner)) == {accented.id}
    snippets = {group.document.id: group.pages[0].snippet for group in _search(session, runtime, "cafe", owner).groups}
    assert "<mark>café</mark>" in snippets[accented.id]  # the words as written are highlighted


def _text(hits: int, words: int) -> str:
    """`words` words, `hits` of them the searched word, the rest filler that matches nothing."""
    filler = "alpha bravo charlie delta echo foxtrot golf hotel india juliet".split()
    return " ".join(["quagga"] * hits + [filler[i % len(filler)] for i in range(words - hits)])


def test_results_are_ranked_by_how_much_each_item_is_about_the_words(session, runtime, world):
    """The order search promises (foia.search.services): items whose text uses the words more often, for its
    length, come first; a document is listed at its best page, with its matching pages in page order; messages
    are ranked among the pages."""
    request = world["first"]
    seldom = add_document(session, request, [_text(1, 300)], filename="seldom.pdf")
    often = add_document(session, request, [_text(5, 30)], filename="often.pdf")
    both = add_document(session, request, [_text(1, 300), _text(3, 30)], filename="both.pdf")
    message = add_message(session, request, _text(2, 29), subject="Note")
    results = _search(session, runtime, "quagga", world["owner"])
    order = [(group.kind, group.document.id if group.document else group.message.id) for group in results.groups]
    assert order == [("document", often.id), ("document", both.id), ("message", message.id), ("document", seldom.id)]
    assert [page.number for page in results.groups[1].pages] == [1, 2]


def test_a_name_with_accents_is_found_typed_without_them_and_marked_as_written(session, runtime, world, app_config):
    _require_folding(session, runtime, app_config)
    letter = add_document(session, world["first"], ["Letter from Sgt. María Peña of the Orlando police."],
                          filename="pena.pdf")
    reply = add_message(session, world["first"], "Ms. Peña will call you about the footage.", subject="Call")
    owner = world["owner"]
    for typed in ("pena", "Peña", "PENA", "maria pena", '"maría peña"'):
        results = _search(session, runtime, typed, owner)
        assert _documents(results) == {letter.id}, typed
        messages = [g.message.id for g in results.groups if g.kind == "message"]
        assert messages == ([] if "maria" in typed or "maría" in typed else [reply.id]), typed
    snippet = _search(session, runtime, "pena", owner).groups[0]
    snippet = snippet.pages[0].snippet if snippet.kind == "document" else snippet.snippet
    assert "<mark>Peña</mark>" in snippet


def test_words_inside_email_addresses_and_domains_are_found(session, runtime, world):
    """A person looks for the agency's name; it is written inside an address or a web domain."""
    owner = world["owner"]
    letter = add_document(session, world["first"], [
        "Please write to records@orlando-police.example or see https://www.cityoforlando.example/records "
        "for the fee schedule (version 2.14)."], filename="contact.pdf")
    message = add_message(session, world["second"], "Questions go to the clerk, jdoe@washco.example.gov.",
                          subject="Contact", sender="clerk@washco.example.gov")
    assert _documents(_search(session, runtime, "orlando", owner)) >= {letter.id}
    assert _documents(_search(session, runtime, "police records", owner)) >= {letter.id}
    assert _documents(_search(session, runtime, "cityoforlando", owner)) == {letter.id}
    assert _documents(_search(session, runtime, "records@orlando-police.example", owner)) == {letter.id}
    assert _documents(_search(session, runtime, "orlando-police.example", owner)) == {letter.id}
    assert _documents(_search(session, runtime, "2.14", owner)) == {letter.id}
    found = _search(session, runtime, "washco", owner)
    assert [g.message.id for g in found.groups if g.kind == "message"] == [message.id]
    # The snippet shows the address as written, the searched word marked inside it.
    snippet = [g for g in _search(session, runtime, "orlando", owner).groups
               if g.kind == "document" and g.document.id == letter.id][0].pages[0].snippet
    assert "records@<mark>orlando</mark>-police.example" in snippet.replace("<mark>police</mark>", "police")
    assert _search(session, runtime, "orlando-sheriff", owner).groups == []  # words apart, not next to each other
