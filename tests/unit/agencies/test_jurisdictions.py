"""The jurisdictions directory is kept in step with the law files, by slug."""
from sqlmodel import select

from foia.agencies.jurisdictions import row_values, sync_jurisdictions
from foia.agencies.models import Jurisdiction
from foia.deadlines.laws import get_law
from foia.deadlines.rules import law_summary
from tests.unit.deadlines.laws import unread_law


def test_sync_is_idempotent_and_updates_by_slug(session):
    # the fixture database was synced already
    assert sync_jurisdictions(session) == 0
    rows = session.exec(select(Jurisdiction)).all()
    assert len(rows) == 52
    florida = next(j for j in rows if j.slug == "fl")
    # As an older release's file left it: other values, copied from other bytes.
    florida.verified = False
    florida.citation = "stale"
    florida.law_digest = "0" * 64
    session.commit()
    assert sync_jurisdictions(session) == 1
    session.commit()
    session.refresh(florida)
    assert (florida.verified, florida.citation) == (True, "Fla. Stat. § 119.07(1)(c)")
    assert row_values(get_law("fl"))["timezone"] == florida.timezone == "America/New_York"
    assert len(session.exec(select(Jurisdiction)).all()) == 52


def test_an_upgrade_reads_only_the_law_files_that_changed(session, monkeypatch):
    from foia.agencies import jurisdictions

    read = []
    monkeypatch.setattr(jurisdictions, "get_law", lambda slug: read.append(slug) or get_law(slug))
    assert sync_jurisdictions(session) == 0 and read == []  # the fixture synced every file already
    texas = session.exec(select(Jurisdiction).where(Jurisdiction.slug == "tx")).one()
    texas.law_digest = "0" * 64  # as if the packaged tx.toml were new
    session.commit()
    assert sync_jurisdictions(session) == 1 and read == ["tx"]  # read again; the row now names the new bytes
    session.commit()
    assert sync_jurisdictions(session) == 0 and read == ["tx"]


def test_rules_read_in_plain_words():
    assert law_summary(get_law("federal")).startswith(
        "20 business days to respond (grant or deny); 10 business days more by extension, counted from when the "
        "response was due; 90 calendar days to appeal")
    assert "no fixed number of days to respond" in law_summary(get_law("fl"))
    assert law_summary(get_law("ny")).startswith(
        "5 business days to acknowledge the request; 20 business days to respond (grant or deny), counted from when "
        "the agency acknowledged the request")
    unread = unread_law()
    assert "not in our data yet" in law_summary(unread)
