"""The jurisdictions data file and its loading into the database."""
import holidays
import pytest
from sqlmodel import select

from foia.agencies.jurisdictions import (JurisdictionDataError, load_jurisdiction_data, parse_jurisdiction_data,
                                         rules_summary, sync_jurisdictions)
from foia.agencies.models import DayType, Jurisdiction

STATES = ("al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny "
          "nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy").split()
VERIFIED = {"federal", "fl", "or", "ca", "ny", "tx", "wa", "il", "ma"}


def test_data_covers_federal_every_state_and_dc():
    data = load_jurisdiction_data()
    assert set(data) == {"federal", "dc", *STATES}
    assert len(data) == 52


@pytest.mark.parametrize("slug", ["federal", "dc", *STATES])
def test_every_entry_has_citation_source_and_a_holiday_calendar(slug):
    entry = load_jurisdiction_data()[slug]
    assert entry["citation"].strip() and entry["law_name"].strip()
    assert entry["source_url"].startswith("https://") or entry["source_url"].startswith("http://")
    calendar = holidays.country_holidays(entry["holiday_country"], subdiv=entry["holiday_subdiv"], years=2026)
    assert len(calendar) >= 10
    if slug == "federal":
        assert entry["holiday_subdiv"] is None
    else:
        assert entry["holiday_subdiv"] == slug.upper()
    assert entry["response_days"] is not None or entry["notes"], "a law without a fixed period needs a note"


def test_only_statute_checked_entries_are_verified():
    data = load_jurisdiction_data()
    assert {slug for slug, entry in data.items() if entry["verified"]} == VERIFIED


def test_day_counts_follow_the_law_notes():
    data = load_jurisdiction_data()
    federal = data["federal"]
    assert (federal["response_days"], federal["day_type"], federal["extension_days"],
            federal["appeal_window_days"], federal["appeal_response_days"]) == (20, DayType.business, 10, 90, 20)
    assert data["fl"]["response_days"] is None and "reasonable time" in data["fl"]["notes"]
    assert (data["or"]["ack_days"], data["or"]["response_days"], data["or"]["response_after_ack"]) == (5, 10, True)
    assert (data["ca"]["response_days"], data["ca"]["day_type"], data["ca"]["extension_days"]) == (10, DayType.calendar, 14)
    assert (data["ny"]["ack_days"], data["ny"]["response_days"], data["ny"]["appeal_response_days"]) == (5, 20, 10)
    assert data["tx"]["response_days"] == 10 and data["wa"]["response_days"] == 5
    assert (data["il"]["response_days"], data["il"]["extension_days"]) == (5, 5)
    assert data["ma"]["response_days"] == 10
    assert data["md"]["response_days"] == 30 and data["vt"]["response_days"] == 2
    for slug in "al az co mn mt nc nd oh ok wi wy".split():
        assert data[slug]["response_days"] is None and data[slug]["notes"], slug


def test_rules_read_in_plain_words():
    data = load_jurisdiction_data()
    as_text = {slug: rules_summary(Jurisdiction(slug=slug, **data[slug])) for slug in ("federal", "fl", "ny", "ca")}
    assert as_text["federal"].startswith("20 business days; +10 extension; appeal within 90 days")
    assert "no fixed period" in as_text["fl"]
    assert as_text["ny"].startswith("acknowledge in 5 business days; then 20 more business days")
    assert as_text["ca"].startswith("10 calendar days; +14 extension")


@pytest.mark.parametrize("text, complaint", [
    ('[zz]\nname="Z"\nlevel="state"\nlaw_name="L"\ncitation="C"\nsource_url="https://z"\ntimezone="UTC"\nfoo=1\n',
     "[zz]: unknown key(s): foo"),
    ('[zz]\nname="Z"\nlevel="state"\nlaw_name="L"\ncitation="C"\nsource_url="https://z"\ntimezone="UTC"\n'
     'day_type="weekdays"\n', "[zz]: day_type must be business or calendar"),
    ('[zz]\nname="Z"\nlevel="state"\nlaw_name="L"\ncitation="C"\nsource_url="https://z"\ntimezone="UTC"\n'
     'holiday_subdiv="XX"\n', "[zz]: the holidays package has no calendar"),
    ('[zz]\nname="Z"\nlevel="state"\nlaw_name="L"\nsource_url="https://z"\ntimezone="UTC"\n', "[zz]: missing citation"),
])
def test_bad_entries_are_refused_naming_the_slug(text, complaint):
    with pytest.raises(JurisdictionDataError) as raised:
        parse_jurisdiction_data(text)
    assert complaint in str(raised.value)


def test_sync_is_idempotent_and_updates_by_slug(session):
    # the fixture database was synced already
    assert sync_jurisdictions(session) == 0
    rows = session.exec(select(Jurisdiction)).all()
    assert len(rows) == 52
    florida = next(j for j in rows if j.slug == "fl")
    florida.response_days = 99
    florida.notes = "stale"
    session.commit()
    assert sync_jurisdictions(session) == 1
    session.commit()
    session.refresh(florida)
    assert florida.response_days is None and "reasonable time" in florida.notes
    assert len(session.exec(select(Jurisdiction)).all()) == 52
